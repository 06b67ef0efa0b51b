"""aigcdaily.cn (AIGC日报): a Chinese AI-news portal."""

from __future__ import annotations

from crawler.sites.base import SiteProfile

PROFILE = SiteProfile(
    name="aigcdaily",
    title="AIGC日报",
    domains=("aigcdaily.cn", "www.aigcdaily.cn"),
    listing_urls=("https://www.aigcdaily.cn/news/",),
    sitemap_urls=("https://www.aigcdaily.cn/sitemap.xml",),
    article_pattern=r"/news/.+",
    # This machine has no internet: the URLs follow the site's public page addresses but were
    # not fetched while writing this profile.
    verified_offline=False,
    notes="URLs not verified offline; article pages match the seed page's layout.",
)
