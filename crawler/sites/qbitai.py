"""量子位 (qbitai.com): a WordPress-based AI-news site."""

from __future__ import annotations

from crawler.sites.base import SiteProfile

PROFILE = SiteProfile(
    name="qbitai",
    title="量子位",
    domains=("www.qbitai.com", "qbitai.com"),
    listing_urls=("https://www.qbitai.com/",),
    feed_urls=("https://www.qbitai.com/feed",),
    article_pattern=r"/\d{4}/\d{2}/\d+\.html",
    schedule="7 */3 * * *",
    verified_offline=False,
    notes="URLs from the site's public addresses, not fetched here (no internet).",
)
