"""Run one crawl in this process (Scrapy allows one reactor start per process)."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import AsyncCrawlerProcess, Crawler
from scrapy.utils.project import get_project_settings

from crawler import logs
from crawler.stat_keys import FINISH_REASON, START_TIME

logger = logging.getLogger(__name__)


class _ItemCollector:
    """Keeps scraped items; a bound method, because signal receivers are weak references."""

    def __init__(self) -> None:
        self.items: list[Any] = []

    def item_scraped(self, item: Any) -> None:
        self.items.append(item)


def run_crawl(
    spider: type[Spider] | str,
    *,
    settings: Mapping[str, Any] | None = None,
    spider_kwargs: Mapping[str, Any] | None = None,
    collect_items: bool = False,
) -> tuple[dict[str, Any], list[Any]]:
    """Crawl to the end; return the final stats and (with ``collect_items``) the items.

    Items are kept only on request: a long crawl holding every article would grow without end.
    """
    # Outside the project folder there is no scrapy.cfg to point at our settings.
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    project = get_project_settings()
    project.setdict(dict(settings or {}), priority="cmdline")
    process = AsyncCrawlerProcess(project)
    crawler = process.create_crawler(spider)
    # The crawler replaces the root handler when it starts: filter the one it installs.
    crawler.signals.connect(logs.install, signal=signals.engine_started)
    collector = _ItemCollector()
    if collect_items:
        crawler.signals.connect(collector.item_scraped, signal=signals.item_scraped)
    process.crawl(crawler, **dict(spider_kwargs or {}))
    process.start()
    _salvage(crawler)
    stats = crawler.stats.get_stats() if crawler.stats else {}
    return stats, collector.items


ABORTED = "aborted"
"""The finish reason of a crawl stopped at once (a second SIGINT/SIGTERM): the engine never
closed the spider, so its pipelines were never told."""


def _salvage(crawler: Crawler) -> None:
    """After a stop at once, let pipelines with a ``salvage()`` commit what they hold.

    Scrapy's second signal stops the reactor without closing the spider: items extracted but
    not yet committed would be lost with the process.
    """
    stats = crawler.stats
    if stats is None or stats.get_value(FINISH_REASON) is not None:
        return
    scraper = getattr(crawler.engine, "scraper", None)
    for component in getattr(getattr(scraper, "itemproc", None), "middlewares", ()):
        salvage = getattr(component, "salvage", None)
        if callable(salvage):
            salvage()
    if stats.get_value(START_TIME) is not None:
        stats.set_value(FINISH_REASON, ABORTED)
