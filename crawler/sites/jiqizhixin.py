"""机器之心 (jiqizhixin.com): AI news and research coverage."""

from __future__ import annotations

from crawler.sites.base import SiteProfile

PROFILE = SiteProfile(
    name="jiqizhixin",
    title="机器之心",
    domains=("www.jiqizhixin.com", "jiqizhixin.com"),
    listing_urls=("https://www.jiqizhixin.com/",),
    feed_urls=("https://www.jiqizhixin.com/rss",),
    article_pattern=r"/articles/\d{4}-\d{2}-\d{2}(-\d+)?",
    schedule="22 */3 * * *",
    verified_offline=False,
    notes="URLs not fetched here (no internet); listing pages may be built by JavaScript, "
          "so the feed is the dependable source.",
)
