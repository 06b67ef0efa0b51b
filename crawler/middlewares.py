"""Downloader middlewares: skip archived articles, trust a page's own charset over the header."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, Response
from scrapy.statscollectors import StatsCollector

from archive.urlset import url_hash
from crawler.runs import CrawlArchive, crawl_archive
from extractor.charset import declared_charset

logger = logging.getLogger(__name__)

ARTICLE_META_KEY = "ainews_article"
"""Request meta flag set by spiders on requests for article pages."""
REVISIT_META_KEY = "ainews_revisit"
"""Request meta flag on conditional re-fetches of archived articles (not skipped)."""


class ArchivedUrlFilterMiddleware:
    """Drop requests for article pages the archive already holds, before they are sent."""

    def __init__(self, archive: CrawlArchive, stats: StatsCollector) -> None:
        """Load the archived-URL set once, at the start of the crawl."""
        self.hashes = archive.archived_url_hashes()
        self.stats = stats
        logger.info("%d archived URLs will not be fetched again", len(self.hashes))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivedUrlFilterMiddleware:
        """Build from the ARCHIVE_* settings."""
        settings = crawler.settings
        if not (settings.getbool("ARCHIVE_ENABLED") and settings.getbool("ARCHIVE_SKIP_ARCHIVED")):
            raise NotConfigured
        assert crawler.stats is not None
        return cls(crawl_archive(crawler), crawler.stats)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        """Raise IgnoreRequest for an archived article URL."""
        if (request.meta.get(ARTICLE_META_KEY) and not request.meta.get(REVISIT_META_KEY)
                and url_hash(request.url) in self.hashes):
            self.stats.inc_value("archive/skipped_archived")
            raise IgnoreRequest(f"already archived: {request.url}")


class MetaCharsetMiddleware:
    """Decode HTML by its ``<meta charset>`` when the Content-Type header says otherwise."""

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        """Return the response re-declared with the page's own charset when they disagree."""
        if not isinstance(response, HtmlResponse):
            return response
        declared = declared_charset(response.body)
        if declared is None or declared == response.encoding.lower():
            return response
        try:
            response.body.decode(declared)
        except (LookupError, UnicodeDecodeError):
            return response
        return response.replace(encoding=declared)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        """Build the middleware."""
        return cls()
