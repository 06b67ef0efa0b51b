"""The site profile: everything a crawl needs to know about one site."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit, urlunsplit

from archive.urls import on_hosts, site_host
from crawler.links import looks_like_article_url
from extractor.options import FieldOverride

# Our own demo server on loopback needs no politeness delay.
DEMO_SETTINGS: dict[str, object] = {
    "DOWNLOAD_DELAY": 0.0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteProfile:
    """How to discover and read one site's articles."""

    name: str
    """Spider name and ``site`` column value; lowercase, ``-`` separated."""
    title: str
    """Human-readable site name."""
    domains: tuple[str, ...]
    listing_urls: tuple[str, ...] = ()
    """First listing pages; their pagination is followed."""
    feed_urls: tuple[str, ...] = ()
    """RSS or Atom feeds."""
    sitemap_urls: tuple[str, ...] = ()
    article_pattern: str = r".*"
    """Regular expression an article URL's path (with query) must match."""
    timezone: str | None = "Asia/Shanghai"
    """IANA timezone for naive dates on the site's pages; None lets the extractor choose by
    the page's language (``extractor.default_timezone``), as for a one-off fetch."""
    schedule: str = "17 */6 * * *"
    """Cron expression of the site's scheduled crawl (minute hour day month weekday)."""
    verified_offline: bool = True
    """False for real sites whose URLs could not be checked from an offline machine."""
    notes: str = ""
    discover: bool = False
    """Find feeds, sitemaps and article links unaided, and classify pages before archiving."""
    extra_settings: dict[str, object] = field(default_factory=dict)
    overrides: dict[str, FieldOverride] = field(default_factory=dict)
    """Fields the generic extractor gets wrong on this site: a selector or pattern each
    (``extractor.options.OVERRIDABLE_FIELDS``). Needs a stored page of the site and its
    expected JSON in ``tests/fixtures/sites/<name>/``."""

    def is_article_url(self, url: str) -> bool:
        """Tell whether ``url`` looks like one of this site's article pages."""
        parts = urlsplit(url)
        if self.discover:
            return on_hosts(url, self.domains) and looks_like_article_url(url)
        if parts.hostname not in self.domains:
            return False
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        return re.fullmatch(self.article_pattern, path) is not None

    def rebased(self, base_url: str) -> SiteProfile:
        """Return a copy whose URLs point at ``base_url`` (scheme, host and port) instead."""
        base = urlsplit(base_url)
        if base.scheme not in ("http", "https") or not base.hostname:
            raise ValueError(f"not an http(s) base URL: {base_url!r}")

        def move(url: str) -> str:
            parts = urlsplit(url)
            return urlunsplit((base.scheme, base.netloc, parts.path, parts.query, ""))

        return replace(
            self,
            domains=(base.hostname,),
            listing_urls=tuple(map(move, self.listing_urls)),
            feed_urls=tuple(map(move, self.feed_urls)),
            sitemap_urls=tuple(map(move, self.sitemap_urls)),
        )


def discovered_profile(url: str, name: str | None = None) -> SiteProfile:
    """A profile for a site nobody described: start at ``url`` and discover the rest.

    ``name`` is its ``site`` (``crawler.sites.site_name``); the host without ``www.`` if None.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    host = site_host(url) or parts.hostname
    origin = f"{parts.scheme}://{parts.netloc}"
    return SiteProfile(
        name=name or host,
        title=host,
        domains=(parts.hostname,),
        listing_urls=(url,),
        sitemap_urls=(),
        # Nobody said where the site is: its pages' language decides, as `fetch` does.
        timezone=None,
        discover=True,
        notes=f"discovered from {origin}",
    )
