"""AIbase (aibase.com): AI-news aggregator, Chinese edition."""

from __future__ import annotations

from crawler.sites.base import SiteProfile

PROFILE = SiteProfile(
    name="aibase",
    title="AIbase",
    domains=("www.aibase.com", "aibase.com"),
    listing_urls=("https://www.aibase.com/zh/news",),
    article_pattern=r"/zh/news/\d+",
    schedule="37 */2 * * *",
    verified_offline=False,
    notes="URLs not fetched here (no internet).",
)
