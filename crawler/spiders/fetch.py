"""The ``fetch`` spider: one-off article URLs through the same pipelines."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler.items import Page
from crawler.sites import get_profile, site_of
from crawler.spiders.site import page_from_response
from crawler.stat_keys import fetch_failure, fetch_redirected


def validate_url(url: str) -> str:
    """Return ``url`` if it is an absolute http(s) URL with a host, else raise ValueError."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"not an http(s) URL: {url!r}")
    try:
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError as exc:
        raise ValueError(f"malformed URL {url!r}: {exc}") from None
    if not host:
        raise ValueError(f"URL has no host: {url!r}")
    if any(ch.isspace() or ord(ch) < 32 for ch in url.strip()) or not _HOST.fullmatch(host):
        raise ValueError(f"malformed URL {url!r}: bad characters in it")
    return url.strip()


# Letters of any script (internationalized names), digits, dots, hyphens; or an IPv6 literal.
_HOST = re.compile(r"[\w.-]+|[0-9a-f:.]+", re.IGNORECASE)


class FetchSpider(scrapy.Spider):
    """Fetch the given URLs once each: ``scrapy crawl fetch -a urls=URL[,URL...]``, each page
    read by the rules of its site's profile (or of the profile ``-a site=NAME`` names)."""

    name = "fetch"

    def __init__(self, urls: str | list[str] = "", site: str | None = None,
                 **kwargs: Any) -> None:
        """Take the URLs as a list or a comma/space separated string."""
        super().__init__(**kwargs)
        items = urls.replace(",", " ").split() if isinstance(urls, str) else list(urls)
        self.urls = [validate_url(url) for url in items]
        self.start_origins = self.urls
        self.site = get_profile(site).name if site else None
        """The profile every page is read by (a mirror of a profiled site); None: each
        URL's own."""

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> FetchSpider:
        """Also listen for dropped pages, whose reason the CLI reports per URL."""
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.dropped, signal=signals.item_dropped)
        return spider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        """One request per URL, even when it was fetched before."""
        for url in self.urls:
            yield scrapy.Request(url, callback=self.parse, errback=self.failed, dont_filter=True)

    def dropped(self, item: Any, response: Response, exception: BaseException) -> None:
        """Record why a fetched page gave no article (not an article, extraction failed…)."""
        self._record(_requested_url(response.request, response.url), str(exception))

    def _record(self, url: str, reason: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.set_value(fetch_failure(url), reason.splitlines()[0])

    def failed(self, failure: Failure) -> None:
        """Record why a URL could not be fetched, for the CLI's one-line report."""
        request = getattr(failure, "request", None)
        url = _requested_url(request, "?")
        reason = failure.getErrorMessage().splitlines()[0] if failure.getErrorMessage() else str(
            failure.type.__name__ if failure.type else "error")
        self._record(url, f"fetch failed: {reason}")

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Page]:
        """Hand the page to the pipelines, tagged with its site's profile when one matches."""
        if not isinstance(response, TextResponse):
            self._record(_requested_url(response.request, response.url),
                         f"not a text page ({response.headers.get('Content-Type', b'?')!r})")
            return
        requested = _requested_url(response.request, response.url)
        if requested != response.url and self.crawler.stats is not None:
            self.crawler.stats.set_value(fetch_redirected(requested), response.url)
        site, profile = site_of(response.url, self.site)
        yield page_from_response(response, site, profile.timezone if profile else None,
                                 profile.overrides if profile else None)


def _requested_url(request: scrapy.Request | None, default: str) -> str:
    """The URL the user gave for ``request`` (the first of its redirect chain)."""
    if request is None:
        return default
    chain = request.meta.get("redirect_urls")
    return str(chain[0]) if chain else request.url
