"""The crawl run id: one per crawl, shared by the pipelines and the run recorder."""

from __future__ import annotations

import uuid

from scrapy.crawler import Crawler

RUN_ID_STAT = "ainews/crawl_run_id"


def crawl_run_id(crawler: Crawler) -> str:
    """``CRAWL_RUN_ID`` when set, else an id made on first use and kept in the crawl's stats."""
    assert crawler.stats is not None
    current = crawler.stats.get_value(RUN_ID_STAT)
    if current is None:
        current = crawler.settings.get("CRAWL_RUN_ID") or uuid.uuid4().hex[:16]
        crawler.stats.set_value(RUN_ID_STAT, current)
    return str(current)
