"""ExtractionPipeline: a thin Scrapy shell around ``extract_article`` on the crawl's route to
a row (``pipelines.route``): off the reactor in a pool, shrunk, timed out, counted."""

from __future__ import annotations

import dataclasses
import logging
import os
from typing import TYPE_CHECKING

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

from crawler.items import Article, Page
from crawler.runs import crawl_run_id
from crawler.stat_keys import (
    EXTRACT_ERROR,
    EXTRACT_NOT_ARTICLE,
    EXTRACT_OK,
    EXTRACT_SHRUNK,
    EXTRACT_TIMEOUT,
    EXTRACT_TITLE_AFFIX_CUT,
)
from extractor.limits import MAX_BYTES, shrink
from pipelines.pool import ExtractionPool, ExtractionTimeout
from pipelines.route import article_of, options_for
from pipelines.title_affixes import TitleAffixes

if TYPE_CHECKING:
    from extractor import Extracted

logger = logging.getLogger(__name__)


class NotAnArticle(DropItem):
    """The page has no article body (listing, stub, error page)."""


class ExtractionFailed(DropItem):
    """The extractor raised on the page."""


class ExtractionTimedOut(DropItem):
    """The page took longer than EXTRACT_TIMEOUT to extract (a pathological page)."""


class ExtractionPipeline:
    """Turn each fetched Page into a clean Article, or drop it."""

    def __init__(self, crawler: Crawler, min_chars: int, run_id: str,
                 pool: ExtractionPool | None = None, max_bytes: int = MAX_BYTES,
                 keep_pages: bool = True) -> None:
        """Keep the crawler for its spider name and stats; ``pool`` None extracts inline."""
        self.crawler = crawler
        self.min_chars = min_chars
        self.max_bytes = max_bytes
        self.keep_pages = keep_pages
        self.run_id = run_id
        self.pool = pool
        self.affixes = TitleAffixes()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractionPipeline:
        """Read the EXTRACT_* settings and CRAWL_RUN_ID once."""
        settings = crawler.settings
        workers = settings.getint("EXTRACT_WORKERS")
        if workers < 0:
            workers = os.cpu_count() or 1
        pool = ExtractionPool(workers, settings.getfloat("EXTRACT_TIMEOUT")) if workers else None
        return cls(crawler, settings.getint("EXTRACT_MIN_CHARS"), crawl_run_id(crawler), pool,
                   settings.getint("EXTRACT_MAX_BYTES"),
                   # the raw page travels with its article only to be stored
                   settings.getbool("ARCHIVE_ENABLED")
                   and settings.getbool("ARCHIVE_PAGES_ENABLED"))

    def close_spider(self) -> None:
        """Stop the worker processes."""
        if self.pool is not None:
            self.pool.close()

    @property
    def stats(self) -> StatsCollector:
        """The crawl's stats collector."""
        assert self.crawler.stats is not None
        return self.crawler.stats

    async def process_item(self, item: object) -> object:
        """Extract a Page (in the pool when there is one); pass anything else through."""
        if not isinstance(item, Page):
            return item
        # The bytes as received, with the server's charset as a hint: the extractor decodes by
        # what the bytes are (a GBK page labelled utf-8 would otherwise arrive garbled).
        # Shrunk here, before the page travels to a worker; the raw bytes stay for the archive.
        page, how = shrink(item.body, self.max_bytes)
        if how is not None:
            self.stats.inc_value(EXTRACT_SHRUNK)
            logger.warning("page over EXTRACT_MAX_BYTES, %s: %s", how, item.url)
        options = options_for(item, min_chars=self.min_chars, max_bytes=self.max_bytes)
        try:
            if self.pool is not None:
                extracted = await self.pool.extract(page, item.url, options)
            else:
                from extractor import extract_article  # only inline crawls load it

                extracted = extract_article(page, item.url, options)
        except ExtractionTimeout as exc:
            self.stats.inc_value(EXTRACT_TIMEOUT)
            logger.warning("%s", exc)
            raise ExtractionTimedOut(str(exc)) from exc
        except Exception as exc:  # a hostile page must not stop the crawl: drop it, say why
            self.stats.inc_value(EXTRACT_ERROR)
            logger.warning("extraction failed on %s: %r", item.url, exc)
            raise ExtractionFailed(f"extraction failed on {item.url}: {exc!r}") from exc
        if extracted is None:
            self.stats.inc_value(EXTRACT_NOT_ARTICLE)
            raise NotAnArticle(f"no article body at {item.url}")
        return self._complete(extracted, item)

    def _complete(self, extracted: Extracted, page: Page) -> Article:
        spider = self.crawler.spider
        # The site's other pages teach its title affix (`｜示例网_手机版`).
        self.affixes.observe(page.site, extracted.title_raw)
        title = self.affixes.clean(page.site, extracted.title)
        if title != extracted.title:
            self.stats.inc_value(EXTRACT_TITLE_AFFIX_CUT)
            extracted = dataclasses.replace(extracted, title=title)
        article = article_of(extracted, page, spider=spider.name if spider is not None else None,
                             run_id=self.run_id, keep_page=self.keep_pages)
        self.stats.inc_value(EXTRACT_OK)
        logger.debug("extracted %s: %s", page.url, article.title)
        return article
