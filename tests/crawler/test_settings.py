"""Polite and safe defaults, and the charset middleware."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.project import get_project_settings

from crawler.middlewares import MetaCharsetMiddleware


@pytest.fixture
def settings(monkeypatch):
    monkeypatch.setenv("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    return get_project_settings()


def test_polite_and_safe_defaults(settings):
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getfloat("DOWNLOAD_DELAY") > 0
    assert settings.getint("DOWNLOAD_MAXSIZE") == 16 * 1024 * 1024
    assert settings.getint("DOWNLOAD_TIMEOUT") == 30
    assert not settings.getbool("TELNETCONSOLE_ENABLED")
    assert not settings.getbool("REMOTE_CONTROL_ENABLED")
    # Not even loaded; Scrapy's other extensions kept.
    extensions = settings.getdict("EXTENSIONS_BASE")
    assert not [path for path in extensions if "Telnet" in path or "RemoteControl" in path]
    assert {"scrapy.extensions.closespider.CloseSpider", "scrapy.extensions.corestats.CoreStats",
            "scrapy.extensions.memusage.MemoryUsage"} <= set(extensions)
    handlers = settings.getdict("DOWNLOAD_HANDLERS")
    assert all(handlers[scheme] is None for scheme in ("file", "data", "ftp", "s3"))
    assert settings.getdict("DEFAULT_REQUEST_HEADERS")["Accept-Language"].startswith("zh-CN")
    assert "ainews" in settings["USER_AGENT"]


def test_page_charset_beats_a_wrong_header():
    body = '<html><head><meta charset="gbk"></head><body><p>人工智能新闻</p></body></html>'
    response = HtmlResponse("http://x/", body=body.encode("gbk"),
                            headers={"Content-Type": "text/html; charset=utf-8"})
    assert "人工智能" not in response.text
    fixed = MetaCharsetMiddleware().process_response(Request("http://x/"), response)
    assert "人工智能新闻" in fixed.text


def test_matching_charset_is_left_alone():
    body = '<html><head><meta charset="utf-8"></head><body>新闻</body></html>'.encode()
    response = HtmlResponse("http://x/", body=body,
                            headers={"Content-Type": "text/html; charset=utf-8"})
    assert MetaCharsetMiddleware().process_response(Request("http://x/"), response) is response
