"""ExtractionPipeline: a thin Scrapy shell around ``extract_article``."""

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
from extractor.limits import MAX_BYTES, shrink
from extractor.options import ExtractOptions
from pipelines.pool import ExtractionPool, ExtractionTimeout
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


def page_options(page: Page, min_chars: int, max_bytes: int = MAX_BYTES) -> ExtractOptions:
    """The extractor's options for a fetched page: what the crawl knows about it."""
    return ExtractOptions(fetched_at=page.fetched_at, timezone=page.timezone,
                          charset=page.encoding, min_chars=min_chars, overrides=page.overrides,
                          max_bytes=max_bytes)


def article_of(page: Page, min_chars: int) -> Article | None:
    """The page's article, extracted here and now (no pool, no stats); None for no article."""
    from extractor import extract_article

    body: str | bytes = page.raw_body if page.raw_body is not None else page.body
    extracted = extract_article(body, page.url, page_options(page, min_chars))
    if extracted is None:
        return None
    return Article.from_extracted(extracted, url=page.url, fetched_at=page.fetched_at,
                                  site=page.site, http_status=page.http_status,
                                  encoding=page.encoding or extracted.encoding)


class ExtractionPipeline:
    """Turn each fetched Page into a clean Article, or drop it."""

    def __init__(self, crawler: Crawler, min_chars: int, run_id: str,
                 pool: ExtractionPool | None = None, max_bytes: int = MAX_BYTES) -> None:
        """Keep the crawler for its spider name and stats; ``pool`` None extracts inline."""
        self.crawler = crawler
        self.min_chars = min_chars
        self.max_bytes = max_bytes
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
                   settings.getint("EXTRACT_MAX_BYTES"))

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
        page: str | bytes = item.raw_body if item.raw_body is not None else item.body
        # Shrunk here, before the page travels to a worker; the raw bytes stay for the archive.
        page, how = shrink(page, self.max_bytes)
        if how is not None:
            self.stats.inc_value("extract/shrunk")
            logger.warning("page over EXTRACT_MAX_BYTES, %s: %s", how, item.url)
        options = page_options(item, self.min_chars, self.max_bytes)
        try:
            if self.pool is not None:
                extracted = await self.pool.extract(page, item.url, options)
            else:
                from extractor import extract_article  # only inline crawls load it

                extracted = extract_article(page, item.url, options)
        except ExtractionTimeout as exc:
            self.stats.inc_value("extract/timeout")
            logger.warning("%s", exc)
            raise ExtractionTimedOut(str(exc)) from exc
        except Exception as exc:  # a hostile page must not stop the crawl: drop it, say why
            self.stats.inc_value("extract/error")
            logger.warning("extraction failed on %s: %r", item.url, exc)
            raise ExtractionFailed(f"extraction failed on {item.url}: {exc!r}") from exc
        if extracted is None:
            self.stats.inc_value("extract/not_article")
            raise NotAnArticle(f"no article body at {item.url}")
        return self._complete(extracted, item)

    def _complete(self, extracted: Extracted, page: Page) -> Article:
        spider = self.crawler.spider
        # The site's other pages teach its title affix (`｜示例网_手机版`).
        self.affixes.observe(page.site, extracted.title_raw)
        title = self.affixes.clean(page.site, extracted.title)
        if title != extracted.title:
            self.stats.inc_value("extract/title_affix_cut")
            extracted = dataclasses.replace(extracted, title=title)
        article = Article.from_extracted(
            extracted, url=page.url, fetched_at=page.fetched_at, site=page.site,
            http_status=page.http_status, encoding=page.encoding or extracted.encoding,
            spider=spider.name if spider is not None else None, crawl_run_id=self.run_id,
            page=page, lease=page.lease)
        # The raw bytes stay for the pages table; the decoded copy is spent, and a batch of
        # them waiting for the next commit would double the pipeline's memory.
        page.body = ""
        self.stats.inc_value("extract/ok")
        logger.debug("extracted %s: %s", page.url, article.title)
        return article
