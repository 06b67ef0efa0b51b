"""Stats keys have one home (crawler/stat_keys.py), and "errors" means one thing everywhere."""

from __future__ import annotations

import re
from typing import Any

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from ainews.outcome import crawl_summary
from crawler import stat_keys
from crawler.extensions import CrawlRunRecorder
from crawler.middlewares import FailedRequestCounter
from crawler.progress import progress_line
from tests.conftest import REPO, project_settings

# A stats key written as a literal: "component/event", ours or Scrapy's.
_LITERAL_KEY = re.compile(
    r"""["'](extract|archive|discovery|revisit|worker|fetch|ainews|downloader|robotstxt|"""
    r"""log_count|retry|scheduler|spider_exceptions|item_dropped_reasons_count)/[a-z_]""")


def test_stats_keys_are_named_only_in_their_module():
    written = []
    for package in ("ainews", "crawler", "pipelines"):
        for path in sorted((REPO / package).rglob("*.py")):
            if path.name == "stat_keys.py":
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if _LITERAL_KEY.search(line):
                    written.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert not written, "\n".join(written)


def test_every_key_is_documented_where_it_is_defined():
    source = (REPO / "crawler" / "stat_keys.py").read_text(encoding="utf-8")
    for name, value in vars(stat_keys).items():
        if name.isupper() and isinstance(value, str) and not name.endswith("_PREFIX") \
                and "/" in value and not value.startswith(("downloader/", "item_dropped")):
            assert re.search(rf'^{name} = .*\n"""', source, re.M), f"{name} has no docstring"


def _failed(counter: FailedRequestCounter, url: str, exception: BaseException) -> None:
    counter.process_exception(Request(url), exception)


def test_a_request_fails_once_however_often_it_was_tried():
    crawler = get_crawler(settings_dict=project_settings())
    counter = build_from_crawler(FailedRequestCounter, crawler)
    assert crawler.stats is not None
    _failed(counter, "http://a.cn/1.html", ConnectionRefusedError())
    _failed(counter, "http://a.cn/robots.txt", ConnectionRefusedError())  # allows everything
    _failed(counter, "http://a.cn/2.html", IgnoreRequest())  # a skip
    assert crawler.stats.get_value(stat_keys.REQUESTS_FAILED) == 1
    # It sits between the engine and the retries: it only sees what the retries gave up on.
    order = project_settings()["DOWNLOADER_MIDDLEWARES"]
    assert order["crawler.middlewares.FailedRequestCounter"] < 550  # RetryMiddleware


@pytest.mark.parametrize("stats", [
    {"ainews/requests_failed": 1, "downloader/exception_count": 6, "retry/count": 4,
     "log_count/ERROR": 3},
    {"extract/error": 1, "log_count/ERROR": 0},
    {"spider_exceptions/ValueError": 1, "spider_exceptions/count": 1},
])
def test_errors_are_counted_one_way_by_every_reader(stats: dict[str, Any]):
    base = {"downloader/response_count": 1, "finish_reason": "finished", **stats}
    assert stat_keys.errors(base) == 1
    assert "| errors 1 |" in progress_line(base, 1, pending=None, rate_per_min=1)
    crawler = get_crawler(settings_dict=project_settings())
    assert crawler.stats is not None
    crawler.stats.set_stats(dict(base))
    recorder = CrawlRunRecorder(crawler, archive=None)  # type: ignore[arg-type]

    class Spider:
        name = "x"

    crawler.stats.set_value("ainews/crawl_run_id", "r1")
    assert recorder.run_row(Spider(), "finished")["errors"] == 1  # type: ignore[arg-type]
    assert crawl_summary("x", base).startswith("x: 1 pages fetched")
