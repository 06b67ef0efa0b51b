"""Every site profile, listed explicitly."""

from __future__ import annotations

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


__all__ = ["DEMO_SITES", "PROFILES", "SiteProfile", "UnknownSiteError", "get_profile"]
