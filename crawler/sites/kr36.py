"""36氪 (36kr.com): technology and business news; its AI channel."""

from __future__ import annotations

from crawler.sites.base import SiteProfile

PROFILE = SiteProfile(
    name="36kr-ai",
    title="36氪 AI",
    domains=("36kr.com", "www.36kr.com"),
    listing_urls=("https://36kr.com/information/AI/",),
    feed_urls=("https://36kr.com/feed",),
    article_pattern=r"/p/\d+",
    schedule="47 */4 * * *",
    verified_offline=False,
    notes="URLs not fetched here (no internet); the feed covers all channels, not only AI.",
)
