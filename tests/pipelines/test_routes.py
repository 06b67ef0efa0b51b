"""One page, one row: every route from a page to a row (crawl, fetch, ``scrapy parse``,
re-extraction, WARC import, ``ainews extract``) reads it with the same site rules and gives the
same row."""

from __future__ import annotations

import json
import subprocess
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

from ainews.cli import ainews
from ainews.demo.site import build_sites
from archive import Archive
from pipelines.reextract import reextract
from tests.conftest import BIN, NOW, REPO, answer

# demo-wp's profile finds its unlabelled author by an override (`.entry-meta .author`); a
# name the extractor would never take on its own shows the override applied on every route.
AUTHOR = "深度学习爱好者"
COMPARED = ("url", "site", "title", "authors", "editors", "published_at", "published_date",
            "timezone", "category", "breadcrumbs", "tags", "source", "lang", "text",
            "text_sha256", "canonical_url", "encoding")


def _article_page() -> tuple[str, bytes]:
    site = next(s for s in build_sites(NOW) if s.name == "demo-wp")
    article = site.articles[0]
    html = site.render(article.path, "", now=NOW).body.decode("utf-8")
    html = html.replace('<span class="author">admin</span>', f'<span class="author">{AUTHOR}'
                        "</span>", 1)
    # A printed time with no zone: the profile's zone (Asia/Shanghai) reads it on every route.
    html = html.replace('<span class="date">刚刚</span>', '<span class="date">2024-11-08 '
                        "10:00</span>", 1)
    assert AUTHOR in html and "2024-11-08 10:00" in html
    return article.path, html.encode("utf-8")


@pytest.fixture(scope="module")
def site() -> Iterator[tuple[str, str, bytes]]:
    """A demo-wp-like site: a home page listing one article. (base URL, article URL, page)"""
    path, page = _article_page()
    listing = f'<html><body><a href="{path}">文章</a></body></html>'.encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/":
                answer(self, listing, "text/html; charset=utf-8")
            elif self.path == path:
                answer(self, page, "text/html; charset=utf-8")
            else:
                answer(self, b"not found", "text/plain", 404)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield base, base + path, page
    finally:
        server.shutdown()


def _compared(row: dict[str, object]) -> dict[str, object]:
    return {name: row[name] for name in COMPARED}


def test_one_page_gives_one_row_on_every_route(site, tmp_path):
    base, url, page = site
    crawled_root = tmp_path / "crawled"
    crawl = subprocess.run(
        [str(BIN / "ainews"), "--archive", str(crawled_root), "crawl", "demo-wp", "--base-url",
         base, "--set", "DOWNLOAD_DELAY=0", "--set", "AUTOTHROTTLE_ENABLED=False"],
        capture_output=True, text=True, cwd=REPO, timeout=180, check=False)
    assert crawl.returncode == 0, crawl.stderr[-2000:]
    rows = Archive(crawled_root).to_arrow().to_pylist()
    assert len(rows) == 1
    crawled = _compared(rows[0])
    assert crawled["authors"] == [AUTHOR] and crawled["site"] == "demo-wp"
    assert crawled["timezone"] == "Asia/Shanghai"
    assert crawled["published_at"] == datetime(2024, 11, 8, 2, 0, tzinfo=UTC)

    # A one-off fetch of the page, read by the profile's rules (a mirror of the site).
    fetched_root = tmp_path / "fetched"
    fetch = subprocess.run(
        [str(BIN / "ainews"), "--archive", str(fetched_root), "fetch", url, "--site", "demo-wp"],
        capture_output=True, text=True, cwd=REPO, timeout=180, check=False)
    assert fetch.returncode == 0, fetch.stderr[-2000:]
    assert [_compared(r) for r in Archive(fetched_root).to_arrow().to_pylist()] == [crawled]

    # Re-extraction of the stored response: the same row, so no new version.
    again = reextract(Archive(crawled_root))
    assert (again.added, again.updated, again.unchanged) == (0, 0, 1)

    # Out as WARC, in again under the profile's name: the same row.
    runner = CliRunner()
    warc = tmp_path / "pages.warc.gz"
    exported = runner.invoke(ainews, ["--archive", str(crawled_root), "export", "--format",
                                      "warc", "--out", str(warc)])
    assert exported.exit_code == 0, exported.output
    imported_root = tmp_path / "imported"
    imported = runner.invoke(ainews, ["--archive", str(imported_root), "import-warc",
                                      str(warc), "--site", "demo-wp"])
    assert imported.exit_code == 0, imported.output
    assert [_compared(r) for r in Archive(imported_root).to_arrow().to_pylist()] == [crawled]

    # A saved copy of the page, extracted with the profile named.
    saved = tmp_path / "page.html"
    saved.write_bytes(page)
    extracted = runner.invoke(ainews, ["extract", str(saved), "--url", url, "--site",
                                       "demo-wp", "--fetched-at", NOW.isoformat()])
    assert extracted.exit_code == 0, extracted.output
    shown = json.loads(extracted.output)
    assert {name: shown[name] for name in COMPARED if name not in ("published_at",
                                                                   "published_date")} == {
        name: crawled[name] for name in COMPARED if name not in ("published_at",
                                                                 "published_date")}
    assert shown["published_at"].startswith("2024-11-08T02:00:00")

    # Scrapy's own parse command, through the profile's spider.
    parsed = subprocess.run(
        [str(BIN / "scrapy"), "parse", url, "--spider", "demo-wp", "-a", f"base_url={base}",
         "--nolog", "--nocolour"], capture_output=True, text=True, cwd=REPO, timeout=120,
        check=False)
    assert parsed.returncode == 0, parsed.stderr[-2000:]
    items = parsed.stdout.split("# Scraped Items")[1].split("# Requests")[0]
    assert f"'authors': ['{AUTHOR}']" in items and f"'title': '{crawled['title']}'" in items
    assert f"'text_sha256': '{crawled['text_sha256']}'" in items
    assert "'timezone': 'Asia/Shanghai'" in items and "'site': 'demo-wp'" in items
