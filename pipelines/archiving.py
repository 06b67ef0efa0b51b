"""ArchivePipeline: buffer articles and append them to the archive in atomic batches."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.statscollectors import StatsCollector

from archive.errors import ArchiveError
from archive.results import AppendResult
from crawler import signals as ainews_signals
from crawler.items import Article
from crawler.runs import CrawlArchive, crawl_archive
from crawler.stat_keys import (
    ARCHIVE_ADDED,
    ARCHIVE_COMMIT_RETRIES,
    ARCHIVE_COMMITS,
    ARCHIVE_FAILURE,
    ARCHIVE_NOT_STORED,
    ARCHIVE_ROWS_WRITTEN,
    ARCHIVE_UNCHANGED,
    ARCHIVE_UPDATED,
)
from pipelines.route import article_row

logger = logging.getLogger(__name__)


COMMIT_ATTEMPTS = 3
"""Tries of one batch's commit before the crawl gives up on the archive."""
COMMIT_RETRY_SECONDS = (1.0, 4.0)
"""Waits between those tries: a transient failure (a busy disk, a network share) passes."""
ARCHIVE_FAILED = "archive_failed"
"""The finish reason of a crawl stopped because its archive refused a commit."""


class ArchivePipeline:
    """Append articles (and their raw pages) to the archive, ``ARCHIVE_BATCH_SIZE`` per commit.

    A commit runs on a thread of its own while the crawl goes on; the next batch waits for it,
    so at most one commit is in flight and batches are committed in order. A commit that still
    fails after ``COMMIT_ATTEMPTS`` stops the crawl (``archive_failed``); every article not
    stored is counted in ``archive/not_stored``, and none of them counts as archived.
    """

    def __init__(self, archive: CrawlArchive, batch_size: int, keep_pages: bool,
                 stats: StatsCollector, flush_seconds: float = 30.0,
                 crawler: Crawler | None = None) -> None:
        """Keep the archive; its tables are created on the first commit."""
        self.archive = archive
        self.batch_size = max(1, batch_size)
        self.flush_seconds = flush_seconds
        self.last_flush = time.monotonic()
        self.keep_pages = keep_pages
        self.stats = stats
        self.crawler = crawler
        self.rows: list[dict[str, Any]] = []
        self.pages: list[dict[str, Any]] = []
        self.articles: list[Article] = []
        """The items of ``rows``, told to ``articles_committed`` listeners once stored."""
        self._pending_articles: list[Article] = []
        self._committer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ainews-commit")
        self._pending: Future[AppendResult] | None = None
        self._pending_count = 0
        self.failed: str | None = None
        """The first line of the commit failure that stopped the crawl, if one did."""
        self.closed = False
        self._stopping: asyncio.Task[None] | None = None
        self._idle_flush: asyncio.Task[None] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        """Build from the ARCHIVE_* settings; NotConfigured when ARCHIVE_ENABLED is off."""
        settings = crawler.settings
        if not settings.getbool("ARCHIVE_ENABLED"):
            raise NotConfigured
        assert crawler.stats is not None
        pipeline = cls(crawl_archive(crawler), settings.getint("ARCHIVE_BATCH_SIZE"),
                       settings.getbool("ARCHIVE_PAGES_ENABLED"), crawler.stats,
                       settings.getfloat("ARCHIVE_FLUSH_SECONDS"), crawler)
        crawler.signals.connect(pipeline.idle, signal=signals.spider_idle)
        return pipeline

    def idle(self) -> None:
        """Nothing left to fetch for now: commit the buffer instead of waiting for more.

        A worker waiting on its frontier may stay idle for hours; its articles (and the
        leases they hold) must not wait with it.
        """
        if self._idle_flush is not None and not self._idle_flush.done():
            return
        if (self.rows or self._pending is not None) and not self.closed and self.failed is None:
            with contextlib.suppress(RuntimeError):  # no running loop: close_spider commits
                self._idle_flush = asyncio.get_running_loop().create_task(self._commit_now())

    async def _commit_now(self) -> None:
        """Commit the buffer and count the result (without waiting for a next batch)."""
        await self.flush()
        pending = self._pending
        if pending is not None:
            with contextlib.suppress(ArchiveError):
                await asyncio.wrap_future(pending)
            if self._pending is pending:
                self._settle(pending)

    def open_spider(self) -> None:
        """Load the archived-URL set before the first item arrives."""
        self.archive.archived_url_hashes()

    async def process_item(self, item: object) -> object:
        """Buffer an article; commit the buffer when it is full."""
        if not isinstance(item, Article):
            return item
        if self.failed is not None:
            # The archive refused a batch: the crawl is stopping; nothing more is stored.
            self.stats.inc_value(ARCHIVE_NOT_STORED)
            return item
        self.rows.append(article_row(item))
        self.articles.append(item)
        if self.keep_pages and item.page_row is not None:
            self.pages.append(item.page_row)
            # The batch keeps it until its commit; the item (which Scrapy may keep for a
            # feed export or a test) need not.
            item.page_row = None
        if (len(self.rows) >= self.batch_size
                or time.monotonic() - self.last_flush >= self.flush_seconds):
            await self.flush()
        return item

    def close_spider(self) -> None:
        """Commit what is left and wait for it; a clean stop (SIGINT/SIGTERM) loses nothing."""
        self.salvage()

    def salvage(self) -> None:
        """Wait for the commit in flight and commit the buffer (once; also after a stop at
        once, when Scrapy never calls ``close_spider``)."""
        if self.closed:
            return
        self.closed = True
        try:
            if self._pending is not None:
                self._settle(self._pending)
            if self.rows and self.failed is None:
                rows, pages, articles = self._take_buffer()
                try:
                    self._count(self._commit(rows, pages), articles)
                except ArchiveError as exc:
                    self._fail(exc, len(rows))
            elif self.rows:
                self.stats.inc_value(ARCHIVE_NOT_STORED, len(self._take_buffer()[0]))
        finally:
            self._committer.shutdown(wait=True)

    async def flush(self) -> None:
        """Start committing the buffer as one append (new URLs and changed versions only),
        after the previous commit has finished."""
        self.last_flush = time.monotonic()
        # Another item may start a commit while this one waits: wait for that one too, so a
        # single commit is ever pending and every result is counted once.
        while self._pending is not None:
            pending = self._pending
            with contextlib.suppress(ArchiveError):
                await asyncio.wrap_future(pending)
            if self._pending is pending:
                self._settle(pending)
        if not self.rows or self.failed is not None:
            return
        rows, pages, self._pending_articles = self._take_buffer()
        self._pending, self._pending_count = self._committer.submit(self._commit, rows,
                                                                    pages), len(rows)

    def _settle(self, pending: Future[AppendResult]) -> None:
        """Count a finished (or awaited) commit, or fail the crawl with it."""
        self._pending = None
        articles, self._pending_articles = self._pending_articles, []
        try:
            self._count(pending.result(), articles)
        except ArchiveError as exc:
            self._fail(exc, self._pending_count)

    def _commit(self, rows: list[dict[str, Any]], pages: list[dict[str, Any]]) -> AppendResult:
        """Append one batch, trying again after a failure (runs on the commit thread)."""
        for attempt in range(1, COMMIT_ATTEMPTS + 1):
            try:
                return self.archive.append(rows, pages)
            except ArchiveError as exc:
                if attempt == COMMIT_ATTEMPTS:
                    raise
                logger.warning("archive commit failed (try %d of %d): %s", attempt,
                               COMMIT_ATTEMPTS, str(exc).splitlines()[0])
                self.stats.inc_value(ARCHIVE_COMMIT_RETRIES)
                time.sleep(COMMIT_RETRY_SECONDS[min(attempt, len(COMMIT_RETRY_SECONDS)) - 1])
        raise AssertionError("unreachable")

    def _fail(self, exc: ArchiveError, lost: int) -> None:
        """Record a batch the archive refused and stop the crawl."""
        line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        self.stats.inc_value(ARCHIVE_NOT_STORED, lost)
        if self.failed is None:
            self.failed = line
            self.stats.set_value(ARCHIVE_FAILURE, line)
            logger.error("archive commit failed, stopping the crawl: %s", line)
            self._stop_crawl()
        # The rest of the buffer would fail the same way.
        if self.rows:
            self.stats.inc_value(ARCHIVE_NOT_STORED, len(self._take_buffer()[0]))

    def _stop_crawl(self) -> None:
        engine = self.crawler.engine if self.crawler is not None else None
        if engine is None or self.closed:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self._stopping = loop.create_task(engine.close_spider_async(reason=ARCHIVE_FAILED))

    def _take_buffer(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[Article]]:
        rows, pages, articles = self.rows, self.pages, self.articles
        self.rows, self.pages, self.articles = [], [], []
        return rows, pages, articles

    def _count(self, result: AppendResult, articles: list[Article]) -> None:
        self.stats.inc_value(ARCHIVE_ADDED, result.added)
        self.stats.inc_value(ARCHIVE_UPDATED, result.updated)
        self.stats.inc_value(ARCHIVE_UNCHANGED, result.unchanged)
        self.stats.inc_value(ARCHIVE_ROWS_WRITTEN, result.written)
        self.stats.inc_value(ARCHIVE_COMMITS)
        logger.info("archived %d new and %d updated articles in %s (%d unchanged)",
                    result.added, result.updated, self.archive.root, result.unchanged)
        if self.crawler is not None:
            self.crawler.signals.send_catch_log(ainews_signals.articles_committed,
                                                articles=articles)
