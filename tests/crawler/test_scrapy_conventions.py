"""Scrapy's own commands work on the project: feed exports of the articles, the spider list."""

from __future__ import annotations

import csv
import json
import subprocess

import pytest

from crawler.items import ARTICLE_EXPORT_FIELDS
from crawler.sites import PROFILES
from tests.conftest import REPO, SCRAPY


@pytest.mark.parametrize("suffix", ["jsonl", "csv"])
def test_scrapy_crawl_writes_the_articles_as_a_feed(tmp_path, demo_server, suffix):
    out = tmp_path / f"items.{suffix}"
    done = subprocess.run(
        [SCRAPY, "crawl", "demo-daily", "-a", f"base_url={demo_server.base_url('demo-daily')}",
         "-s", f"ARCHIVE_URI={tmp_path / 'archive'}", "-s", "REVISIT_WINDOW_DAYS=0",
         "-O", str(out)], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "not JSON serializable" not in done.stderr
    assert "Error caught on signal handler" not in done.stderr
    if suffix == "jsonl":
        rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    else:
        with out.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    assert len(rows) == len(demo_server.sites["demo-daily"].articles)
    assert list(rows[0]) == ARTICLE_EXPORT_FIELDS
    assert all(row["title"] and row["text"] and row["published_date"] for row in rows)
    assert "page" not in rows[0] and "lease" not in rows[0]


def test_scrapy_list_names_every_profile():
    done = subprocess.run([SCRAPY, "list"], cwd=REPO, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert set(PROFILES) <= set(done.stdout.split())


def test_scrapy_parse_shows_the_extracted_article(demo_server):
    base = demo_server.base_url("demo-daily")
    article = demo_server.sites["demo-daily"].articles[0]
    done = subprocess.run(
        [SCRAPY, "parse", base + article.path, "--spider", "demo-daily", "-a",
         f"base_url={base}", "--nolog", "--nocolour"],
        cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    shown = done.stdout.split("# Scraped Items")[1].split("# Requests")[0]
    assert f"'title': '{article.title}'" in shown
    assert "'published_date': datetime.date(" in shown and "'body'" not in shown
    assert "'category': 'AI大模型'" in shown or "'category': " in shown
