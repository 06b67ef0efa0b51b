"""Shared fixtures: the demo server on loopback and in-process crawls."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.test import get_crawler

from crawler import settings as project
from crawler.demo.server import DemoServer

REPO = Path(__file__).resolve().parent.parent


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
