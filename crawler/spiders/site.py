"""The profile-driven site spider: listings with pagination, feeds and sitemaps to articles."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.settings import BaseSettings
from scrapy.utils.sitemap import Sitemap

from crawler.items import Page
from crawler.middlewares import ARTICLE_META_KEY
from crawler.sites import SiteProfile, get_profile

logger = logging.getLogger(__name__)

_NEXT_TEXTS = frozenset(("下一页", "下页", "后页", "下一頁", "next", "next page", "›", "»", ">"))


class SiteSpider(scrapy.Spider):
    """Crawl one site described by a profile: ``scrapy crawl site -a site=NAME``."""

    name = "site"
    site_profile: ClassVar[SiteProfile | None] = None

    def __init__(self, site: str | None = None, base_url: str | None = None, **kwargs: Any):
        """Pick the profile (``site`` or the class's own) and optionally move it to ``base_url``."""
        super().__init__(**kwargs)
        profile = self.site_profile or get_profile(site or "")
        self.profile = profile.rebased(base_url) if base_url else profile
        self.allowed_domains = list(self.profile.domains)

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        """Apply the profile's own settings on top of the project's."""
        super().update_settings(settings)
        if cls.site_profile is not None:
            settings.setdict(dict(cls.site_profile.extra_settings), priority="spider")

    async def start(self) -> AsyncIterator[scrapy.Request]:
        """Listing pages, feeds and sitemaps of the profile."""
        for url in self.profile.listing_urls:
            yield scrapy.Request(url, callback=self.parse_listing)
        for url in self.profile.feed_urls:
            yield scrapy.Request(url, callback=self.parse_feed)
        for url in self.profile.sitemap_urls:
            yield scrapy.Request(url, callback=self.parse_sitemap)

    def article_request(self, url: str) -> scrapy.Request:
        """A request for an article page, flagged so archived URLs are skipped."""
        return scrapy.Request(url, callback=self.parse_article, meta={ARTICLE_META_KEY: True})

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        """Follow article links and the next page of a listing."""
        if not isinstance(response, TextResponse):
            return
        for link in response.css("a"):
            href = link.attrib.get("href")
            if not href:
                continue
            url = response.urljoin(href)
            if self.profile.is_article_url(url):
                yield self.article_request(url)
            elif _is_next_link(link.attrib.get("rel", ""), "".join(link.css("::text").getall())):
                yield scrapy.Request(url, callback=self.parse_listing)

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        """Article links of an RSS or Atom feed."""
        if not isinstance(response, TextResponse):
            return
        response.selector.remove_namespaces()
        links = response.xpath("//item/link/text() | //entry/link/@href").getall()
        for link in links:
            url = response.urljoin(link.strip())
            if self.profile.is_article_url(url):
                yield self.article_request(url)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        """Article links of a sitemap; sitemap indexes are followed."""
        try:
            sitemap = Sitemap(response.body)
        except (ValueError, SyntaxError):
            logger.warning("unreadable sitemap %s", response.url)
            return
        for entry in sitemap:
            url = response.urljoin(entry.get("loc", "").strip())
            if sitemap.type == "sitemapindex":
                yield scrapy.Request(url, callback=self.parse_sitemap)
            elif self.profile.is_article_url(url):
                yield self.article_request(url)

    def parse_article(self, response: Response) -> Iterator[Page]:
        """Hand the page to the pipelines."""
        if not isinstance(response, TextResponse):
            return
        yield page_from_response(response, self.profile.name, self.profile.timezone)


def page_from_response(response: TextResponse, site: str, tz: str | None) -> Page:
    """The Page item for a fetched response."""
    return Page(
        url=response.url,
        body=response.text,
        site=site,
        http_status=response.status,
        encoding=response.encoding,
        fetched_at=datetime.now(UTC),
        timezone=tz,
        raw_body=response.body,
        headers={
            key.decode("latin-1"): b", ".join(values).decode("latin-1")
            for key, values in response.headers.items()
        },
    )


def _is_next_link(rel: str, text: str) -> bool:
    return "next" in rel.split() or text.strip().lower() in _NEXT_TEXTS
