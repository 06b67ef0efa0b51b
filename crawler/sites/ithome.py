"""IT之家 (ithome.com): consumer-technology news; its AI tag."""

from __future__ import annotations

from crawler.sites.base import SiteProfile

PROFILE = SiteProfile(
    name="ithome-ai",
    title="IT之家 AI",
    domains=("www.ithome.com", "ithome.com"),
    listing_urls=("https://www.ithome.com/tag/ai/",),
    feed_urls=("https://www.ithome.com/rss/",),
    article_pattern=r"/0/\d{3}/\d{3}\.htm",
    schedule="12 */2 * * *",
    verified_offline=False,
    notes="URLs not fetched here (no internet); the feed covers all of IT之家, not only AI.",
)
