"""The site spider: listings with pagination, feeds and sitemaps to articles; a profile or none."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import urljoin

import scrapy
from lxml import etree
from scrapy.http import Response, TextResponse
from scrapy.settings import BaseSettings
from scrapy.utils.sitemap import Sitemap

from archive.crawlstate import last_finished_crawl, revisit_candidates
from archive.urls import on_hosts
from archive.urlset import url_hash
from crawler.discovery import pages
from crawler.discovery.classify import PageVerdict, classify_page
from crawler.discovery.learner import CHROME_DOUBT, SiteLearner
from crawler.items import Page
from crawler.links import (
    feed_url,
    is_feed_link,
    is_next_link,
    is_pagination_url,
    sitemaps_in_robots,
)
from crawler.middlewares import ARTICLE_META_KEY, DISCOVERED_META_KEY, REVISIT_META_KEY
from crawler.runs import crawl_archive
from crawler.sites import SiteProfile, get_profile, site_name
from crawler.sites.base import discovered_profile
from crawler.stat_keys import (
    DISCOVERY_ARTICLE,
    DISCOVERY_CONTINUATION,
    DISCOVERY_DUPLICATE,
    DISCOVERY_NOT_ARTICLE,
    DISCOVERY_PAGINATION_STOPPED,
    DISCOVERY_SITEMAP_LIMIT,
    DISCOVERY_SITEMAP_UNCHANGED,
    DISCOVERY_SITEMAP_UNREADABLE,
    DISCOVERY_TEMPLATE_SPENT,
    REVISIT_FETCHED,
    REVISIT_NOT_MODIFIED,
    REVISIT_REQUESTED,
    discovery_not_article,
    discovery_not_article_reason,
)
from extractor.limits import shrink
from extractor.options import FieldOverride

logger = logging.getLogger(__name__)

# Meta key: how many non-article pages led to this request (discovery follows one such hop).
_HOPS = "ainews_hops"


class SiteSpider(scrapy.Spider):
    """Crawl one site: ``scrapy crawl site -a site=NAME`` or ``-a url=START_URL`` (no profile)."""

    name = "site"
    site_profile: ClassVar[SiteProfile | None] = None

    def __init__(self, site: str | None = None, base_url: str | None = None,
                 url: str | None = None, **kwargs: Any):
        """Pick the profile (``site``, the class's own, or one discovered from ``url``)."""
        super().__init__(**kwargs)
        if url and not site and self.site_profile is None:
            profile = discovered_profile(url, site_name(url))
        else:
            profile = self.site_profile or get_profile(site or "")
        self.profile = profile.rebased(base_url) if base_url else profile
        self.allowed_domains = list(self.profile.domains)
        self.seen_since: datetime | None = None
        self.listing_pages = 0
        self.sitemaps = 0
        """Sitemaps requested from indexes so far (SITEMAP_MAX_FILES bounds them)."""
        self.learner: SiteLearner | None = SiteLearner() if self.profile.discover else None
        """What discovery learns of the site's URL templates (None with a profile)."""

    @property
    def start_origins(self) -> list[str]:
        """The URLs this crawl starts on: their origins may be internal (a local site)."""
        return [*self.profile.listing_urls, *self.profile.feed_urls, *self.profile.sitemap_urls]

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        """Apply the profile's own settings on top of the project's."""
        super().update_settings(settings)
        if cls.site_profile is not None:
            settings.setdict(dict(cls.site_profile.extra_settings), priority="spider")

    async def start(self) -> AsyncIterator[scrapy.Request]:
        """Revisits first, then listing pages, feeds and sitemaps (and robots.txt sitemaps)."""
        self.seen_since = self._last_finished_crawl()
        if self.learner is not None:
            self.learner.max_pages = self.settings.getint("DISCOVERY_MAX_PAGES")
        for request in self._revisits():
            yield request
        for url in self.profile.listing_urls:
            if self.learner is not None:
                self.learner.first_sight(url)
                yield self.discovered_request(url, priority=200)
            else:
                yield scrapy.Request(url, callback=self.parse_listing)
        for url in self.profile.feed_urls:
            yield scrapy.Request(url, callback=self.parse_feed)
        for url in self.profile.sitemap_urls:
            yield scrapy.Request(url, callback=self.parse_sitemap)
        if self.profile.discover and self.profile.listing_urls:
            robots = urljoin(self.profile.listing_urls[0], "/robots.txt")
            # A site without robots.txt still gets its /sitemap.xml tried.
            yield scrapy.Request(robots, callback=self.parse_robots, priority=300,
                                 meta={"handle_httpstatus_list": [403, 404, 410]})

    # ---- incremental state -------------------------------------------------------------------

    def _archive_on(self) -> bool:
        return bool(self.settings.getbool("ARCHIVE_ENABLED"))

    def _last_finished_crawl(self) -> datetime | None:
        if not self._archive_on():
            return None
        return crawl_archive(self.crawler).run(last_finished_crawl, self.profile.name)

    def _revisits(self) -> Iterator[scrapy.Request]:
        """Conditional GETs for archived articles younger than REVISIT_WINDOW_DAYS."""
        days = self.settings.getfloat("REVISIT_WINDOW_DAYS")
        if not self._archive_on() or days <= 0:
            return
        since = datetime.now(UTC) - timedelta(days=days)
        revisits = crawl_archive(self.crawler).run(
            revisit_candidates, self.profile.name, since, self.settings.getint("REVISIT_MAX"))
        for revisit in revisits:
            headers = {}
            if revisit.etag:
                headers["If-None-Match"] = revisit.etag
            if revisit.last_modified:
                headers["If-Modified-Since"] = revisit.last_modified
            self._count(REVISIT_REQUESTED)
            yield scrapy.Request(
                revisit.url, callback=self.parse_article, headers=headers, dont_filter=True,
                meta={ARTICLE_META_KEY: True, REVISIT_META_KEY: True,
                      "handle_httpstatus_list": [304]},
            )

    def _count(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)

    def _overruled(self, verdict: PageVerdict, url: str) -> str | None:
        """Why the crawl's own evidence overrules an article verdict, or None: the page's
        template is mostly non-articles, or the page is linked from most pages of the site
        (its chrome) and the classifier was not sure."""
        learner = self.learner
        if not verdict.is_article or learner is None:
            return None
        if learner.overruled(url):
            return "template"
        if learner.site_chrome(url) and verdict.probability < CHROME_DOUBT:
            return "site_chrome"
        return None

    def _count_verdict(self, verdict: PageVerdict, overruled: str | None = None) -> None:
        """Stats of the page classifier: articles, and non-articles by type (or by the
        evidence that overruled the classifier) and top reason."""
        if verdict.is_article and overruled is None:
            self._count(DISCOVERY_ARTICLE)
            return
        self._count(DISCOVERY_NOT_ARTICLE)
        if overruled:
            self._count(discovery_not_article(overruled))
        elif verdict.rule:
            self._count(discovery_not_article(verdict.rule.replace(' ', '_')))
        else:
            self._count(discovery_not_article(verdict.page_type))
            if verdict.reasons:
                self._count(discovery_not_article_reason(verdict.reasons[0][0]))

    def _is_archived(self, url: str) -> bool:
        return self._archive_on() and url_hash(url) in crawl_archive(
            self.crawler).archived_url_hashes()

    # ---- callbacks ---------------------------------------------------------------------------

    def article_request(self, url: str, hops: int = 0) -> scrapy.Request:
        """A request for an article page, flagged so archived URLs are skipped."""
        return scrapy.Request(url, callback=self.parse_article,
                              meta={ARTICLE_META_KEY: True, _HOPS: hops})

    def discovered_request(self, url: str, priority: int | None = None) -> scrapy.Request:
        """A request for any page of a site being discovered (judged once it is fetched)."""
        assert self.learner is not None
        return scrapy.Request(
            url, callback=self.parse_discovered,
            priority=self.learner.priority(url) if priority is None else priority,
            meta={ARTICLE_META_KEY: True, DISCOVERED_META_KEY: True})

    def parse_discovered(self, response: Response) -> Iterator[Page | scrapy.Request]:
        """A page of a site being discovered: archive it if it is an article, learn what its
        URL template holds, follow its links by what their templates have held so far."""
        learner = self.learner
        assert learner is not None
        if not isinstance(response, TextResponse):
            learner.fetched(response.url, article=False)
            return
        hosts = self.profile.domains
        target = pages.duplicate_target(response, hosts)
        if target is not None:  # a print, AMP or mirror copy: the original is the article
            learner.fetched(response.url, article=False, duplicate_of=target)
            self._count(DISCOVERY_DUPLICATE)
            if learner.first_sight(target):
                yield self.discovered_request(target, priority=95)
            return
        html, _ = shrink(response.text, self.settings.getint("EXTRACT_MAX_BYTES"))
        verdict = classify_page(str(html), response.url)
        overruled = self._overruled(verdict, response.url)
        is_article = verdict.is_article and overruled is None
        first = pages.earlier_page(response, learner.articles) if is_article else None
        if first is not None:
            # Page 2 of an article is part of it, not another one.
            learner.fetched(response.url, article=False, duplicate_of=first)
            self._count(DISCOVERY_CONTINUATION)
            return
        found, fresh, linked = [], 0, []
        for url in pages.site_links(response, hosts):
            url = learner.rewrite(url)
            linked.append(url)
            if learner.first_sight(url):
                found.append(url)
                fresh += learner.likely_article(url)
        learner.linked(linked)
        learner.fetched(response.url, article=is_article, new_links=fresh)
        self._count_verdict(verdict, overruled)
        if is_article:
            yield page_from_response(response, self.profile.name, self.profile.timezone,
                                     self.profile.overrides)
        else:
            logger.debug("not an article (%s): %s", verdict.reason, response.url)
        yield from self._feeds_of(response)
        likely = [url for url in found if learner.likely_article(url)]
        # After a finished crawl, a page whose article links are all archived ends the walk.
        walk_on = not (self.seen_since is not None and likely
                       and all(self._is_archived(url) for url in likely))
        if not walk_on:
            self._count(DISCOVERY_PAGINATION_STOPPED)
        for url in found:
            if learner.worth(url) and (walk_on or learner.likely_article(url)):
                yield self.discovered_request(url)
            elif not learner.worth(url):
                self._count(DISCOVERY_TEMPLATE_SPENT)

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        """Follow article links and, unless every one is archived, the next page."""
        if not isinstance(response, TextResponse):
            return
        self.listing_pages += 1
        hops = int(response.meta.get(_HOPS, 0))
        articles: list[str] = []
        next_pages: list[str] = []
        for link in response.css("a"):
            href = link.attrib.get("href")
            if not href:
                continue
            url = response.urljoin(href)
            text = "".join(link.css("::text").getall())
            numbered = self.profile.discover and is_pagination_url(url) and text.strip().isdigit()
            if is_next_link(link.attrib.get("rel", ""), text) or numbered:
                next_pages.append(url)
            elif self.profile.is_article_url(url):
                articles.append(url)
        if self.profile.discover:
            yield from self._feeds_of(response)
        for url in dict.fromkeys(articles):
            yield self.article_request(url, hops)
        if self._stop_paginating(articles):
            self._count(DISCOVERY_PAGINATION_STOPPED)
            return
        for url in dict.fromkeys(next_pages):
            yield scrapy.Request(url, callback=self.parse_listing, meta={_HOPS: hops})

    def _stop_paginating(self, articles: list[str]) -> bool:
        """After a finished crawl of the site, a page of archived articles ends the walk."""
        if self.listing_pages >= self.settings.getint("LISTING_MAX_PAGES"):
            return True
        if self.seen_since is None or not articles:
            return False
        return all(self._is_archived(url) for url in articles)

    def _feeds_of(self, response: TextResponse) -> Iterator[scrapy.Request]:
        for link in response.xpath("//head/link[@href]"):
            if is_feed_link(link.attrib.get("rel", ""), link.attrib.get("type", "")):
                yield scrapy.Request(response.urljoin(link.attrib["href"]),
                                     callback=self.parse_feed, priority=250)

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        """The sitemaps robots.txt names, else ``/sitemap.xml``."""
        text = response.text if isinstance(response, TextResponse) else response.body.decode(
            "utf-8", "replace")
        if response.status != 200:
            text = ""
        sitemaps = sitemaps_in_robots(text, response.url) or [response.urljoin("/sitemap.xml")]
        for url in sitemaps:
            yield scrapy.Request(url, callback=self.parse_sitemap)

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        """Article links of an RSS or Atom feed."""
        if not isinstance(response, TextResponse):
            return
        response.selector.remove_namespaces()
        links = response.xpath("//item/link/text() | //entry/link/@href").getall()
        for link in links:
            url = feed_url(link, response.url)
            if self.learner is not None:
                if on_hosts(url, self.profile.domains) and self.learner.first_sight(url):
                    yield self.discovered_request(url, priority=95)
            elif self.profile.is_article_url(url):
                yield self.article_request(url)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        """Article links of a sitemap, skipping entries unchanged since the last finished crawl.

        Gzipped sitemaps are read (decompressed within DOWNLOAD_MAXSIZE); sitemap indexes
        nest at most SITEMAP_MAX_DEPTH deep and one crawl reads at most SITEMAP_MAX_FILES
        sitemaps, which count toward a discovery crawl's page budget too: an index that keeps
        naming new indexes ends there.
        """
        if self.learner is not None:
            self.learner.pages += 1
        body = sitemap_body(response, self.settings.getint("DOWNLOAD_MAXSIZE"))
        try:
            sitemap = Sitemap(body) if body is not None else None
        except (ValueError, SyntaxError):
            sitemap = None
        if sitemap is None:
            self._count(DISCOVERY_SITEMAP_UNREADABLE)
            logger.warning("unreadable sitemap %s", response.url)
            return
        assert body is not None
        published = news_publication_dates(body)
        depth = int(response.meta.get("sitemap_depth", 0))
        for entry in sitemap:
            url = feed_url(entry.get("loc", ""), response.url)
            if sitemap.type == "sitemapindex":
                if depth + 1 > self.settings.getint("SITEMAP_MAX_DEPTH") or \
                        self.sitemaps >= self.settings.getint("SITEMAP_MAX_FILES") or \
                        (self.learner is not None and self.learner.pages >= self.learner.max_pages):
                    self._count(DISCOVERY_SITEMAP_LIMIT)
                    continue
                self.sitemaps += 1
                yield scrapy.Request(url, callback=self.parse_sitemap,
                                     meta={"sitemap_depth": depth + 1})
            elif self.learner is not None or self.profile.is_article_url(url):
                stamp = entry.get("lastmod") or published.get(entry.get("loc", "").strip())
                # Unchanged since the last finished crawl and archived: skipped. An old entry
                # that is not archived (a crawl that lost it) is fetched, never skipped for good.
                if self._older_than_last_crawl(stamp) and self._is_archived(url):
                    self._count(DISCOVERY_SITEMAP_UNCHANGED)
                    continue
                if self.learner is None:
                    yield self.article_request(url)
                elif on_hosts(url, self.profile.domains) and self.learner.first_sight(url):
                    yield self.discovered_request(url, priority=95)

    def _older_than_last_crawl(self, stamp: str | None) -> bool:
        """A ``lastmod`` (or news publication date) well before the last finished crawl."""
        if self.seen_since is None or not stamp:
            return False
        try:
            moment = datetime.fromisoformat(stamp.strip().replace("Z", "+00:00"))
        except ValueError:
            return False
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        # A day of slack for sites that write dates without time or in local time.
        return moment < self.seen_since - timedelta(days=1)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Page | scrapy.Request]:
        """A URL given on its own (``scrapy parse URL``): an article page when it looks like
        one of the site's, else a listing to follow."""
        if self.profile.is_article_url(response.url):
            yield from self.parse_article(response)
        else:
            yield from self.parse_listing(response)

    def parse_article(self, response: Response) -> Iterator[Page | scrapy.Request]:
        """Hand the page to the pipelines; in discovery, a non-article page is mined for links."""
        if response.status == 304:
            self._count(REVISIT_NOT_MODIFIED)
            return
        if not isinstance(response, TextResponse):
            return
        if response.meta.get(REVISIT_META_KEY):
            self._count(REVISIT_FETCHED)
        if self.profile.discover:
            # Bounded like extraction: a 16 MiB page took the crawl process past 1 GB here.
            html, _ = shrink(response.text, self.settings.getint("EXTRACT_MAX_BYTES"))
            verdict = classify_page(str(html), response.url)
            self._count_verdict(verdict)
            if not verdict.is_article:
                logger.debug("not an article (%s): %s", verdict.reason, response.url)
                if int(response.meta.get(_HOPS, 0)) < 1:
                    response.meta[_HOPS] = 1
                    yield from self.parse_listing(response)
                return
        yield page_from_response(response, self.profile.name, self.profile.timezone,
                                 self.profile.overrides)


def sitemap_body(response: Response, max_size: int) -> bytes | None:
    """A sitemap's XML: gzipped files (`sitemap.xml.gz`) decompressed within ``max_size``
    (0: no bound), else the body as served; None for a bomb past the bound."""
    from scrapy.utils.gz import gunzip

    body = response.body
    if not body.startswith(b"\x1f\x8b"):
        return body
    try:
        return gunzip(body, max_size=max_size)
    except (OSError, EOFError, ValueError):  # damaged, or past the bound
        return None


def news_publication_dates(body: bytes) -> dict[str, str]:
    """``loc`` → ``news:publication_date`` of a news sitemap (Scrapy's parser drops them)."""
    if b"publication_date" not in body:
        return {}
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True,
                             huge_tree=False)
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError:
        return {}
    if root is None:
        return {}
    found = {}
    for url in root.iterfind("{*}url"):
        loc, date = url.findtext("{*}loc"), url.findtext("{*}news/{*}publication_date")
        if loc and date:
            found[loc.strip()] = date.strip()
    return found


def page_from_response(response: TextResponse, site: str, tz: str | None,
                       overrides: dict[str, FieldOverride] | None = None) -> Page:
    """The Page item for a fetched response (``overrides``: the site profile's)."""
    return Page(
        overrides=overrides or {},
        url=response.url,
        body=response.body,
        site=site,
        http_status=response.status,
        encoding=response.encoding,
        fetched_at=datetime.now(UTC),
        timezone=tz,
        headers={
            key.decode("latin-1"): b", ".join(values).decode("latin-1")
            for key, values in response.headers.items()
        },
    )
