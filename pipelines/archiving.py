"""ArchivePipeline: buffer articles and append them to the archive in atomic batches."""

from __future__ import annotations

import dataclasses
import logging

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.statscollectors import StatsCollector

from archive import Archive
from crawler.items import Article

logger = logging.getLogger(__name__)


class ArchivePipeline:
    """Append articles to the Delta Lake archive, ``ARCHIVE_BATCH_SIZE`` rows per commit."""

    def __init__(self, archive_uri: str, batch_size: int, stats: StatsCollector) -> None:
        """Open the archive folder; it is created on the first commit."""
        self.archive = Archive(archive_uri)
        self.batch_size = max(1, batch_size)
        self.stats = stats
        self.buffer: list[dict[str, object]] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        """Build from the ARCHIVE_* settings; NotConfigured when ARCHIVE_ENABLED is off."""
        settings = crawler.settings
        if not settings.getbool("ARCHIVE_ENABLED"):
            raise NotConfigured
        assert crawler.stats is not None
        return cls(settings["ARCHIVE_URI"], settings.getint("ARCHIVE_BATCH_SIZE"), crawler.stats)

    def open_spider(self) -> None:
        """Load the archived-URL set before the first item arrives."""
        self.archive.archived_url_hashes()

    def process_item(self, item: object) -> object:
        """Buffer a new article; commit the buffer when it is full."""
        if not isinstance(item, Article):
            return item
        if self.archive.is_archived(item.url) or any(r["url"] == item.url for r in self.buffer):
            self.stats.inc_value("archive/already_archived")
            return item
        self.buffer.append(dataclasses.asdict(item))
        if len(self.buffer) >= self.batch_size:
            self.flush()
        return item

    def close_spider(self) -> None:
        """Commit what is left; a clean stop (SIGINT/SIGTERM) loses nothing."""
        self.flush()

    def flush(self) -> None:
        """Append the buffer as one commit."""
        if not self.buffer:
            return
        rows, self.buffer = self.buffer, []
        written = self.archive.append(rows)
        self.stats.inc_value("archive/rows_written", written)
        self.stats.inc_value("archive/commits")
        logger.info("archived %d articles in %s", written, self.archive.root)
