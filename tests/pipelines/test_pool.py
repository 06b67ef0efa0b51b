"""Extraction in worker processes: same results as inline, and a per-page timeout."""

from __future__ import annotations

import pytest_twisted

from ainews.demo.static import StaticServer
from archive import Archive
from crawler.spiders.fetch import FetchSpider
from tests.conftest import REPO, crawl, project_settings

ARTICLE = (REPO / "tests" / "fixtures" / "aigcdaily_article.html").read_bytes()
HTML = "text/html; charset=utf-8"


def _endless_page() -> bytes:
    """1.6 MB of paragraphs and links: seconds of extraction, far over a short limit."""
    blocks = "".join(
        f"<div><p>第{i}段:人工智能大模型的发展速度令人惊叹,研究人员持续改进训练方法。</p>"
        f'<a href="/x{i}">链接{i}</a></div>' for i in range(20000))
    return f"<html><head><title>t</title></head><body>{blocks}</body></html>".encode()


@pytest_twisted.inlineCallbacks
def test_a_page_over_the_time_limit_is_dropped_and_the_crawl_goes_on(tmp_path):
    server = StaticServer({"/slow.html": (_endless_page(), HTML), "/a.html": (ARTICLE, HTML),
                         "/b.html": (ARTICLE.replace(b"<title>", b"<title>B "), HTML)})
    try:
        settings = project_settings(ARCHIVE_URI=str(tmp_path / "a"), DOWNLOAD_DELAY=0,
                                    AUTOTHROTTLE_ENABLED=False, EXTRACT_WORKERS=2,
                                    EXTRACT_TIMEOUT=1.0)
        urls = [server.base_url + path for path in ("/slow.html", "/a.html", "/b.html")]
        crawler, done = crawl(FetchSpider, settings, urls=",".join(urls))
        yield done
    finally:
        server.close()
    stats = crawler.stats.get_stats()
    assert stats["extract/timeout"] == 1
    assert stats["item_dropped_reasons_count/ExtractionTimedOut"] == 1
    archived = Archive(tmp_path / "a").to_arrow(columns=["url"]).column("url").to_pylist()
    assert sorted(archived) == sorted(urls[1:])
    runs = Archive(tmp_path / "a").sql("SELECT dropped_by_reason FROM crawl_runs").to_pylist()
    assert "ExtractionTimedOut" in runs[0]["dropped_by_reason"]


@pytest_twisted.inlineCallbacks
def test_pool_and_inline_extraction_archive_the_same_rows(demo_server, tmp_path):
    from crawler.spiders import SITE_SPIDERS

    rows = {}
    for workers in (0, 2):
        settings = project_settings(ARCHIVE_URI=str(tmp_path / str(workers)),
                                    EXTRACT_WORKERS=workers, REVISIT_WINDOW_DAYS=0)
        _, done = crawl(SITE_SPIDERS["demo-portal"], settings,
                        base_url=demo_server.base_url("demo-portal"))
        yield done
        table = Archive(tmp_path / str(workers)).to_arrow(
            columns=["url", "title", "authors", "published_at", "text", "category"])
        rows[workers] = sorted(table.to_pylist(), key=lambda r: r["url"])
    assert len(rows[0]) == len(demo_server.sites["demo-portal"].articles)
    assert rows[0] == rows[2]
