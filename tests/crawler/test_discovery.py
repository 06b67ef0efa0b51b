"""Crawls with no site profile: discovery, the page classifier, incremental recrawls, revisits."""

from __future__ import annotations

import pytest
import pytest_twisted

from ainews.demo.server import DemoServer
from archive import Archive
from crawler.spiders.site import SiteSpider
from tests.conftest import answer, crawl, project_settings

FAST = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS_PER_DOMAIN": 8}


@pytest.fixture
def fresh_server():
    """Demo sites of our own, free to grow and change."""
    with DemoServer(ports={}) as server:
        yield server


def _article_paths(server: DemoServer, site: str) -> set[str]:
    return {a.path for a in server.sites[site].articles}


@pytest.mark.parametrize("site", ["demo-daily", "demo-wp", "demo-portal"])
@pytest_twisted.inlineCallbacks
def test_a_site_without_profile_is_discovered_from_its_home_page(fresh_server, tmp_path, site):
    base = fresh_server.base_url(site)
    settings = project_settings(ARCHIVE_URI=str(tmp_path / "a"), REVISIT_WINDOW_DAYS=0, **FAST)
    crawler, done = crawl(SiteSpider, settings, url=base + "/")
    yield done
    stats = crawler.stats.get_stats()
    assert stats["finish_reason"] == "finished"
    rows = Archive(tmp_path / "a").to_arrow(columns=["url", "site", "title"]).to_pylist()
    archived = {r["url"].removeprefix(base) for r in rows}
    # Every article once, and nothing else: no home, listing, tag, category or about page.
    assert len(rows) == len(archived)
    assert archived == _article_paths(fresh_server, site)
    assert {r["site"] for r in rows} == {"127.0.0.1"}
    # Every page judged is counted: articles, and the rest by type or by what overruled it.
    assert stats["discovery/article"] == len(rows)
    kinds = {k: v for k, v in stats.items() if k.startswith("discovery/not_article/")}
    assert kinds and sum(kinds.values()) == stats["discovery/not_article"]
    requested = set(fresh_server.requests(site))
    assert {"/sitemap.xml", "/news-sitemap.xml"} <= requested  # named by robots.txt
    assert fresh_server.sites[site].disallowed.path not in requested
    if site == "demo-daily":
        assert "/rss.xml" in requested  # found through <link rel=alternate>


@pytest_twisted.inlineCallbacks
def test_recrawl_fetches_only_new_articles_and_stops_paginating(fresh_server, tmp_path):
    site, base = "demo-daily", fresh_server.base_url("demo-daily")
    settings = project_settings(ARCHIVE_URI=str(tmp_path / "a"), REVISIT_WINDOW_DAYS=0, **FAST)
    _, done = crawl(SiteSpider, settings, url=base + "/")
    yield done
    fresh = fresh_server.sites[site].add_articles(5)
    mark = len(fresh_server.requests(site))
    crawler, done = crawl(SiteSpider, settings, url=base + "/")
    yield done
    again = fresh_server.requests(site)[mark:]
    fetched_articles = [p for p in again if p in _article_paths(fresh_server, site)]
    assert sorted(fetched_articles) == sorted(a.path for a in fresh)
    stats = crawler.stats.get_stats()
    assert stats["archive/added"] == 5
    assert stats.get("discovery/pagination_stopped", 0) >= 1
    # Sitemap entries dated before the first crawl (lastmod, news publication date) are skipped.
    assert stats["discovery/sitemap_unchanged"] >= 80
    assert sum(p.startswith("/list/") for p in again) < len(fresh_server.sites[site].pages())
    runs = Archive(tmp_path / "a").sql(
        "SELECT articles_added FROM crawl_runs ORDER BY started_at").to_pylist()
    assert [r["articles_added"] for r in runs] == [80, 5]


@pytest_twisted.inlineCallbacks
def test_young_articles_are_revisited_with_conditional_get(fresh_server, tmp_path):
    site = fresh_server.sites["demo-daily"]
    base = fresh_server.base_url("demo-daily")
    # Demo dates are years old; a wide window makes every article "young".
    settings = project_settings(ARCHIVE_URI=str(tmp_path / "a"), REVISIT_WINDOW_DAYS=36500,
                                **FAST)
    _, done = crawl(SiteSpider, settings, url=base + "/")
    yield done
    changed = site.articles[3]
    changed.paragraphs.append("更正:本文数据已于发布次日更新。")
    mark = len(fresh_server.statuses("demo-daily"))
    crawler, done = crawl(SiteSpider, settings, url=base + "/")
    yield done
    stats = crawler.stats.get_stats()
    answers = dict(fresh_server.statuses("demo-daily")[mark:])
    assert answers[changed.path] == 200
    assert sum(status == 304 for status in answers.values()) == len(site.articles) - 1
    assert stats["revisit/not_modified"] == len(site.articles) - 1
    assert stats["archive/updated"] == 1 and stats.get("archive/added", 0) == 0
    archive = Archive(tmp_path / "a")
    versions = archive.sql(
        f"SELECT version, text FROM article_versions WHERE url = '{base}{changed.path}' "
        "ORDER BY version").to_pylist()
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[1]["text"].endswith("本文数据已于发布次日更新。")


def test_news_sitemap_publication_dates_are_read():
    from crawler.spiders.site import news_publication_dates

    body = (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            b'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc> http://a.cn/1 '
            b"</loc><news:news><news:publication_date>2024-11-08T10:00:00+08:00"
            b"</news:publication_date></news:news></url><url><loc>http://a.cn/2</loc></url>"
            b"</urlset>")
    assert news_publication_dates(body) == {"http://a.cn/1": "2024-11-08T10:00:00+08:00"}
    assert news_publication_dates(b"<urlset><url><loc>x</loc></url></urlset>") == {}
    assert news_publication_dates(b"<publication_date><<<") == {}


class _Sitemaps:
    """A site whose sitemap index names two new indexes on every fetch, for ever, and whose
    real articles are listed only in a gzipped sitemap."""

    def __init__(self) -> None:
        import gzip
        import http.server
        import threading

        self.requests: list[str] = []
        prose = "".join(f"<p>第{{n}}篇第{j}段：今年以来，当地持续推进人工智能技术在制造业中的应用，"
                        "多家企业完成了生产线改造，效率明显提升。</p>" for j in range(5))
        served = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                served.requests.append(self.path)
                base = f"http://127.0.0.1:{self.server.server_address[1]}"
                kind, body = "text/html; charset=utf-8", b""
                if self.path == "/robots.txt":
                    kind = "text/plain"
                    body = (f"Sitemap: {base}/index-0.xml\nSitemap: {base}/news.xml.gz\n"
                            ).encode()
                elif self.path.startswith("/index-"):
                    n = int(self.path.split("-")[1].split(".")[0])
                    kind = "application/xml"
                    body = ("<?xml version='1.0'?><sitemapindex xmlns='http://www.sitemaps.org/"
                            f"schemas/sitemap/0.9'><sitemap><loc>{base}/index-{2 * n + 1}.xml"
                            f"</loc></sitemap><sitemap><loc>{base}/index-{2 * n + 2}.xml</loc>"
                            "</sitemap></sitemapindex>").encode()
                elif self.path == "/news.xml.gz":
                    kind = "application/gzip"
                    urls = "".join(f"<url><loc>{base}/a/{i}.html</loc></url>" for i in range(6))
                    body = gzip.compress(("<?xml version='1.0'?><urlset xmlns='http://www."
                                          f"sitemaps.org/schemas/sitemap/0.9'>{urls}</urlset>"
                                          ).encode())
                elif self.path.startswith("/a/"):
                    n = self.path.split("/")[2].split(".")[0]
                    body = (f"<html><head><title>第{n}篇新闻</title></head><body><h1>第{n}篇新闻"
                            f"</h1><div class='meta'>2024-11-08 10:00</div>"
                            f"{prose.replace('{n}', n)}</body></html>").encode()
                else:
                    body = b"<html><body><p>home</p></body></html>"
                answer(self, body, kind)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest_twisted.inlineCallbacks
def test_endless_sitemap_indexes_end_at_the_bounds_and_gzipped_sitemaps_are_read(tmp_path):
    site = _Sitemaps()
    try:
        settings = project_settings(ARCHIVE_URI=str(tmp_path / "a"), REVISIT_WINDOW_DAYS=0,
                                    ALLOW_PRIVATE_ADDRESSES=True, SITEMAP_MAX_FILES=20, **FAST)
        crawler, done = crawl(SiteSpider, settings, url=site.url)
        yield done
    finally:
        site.server.shutdown()
    stats = crawler.stats.get_stats()
    assert stats["finish_reason"] == "finished"
    indexes = [p for p in site.requests if p.startswith("/index-")]
    assert len(indexes) <= 1 + 20  # the one robots.txt names, then the bound
    assert stats["discovery/sitemap_limit"] >= 1
    urls = Archive(tmp_path / "a").to_arrow(columns=["url"]).column("url").to_pylist()
    assert sorted(u.removeprefix(site.url.rstrip("/")) for u in urls) == [
        f"/a/{i}.html" for i in range(6)]


@pytest_twisted.inlineCallbacks
def test_an_old_sitemap_entry_that_was_never_archived_is_fetched_not_skipped(fresh_server,
                                                                             tmp_path):
    from deltalake import DeltaTable

    site, base = "demo-daily", fresh_server.base_url("demo-daily")
    settings = project_settings(ARCHIVE_URI=str(tmp_path / "a"), REVISIT_WINDOW_DAYS=0, **FAST)
    _, done = crawl(SiteSpider, settings, url=base + "/")
    yield done
    # The oldest article, deep in the listings, as if an interrupted crawl had lost it.
    oldest = min(fresh_server.sites[site].articles, key=lambda a: a.published_at).path
    DeltaTable(str(tmp_path / "a" / "articles")).delete(f"url = '{base}{oldest}'")
    mark = len(fresh_server.requests(site))
    _, done = crawl(SiteSpider, settings, url=base + "/")
    yield done
    assert oldest in fresh_server.requests(site)[mark:]
    urls = Archive(tmp_path / "a").to_arrow(columns=["url"]).column("url").to_pylist()
    assert f"{base}{oldest}" in urls
