"""Downloader middlewares: skip archived articles, refuse internal addresses, trust a page's
own charset over the header, count requests that failed for good."""

from __future__ import annotations

import asyncio
import logging
import socket
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, Response
from scrapy.statscollectors import StatsCollector

from archive.urlset import url_hash
from crawler.addresses import Origin, is_internal, literal_address, origin
from crawler.runs import CrawlArchive, crawl_archive
from crawler.stat_keys import (
    ARCHIVE_SKIPPED_ARCHIVED,
    DISCOVERY_REWRITTEN,
    DISCOVERY_TEMPLATE_SPENT,
    INTERNAL_REFUSED,
    REQUESTS_FAILED,
)
from extractor.charset import declared_charset

logger = logging.getLogger(__name__)

ARTICLE_META_KEY = "ainews_article"
"""Request meta flag set by spiders on requests for article pages."""
REVISIT_META_KEY = "ainews_revisit"
"""Request meta flag on conditional re-fetches of archived articles (not skipped)."""
DISCOVERED_META_KEY = "ainews_discovered"
"""Request meta flag of discovery requests, whose template may be spent by the time they are
sent."""


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
            self.stats.inc_value(ARCHIVE_SKIPPED_ARCHIVED)
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


class InternalAddressMiddleware:
    """Refuse requests (redirects, meta refreshes and links included) to loopback, private,
    link-local or reserved addresses, except on an origin the crawl started on.

    A public page must not steer the crawler at the machine's own services or its network: a
    redirect to 127.0.0.1:6379 or 169.254.169.254 is refused. A crawl started on
    http://127.0.0.1:8701 may fetch that origin (and only that one) of its own accord.
    ``ALLOW_PRIVATE_ADDRESSES`` (``--allow-private``) lifts the rule. Names are resolved before
    the request is sent; a name that resolves differently a moment later (DNS rebinding) is
    not caught.
    """

    def __init__(self, stats: StatsCollector) -> None:
        """Start with no allowed origin; the spider's start URLs add theirs when it opens."""
        self.stats = stats
        self.allowed: set[Origin] = set()
        self._verdicts: dict[str, str | None] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> InternalAddressMiddleware:
        """Off with ALLOW_PRIVATE_ADDRESSES."""
        if crawler.settings.getbool("ALLOW_PRIVATE_ADDRESSES"):
            raise NotConfigured
        assert crawler.stats is not None
        middleware = cls(crawler.stats)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        return middleware

    def spider_opened(self, spider: Spider) -> None:
        """Allow the origins the spider starts on (``start_origins``, else ``start_urls``)."""
        starts = getattr(spider, "start_origins", None) or getattr(spider, "start_urls", None)
        self.allowed |= {o for o in map(origin, starts or ()) if o is not None}

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        """IgnoreRequest when the request's host is, or resolves to, an internal address."""
        target = origin(request.url)
        if target is None or target in self.allowed:
            return
        reason = await self._internal(target[1], target[2])
        if reason is not None:
            self.stats.inc_value(INTERNAL_REFUSED)
            raise IgnoreRequest(f"refused: {request.url} {reason} (--allow-private to permit)")

    async def _internal(self, host: str, port: int) -> str | None:
        if host not in self._verdicts:
            self._verdicts[host] = await _internal_verdict(host, port)
        return self._verdicts[host]


async def _internal_verdict(host: str, port: int) -> str | None:
    """Why ``host`` counts as internal, or None."""
    literal = literal_address(host)
    if literal is not None:
        return f"is the internal address {literal}" if is_internal(literal) else None
    if host == "localhost" or host.endswith(".localhost"):
        return "names this machine"
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port,
                                                              type=socket.SOCK_STREAM)
    except OSError:
        return None  # the download fails with the resolver's own error
    for info in infos:
        address = str(info[4][0])
        if is_internal(address):
            return f"resolves to the internal address {address}"
    return None


class DiscoveryGateMiddleware:
    """Drop a discovery request whose URL template stopped paying while it waited in the queue
    (its pages gave no article and no new link), or once the page budget is used."""

    def __init__(self, crawler: Crawler) -> None:
        """Keep the crawler: its spider holds the learner."""
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DiscoveryGateMiddleware:
        """Build the middleware."""
        return cls(crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> Request | None:
        """IgnoreRequest for a request of a spent template; the original page instead of a
        copy (AMP, print) once the copies' rewrite is learned."""
        learner = getattr(self.crawler.spider, "learner", None)
        if learner is None or not request.meta.get(DISCOVERED_META_KEY):
            return None
        original = learner.rewrite(request.url)
        if original != request.url:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value(DISCOVERY_REWRITTEN)
            if learner.first_sight(original):
                return request.replace(url=original, priority=request.priority + 50)
            raise IgnoreRequest(f"a copy of {original}: {request.url}")
        if not learner.worth(request.url):
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value(DISCOVERY_TEMPLATE_SPENT)
            raise IgnoreRequest(f"template spent: {request.url}")
        return None


class FailedRequestCounter:
    """Count each request that failed for good, once (``ainews/requests_failed``).

    It sits nearer the engine than Scrapy's retry middleware, so an exception reaches it only
    after the last retry: one unreachable page is one failure, not one per try. Skips
    (``IgnoreRequest``) are no failures, and neither is a robots.txt that cannot be fetched
    (the crawl goes on as if it allowed everything).
    """

    def __init__(self, stats: StatsCollector) -> None:
        """Keep the crawl's stats."""
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FailedRequestCounter:
        """Count into the crawl's stats."""
        assert crawler.stats is not None
        return cls(crawler.stats)

    def process_exception(self, request: Request, exception: BaseException) -> None:
        """Count the failure; leave its handling to the rest of the chain."""
        if not isinstance(exception, IgnoreRequest) and not request.url.endswith("/robots.txt"):
            self.stats.inc_value(REQUESTS_FAILED)
