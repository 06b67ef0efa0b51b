"""One URL identity everywhere: variants of one page are one article, a site has one name."""

from __future__ import annotations

import re
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from archive import Archive
from archive.urls import article_identity, identity_url, on_hosts, same_site, site_host
from crawler.sites import site_name
from tests.conftest import AINEWS, REPO

ARTICLE = (REPO / "tests" / "fixtures" / "aigcdaily_article.html").read_bytes()


def _with_canonical(href: str) -> bytes:
    return ARTICLE.replace(b"<head>", f'<head><link rel="canonical" href="{href}">'.encode(), 1)


class _Site(BaseHTTPRequestHandler):
    """A site that, like most, ignores query strings it does not know and folds ``//``."""

    def do_GET(self) -> None:
        path = "/" + urlsplit(self.path).path.lstrip("/")
        while "//" in path:
            path = path.replace("//", "/")
        pages = {
            "/robots.txt": b"User-agent: *\nAllow: /\n",
            "/news/1.html": ARTICLE,
            "/print/1.html": _with_canonical("/news/2.html"),
            "/news/2.html": ARTICLE.replace("电费账单".encode(), "电费".encode()),
            "/news/3.html": _with_canonical("/"),
            "/news/4.html": ARTICLE.replace("电费账单".encode(), "水费".encode()),
        }
        if path not in pages:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(pages[path])))
        self.end_headers()
        self.wfile.write(pages[path])

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def _fetch(archive: Path, *urls: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([AINEWS, "--archive", str(archive), "--quiet", "fetch", *urls],
                          capture_output=True, text=True, cwd=REPO, timeout=120, check=False)


@pytest.mark.parametrize(("variant", "same"), [
    ("HTTP://Example.CN:80/news/1.html", "http://example.cn/news/1.html"),
    ("https://example.cn:443//news//1.html#comments", "https://example.cn/news/1.html"),
    ("http://example.cn/news/1.html?utm_source=wechat&utm_medium=share&id=7",
     "http://example.cn/news/1.html?id=7"),
    ("http://example.cn/a.html?b=2&spm=a2c.1&a=1", "http://example.cn/a.html?a=1&b=2"),
    ("http://example.cn/%E6%96%B0%E9%97%BB.html", "http://example.cn/新闻.html"),
    ("http://example.cn/a%7e.html?from=timeline", "http://example.cn/a~.html"),
    # The port is no part of a site (nor, so, of an article): a site has one name however
    # it was reached, and its articles keep their ids when it moves to another port.
    ("http://127.0.0.1:8701/news/1.html", "http://127.0.0.1:40123/news/1.html"),
])
def test_spellings_of_one_url_share_one_identity(variant, same):
    assert identity_url(variant) == identity_url(same)


def test_site_identity_is_the_host_without_www_and_never_the_port():
    assert site_host("HTTPS://WWW.Example.CN.:8443/a") == "example.cn"
    assert site_host("ftp://example.cn/a") is None and site_host("http://a.cn:x/") is None
    assert same_site("http://www.a.cn:8080/1", "https://a.cn/2")
    assert not same_site("http://a.cn/1", "http://b.a.cn/1")
    assert on_hosts("http://www.a.cn:81/1", ("a.cn", "b.cn"))
    assert not on_hosts("mailto:x@a.cn", ("a.cn",))


def test_site_identity_has_one_home():
    """Host normalisation and "the same site" live in archive/urls.py, nowhere else."""
    homes = []
    for package in ("ainews", "crawler", "pipelines", "archive", "extractor", "report"):
        for path in (REPO / package).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if re.search(r"""removeprefix\(["']www\.""", text) or "def same_site" in text:
                homes.append(str(path.relative_to(REPO)))
    assert homes == ["archive/urls.py"]


def test_a_canonical_counts_only_on_the_same_site_and_never_for_a_folder_above():
    page = "http://www.example.cn/print/1.html"
    assert article_identity(page, "https://example.cn/news/1.html") == \
        "https://example.cn/news/1.html"
    assert article_identity(page, "https://other.cn/news/1.html") == identity_url(page)
    assert article_identity(page, "http://www.example.cn/") == identity_url(page)
    assert article_identity("http://a.cn/news/9.html", "http://a.cn/news/") == \
        identity_url("http://a.cn/news/9.html")


def test_four_url_variants_of_one_article_are_one_article(site, tmp_path):
    variants = [f"{site}/news/1.html", f"{site}/news/1.html?utm_source=weibo&utm_campaign=x",
                f"{site}//news//1.html", f"{site}/news/1.html#comments"]
    # One variant per fetch, tracking copy first: the archive must still hold one article.
    for url in [variants[1], variants[0], *variants[2:]]:
        result = _fetch(tmp_path / "a", url)
        assert result.returncode == 0, result.stderr
    archive = Archive(tmp_path / "a")
    rows = archive.to_arrow(columns=["url", "url_hash", "version"]).to_pylist()
    assert len(rows) == 1 and rows[0]["version"] == 1
    # `url` keeps what was fetched; identity made it one article.
    assert rows[0]["url"] == variants[1]
    assert archive.stats()["total"] == 1


def test_an_on_site_canonical_makes_two_urls_one_article(site, tmp_path):
    result = _fetch(tmp_path / "a", f"{site}/news/2.html", f"{site}/print/1.html",
                    f"{site}/news/3.html", f"{site}/news/4.html")
    assert result.returncode == 0, result.stderr
    urls = sorted(Archive(tmp_path / "a").to_arrow(columns=["url"]).column("url").to_pylist())
    # /print/1.html names /news/2.html; /news/3.html's canonical (the home page) is ignored.
    assert len(urls) == 3 and f"{site}/news/3.html" in urls and f"{site}/news/4.html" in urls


def test_a_site_has_one_name_whatever_the_port_or_command(demo_server, tmp_path):
    assert site_name("http://127.0.0.1:8701/list/1.html") == "demo-daily"  # a profile's origin
    assert site_name("https://www.qbitai.com/2024/11/1.html") == "qbitai"  # a profile's domain
    assert site_name("http://www.unknown-news.cn:8080/a/1.html") == "unknown-news.cn"
    base = demo_server.base_url("demo-portal")
    article = base + demo_server.sites["demo-portal"].articles[0].path
    fetched = _fetch(tmp_path / "a", article)
    assert fetched.returncode == 0, fetched.stderr
    crawled = subprocess.run(
        [AINEWS, "--archive", str(tmp_path / "a"), "crawl", base + "/", "--set",
         "DOWNLOAD_DELAY=0", "--set", "AUTOTHROTTLE_ENABLED=False"],
        capture_output=True, text=True, cwd=REPO, timeout=180, check=False)
    assert crawled.returncode == 0, crawled.stderr
    sites = set(Archive(tmp_path / "a").to_arrow(columns=["site"]).column("site").to_pylist())
    assert sites == {"127.0.0.1"}
