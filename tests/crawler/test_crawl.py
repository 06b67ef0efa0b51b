"""Real in-process crawls of the demo sites on 127.0.0.1 into a real archive."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest_twisted

from archive import Archive
from crawler.spiders import SITE_SPIDERS
from crawler.spiders.site import SiteSpider
from tests.conftest import BOILERPLATE, crawl, project_settings

SHANGHAI = ZoneInfo("Asia/Shanghai")
SITES = ("demo-daily", "demo-wp", "demo-portal")


@pytest_twisted.inlineCallbacks
def test_demo_crawl_archives_every_article_once_and_recrawl_fetches_none(demo_server, tmp_path):
    settings = project_settings(ARCHIVE_URI=str(tmp_path / "archive"), ARCHIVE_BATCH_SIZE=25,
                                REVISIT_WINDOW_DAYS=0)
    before = {site: len(demo_server.requests(site)) for site in SITES}
    for site in SITES:
        _, done = crawl(SITE_SPIDERS[site], settings, base_url=demo_server.base_url(site))
        yield done

    rows = Archive(tmp_path / "archive").to_arrow().to_pylist()
    by_url = {}
    for row in rows:
        assert row["url"] not in by_url, f"archived twice: {row['url']}"
        by_url[row["url"]] = row
    for site in SITES:
        server = demo_server.sites[site]
        base = demo_server.base_url(site)
        assert sum(r["site"] == site for r in rows) == len(server.articles)
        # robots.txt forbids one linked article; it was never requested.
        assert base + server.disallowed.path not in by_url
        assert server.disallowed.path not in demo_server.requests(site)
        assert "/robots.txt" in demo_server.requests(site)
        for truth in server.articles:
            row = by_url[base + truth.path]
            assert row["title"] == truth.title
            assert row["authors"] == truth.authors
            assert row["editors"] == truth.editors
            assert row["source"] == truth.source
            assert row["category"] == truth.category
            assert row["breadcrumbs"] == truth.breadcrumbs
            shown = row["published_at"].astimezone(SHANGHAI).date()
            printed = truth.published_at.astimezone(SHANGHAI).date()
            # `N天前` counts whole days back from the fetch: within an hour after midnight it
            # names the day after the one the article was published on.
            days_back = site == "demo-wp" and (
                timedelta(days=2) < datetime.now(UTC) - truth.published_at < timedelta(days=30))
            assert printed <= shown <= printed + timedelta(days=1 if days_back else 0)
            assert abs(row["published_at"] - truth.published_at) < timedelta(days=1)
            assert row["text"].split("\n") == list(dict.fromkeys(truth.paragraphs))
            assert not any(word in row["text"] for word in BOILERPLATE), row["url"]
            assert row["http_status"] == 200
            assert row["spider"] == site
            assert row["lang"] == "zh"
    portal = [r for r in rows if r["site"] == "demo-portal"]
    assert all(r["encoding"] in ("gbk", "gb18030") for r in portal)
    archive = Archive(tmp_path / "archive")
    # Every archived article keeps its raw response; every crawl left a run record.
    assert archive.sql("SELECT count(DISTINCT url) AS n FROM pages").to_pylist() == [
        {"n": len(rows)}]
    runs = archive.sql("SELECT * FROM crawl_runs ORDER BY started_at").to_pylist()
    assert [r["site"] for r in runs] == list(SITES)
    assert all(r["finish_reason"] == "finished" and r["errors"] == 0 for r in runs)
    assert [r["articles_added"] for r in runs] == [
        len(demo_server.sites[s].articles) for s in SITES]
    assert all(r["pages_fetched"] > r["articles_added"] for r in runs)

    # A second crawl fetches the first listing page again, stops there (all of its articles
    # are archived), and fetches no article page.
    first_paths = {site: demo_server.requests(site)[before[site]:] for site in SITES}
    mark = {site: len(demo_server.requests(site)) for site in SITES}
    for site in SITES:
        crawler, done = crawl(SITE_SPIDERS[site], settings, base_url=demo_server.base_url(site))
        yield done
        stats = crawler.stats.get_stats()
        assert stats.get("archive/rows_written", 0) == 0
        assert stats["archive/skipped_archived"] >= 20
        assert stats["discovery/pagination_stopped"] == 1
        again = demo_server.requests(site)[mark[site]:]
        articles = {a.path for a in demo_server.sites[site].articles}
        assert not articles & set(again), f"{site} refetched archived articles"
        assert articles <= set(first_paths[site])
    assert Archive(tmp_path / "archive").to_arrow().num_rows == len(rows)


@pytest_twisted.inlineCallbacks
def test_generic_site_spider_takes_the_site_as_an_argument(demo_server, tmp_path):
    settings = project_settings(ARCHIVE_URI=str(tmp_path / "a"), DOWNLOAD_DELAY=0,
                                AUTOTHROTTLE_ENABLED=False)
    crawler, done = crawl(SiteSpider, settings, site="demo-portal",
                          base_url=demo_server.base_url("demo-portal"))
    yield done
    assert crawler.stats.get_value("finish_reason") == "finished"
    rows = Archive(tmp_path / "a").to_arrow(columns=["site", "title"]).to_pylist()
    assert len(rows) == len(demo_server.sites["demo-portal"].articles)
    assert {r["site"] for r in rows} == {"demo-portal"}


@pytest_twisted.inlineCallbacks
def test_a_changed_article_fetched_again_becomes_a_new_version(demo_server, tmp_path):
    from crawler.spiders.fetch import FetchSpider

    settings = project_settings(ARCHIVE_URI=str(tmp_path / "a"), DOWNLOAD_DELAY=0,
                                AUTOTHROTTLE_ENABLED=False)
    site = demo_server.sites["demo-daily"]
    truth = site.articles[7]
    url = demo_server.base_url("demo-daily") + truth.path
    _, done = crawl(FetchSpider, settings, urls=url)
    yield done
    _, done = crawl(FetchSpider, settings, urls=url)  # unchanged: nothing new stored
    yield done
    original = list(truth.paragraphs)
    truth.paragraphs[0] = "更正：" + truth.paragraphs[0]
    try:
        crawler, done = crawl(FetchSpider, settings, urls=url)
        yield done
    finally:
        truth.paragraphs[:] = original
    assert crawler.stats.get_value("archive/updated") == 1
    archive = Archive(tmp_path / "a")
    versions = archive.sql("SELECT version, text FROM article_versions ORDER BY version")
    assert [v["version"] for v in versions.to_pylist()] == [1, 2]
    latest = archive.sql("SELECT version, text FROM articles").to_pylist()
    assert latest[0]["version"] == 2 and latest[0]["text"].startswith("更正：")
    assert archive.sql("SELECT count(*) AS n FROM crawl_runs").to_pylist() == [{"n": 3}]


@pytest_twisted.inlineCallbacks
def test_robots_txt_holds_for_every_request_that_waited_for_it(tmp_path):
    from ainews.demo.server import DemoServer
    from crawler.spiders.fetch import FetchSpider

    # Eight requests start together and all wait for robots.txt; the forbidden one is last.
    with DemoServer(ports={}) as server:
        site = server.sites["demo-daily"]
        base = server.base_url("demo-daily")
        urls = [base + a.path for a in site.articles[:7]] + [base + site.disallowed.path]
        settings = project_settings(ARCHIVE_URI=str(tmp_path / "a"), DOWNLOAD_DELAY=0,
                                    AUTOTHROTTLE_ENABLED=False,
                                    CONCURRENT_REQUESTS_PER_DOMAIN=8)
        crawler, done = crawl(FetchSpider, settings, urls=",".join(urls))
        yield done
        assert site.disallowed.path not in server.requests("demo-daily")
        assert crawler.stats.get_value("robotstxt/forbidden") == 1
        assert Archive(tmp_path / "a").to_arrow(columns=["url"]).num_rows == 7
