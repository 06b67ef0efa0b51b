"""Every site profile, listed explicitly."""

from __future__ import annotations

from urllib.parse import urlsplit

from archive.urls import site_host
from crawler.addresses import origin
from crawler.sites import (
    aibase,
    aigcdaily,
    demo_daily,
    demo_portal,
    demo_wp,
    ithome,
    jiqizhixin,
    kr36,
    qbitai,
)
from crawler.sites.base import SiteProfile

PROFILES: dict[str, SiteProfile] = {
    module.PROFILE.name: module.PROFILE
    for module in (aigcdaily, qbitai, jiqizhixin, aibase, kr36, ithome, demo_daily, demo_wp,
                   demo_portal)
}

DEMO_SITES: tuple[str, ...] = ("demo-daily", "demo-wp", "demo-portal")


class UnknownSiteError(KeyError):
    """Raised for a site name that has no profile."""

    def __str__(self) -> str:
        return f"unknown site {self.args[0]!r}; known: {', '.join(sorted(PROFILES))}"


def get_profile(name: str) -> SiteProfile:
    """Return the profile called ``name``."""
    try:
        return PROFILES[name]
    except KeyError:
        raise UnknownSiteError(name) from None


def _origin_key(url: str) -> tuple[str, int] | None:
    # A profile starting on one port of a host shared with others (the demo sites) owns that
    # port; the site it names is still port-free.
    found, host = origin(url), site_host(url)
    return (host, found[2]) if found and host else None


def profile_for_url(url: str) -> SiteProfile | None:
    """The profile a URL belongs to: the one starting on its host and port, else the only one
    listing its host among its domains; None for a site nobody described."""
    key = _origin_key(url)
    if key is None:
        return None
    for profile in PROFILES.values():
        starts = (*profile.listing_urls, *profile.feed_urls, *profile.sitemap_urls)
        if any(_origin_key(start) == key for start in starts):
            return profile
    host = (urlsplit(url).hostname or "").lower()
    # A host several profiles share (the demo sites on 127.0.0.1) names no single site.
    matches = [p for p in PROFILES.values() if host in p.domains]
    return matches[0] if len(matches) == 1 else None


def site_of(url: str, name: str | None = None) -> tuple[str, SiteProfile | None]:
    """The site a page belongs to and the profile whose rules read it: the profile ``name``
    names (a name no profile has is a site of its own, read by no rules), else the one the URL
    belongs to, else the site host (``site_name``)."""
    if name:
        return name, PROFILES.get(name)
    profile = profile_for_url(url) if url else None
    return (profile.name if profile else site_name(url) if url else ""), profile


def site_name(url: str) -> str:
    """The ``site`` of a URL, the same in every command: its profile's name, else its site host
    (``archive.urls.site_host``: never the port; one site is one name however it was reached)."""
    profile = profile_for_url(url)
    if profile is not None:
        return profile.name
    return site_host(url) or ""


__all__ = ["DEMO_SITES", "PROFILES", "SiteProfile", "UnknownSiteError", "get_profile",
           "profile_for_url", "site_name", "site_of"]
