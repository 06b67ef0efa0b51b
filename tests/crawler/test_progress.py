"""The progress display: the line's content, and a live line during a real crawl."""

from __future__ import annotations

import io

import pytest_twisted

from crawler.progress import ProgressDisplay, progress_line
from crawler.spiders import SITE_SPIDERS
from tests.conftest import crawl, project_settings


def test_progress_line_counts_reasons_errors_rate_and_eta():
    stats = {
        "downloader/response_count": 120, "archive/added": 90, "archive/updated": 2,
        "extract/ok": 97, "item_dropped_reasons_count/NotAnArticle": 3,
        "archive/skipped_archived": 7, "robotstxt/forbidden": 4, "ainews/requests_failed": 2,
        "extract/error": 1,
        # retries and skips (which leave the downloader as IgnoreRequest) are no errors, and
        # neither are log lines
        "downloader/exception_count": 13, "log_count/ERROR": 5,
        "downloader/exception_type_count/scrapy.exceptions.IgnoreRequest": 11,
    }
    line = progress_line(stats, 75, pending=60, rate_per_min=120)
    # Articles count as soon as they are extracted, before their batch is committed.
    assert line.startswith("120 pages | articles 97 extracted, 90 new 2 updated")
    assert "skipped archived=7 robots=4 | dropped NotAnArticle=3 |" in line
    assert "errors 3" in line and "120 pages/min" in line
    assert "60 queued, ETA 0m30s" in line and line.endswith("1m15s")
    assert "ETA" not in progress_line({}, 1, pending=None, rate_per_min=0)


@pytest_twisted.inlineCallbacks
def test_a_crawl_draws_a_live_line(demo_server, tmp_path, monkeypatch):
    screen = io.StringIO()
    monkeypatch.setattr(ProgressDisplay, "stream", screen)
    settings = project_settings(ARCHIVE_URI=str(tmp_path / "a"), PROGRESS="live",
                                REVISIT_WINDOW_DAYS=0)
    _, done = crawl(SITE_SPIDERS["demo-wp"], settings, base_url=demo_server.base_url("demo-wp"))
    yield done
    frames = screen.getvalue().split("\r\x1b[K")
    assert len(frames) >= 2
    total = len(demo_server.sites["demo-wp"].articles)
    assert f"articles {total} extracted, {total} new 0 updated" in frames[-1]
    # demo-wp's robots.txt forbids a page the crawl finds: a skip, not an error.
    assert "skipped robots=" in frames[-1] and "errors 0" in frames[-1]
    assert frames[-1].endswith("\n")
