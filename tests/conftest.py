"""Shared fixtures: the demo server on loopback and in-process crawls."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.test import get_crawler

from ainews.demo.server import DemoServer
from crawler import settings as project

REPO = Path(__file__).resolve().parent.parent

# Strings of the demo pages' breadcrumbs, meta lines, share bars, comments, disclaimers and
# footers: none may reach an article's text.
BOILERPLATE = (
    "当前位置", "Copyright", "ICP", "版权所有", "分享到", "QQ空间", "免责声明", "不代表本",
    "相关文章", "相关推荐", "相关阅读", "网友评论", "期待后续报道", "客户端", "二维码", "作者:",
    "发布时间", "编辑 |", "责任编辑", "来源:", "标签:", "阅读(",
)


@pytest.fixture(scope="session")
def demo_server():
    """The three demo sites on free loopback ports for the whole session."""
    with DemoServer(ports={}) as server:
        yield server


def project_settings(**overrides: Any) -> dict[str, Any]:
    """The project's settings as a dict, with test overrides."""
    values = {name: getattr(project, name) for name in dir(project) if name.isupper()}
    values.update({"LOG_LEVEL": "WARNING", **overrides})
    return values


def crawl(spidercls: type, settings: dict[str, Any], **kwargs: Any):
    """Start an in-process crawl; yield the Deferred from an inlineCallbacks test."""
    crawler = get_crawler(spidercls, settings)
    return crawler, deferred_from_coro(crawler.crawl_async(**kwargs))




def answer(handler: Any, body: bytes, kind: str, status: int = 200) -> None:
    """Send ``body`` from a ``BaseHTTPRequestHandler`` of a test server, whole."""
    handler.send_response(status)
    handler.send_header("Content-Type", kind)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)
