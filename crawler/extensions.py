"""Extensions: the crawl-run recorder."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from archive.errors import ArchiveError
from archive.health import site_problems
from crawler.runs import CrawlArchive, crawl_archive, crawl_run_id
from crawler.stat_keys import (
    ARCHIVE_ADDED,
    ARCHIVE_SKIPPED_ARCHIVED,
    ARCHIVE_UNCHANGED,
    ARCHIVE_UPDATED,
    DROPPED_COUNT,
    RESPONSE_COUNT,
    START_TIME,
    dropped_by_reason,
    errors,
    status_counts,
)

logger = logging.getLogger(__name__)



class CrawlRunRecorder:
    """Write one ``crawl_runs`` row when a crawl ends: counts, reasons, errors, status mix."""

    def __init__(self, crawler: Crawler, archive: CrawlArchive) -> None:
        """Keep the crawler for its stats."""
        self.crawler = crawler
        self.archive = archive
        self.started_at = datetime.now(UTC)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlRunRecorder:
        """Enabled with the archive."""
        if not crawler.settings.getbool("ARCHIVE_ENABLED"):
            raise NotConfigured
        recorder = cls(crawler, crawl_archive(crawler))
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        return recorder

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """Record the run; a failure to write is logged, never raised into Scrapy."""
        try:
            self.archive.record_run(self.run_row(spider, reason))
            site = getattr(getattr(spider, "profile", None), "name", None)
            for problem in self.archive.run(site_problems, site):
                logger.warning("%s needs attention: %s", site, problem)
        except ArchiveError as exc:
            logger.error("could not record crawl run: %s", exc)

    def run_row(self, spider: Spider, reason: str) -> dict[str, Any]:
        """The ``crawl_runs`` row for this crawl."""
        assert self.crawler.stats is not None
        stats = self.crawler.stats.get_stats()
        dropped: dict[str, int] = dropped_by_reason(stats)
        if stats.get(ARCHIVE_SKIPPED_ARCHIVED):
            dropped["AlreadyArchived (not fetched)"] = stats[ARCHIVE_SKIPPED_ARCHIVED]
        profile = getattr(spider, "profile", None)
        return {
            "crawl_run_id": crawl_run_id(self.crawler),
            "spider": spider.name,
            "site": getattr(profile, "name", None),
            "started_at": stats.get(START_TIME, self.started_at),
            "finished_at": datetime.now(UTC),
            "finish_reason": reason,
            "pages_fetched": stats.get(RESPONSE_COUNT, 0),
            "articles_added": stats.get(ARCHIVE_ADDED, 0),
            "articles_updated": stats.get(ARCHIVE_UPDATED, 0),
            "articles_unchanged": stats.get(ARCHIVE_UNCHANGED, 0),
            "articles_dropped": stats.get(DROPPED_COUNT, 0),
            "dropped_by_reason": dropped,
            "errors": errors(stats),
            "http_status_counts": status_counts(stats),
        }
