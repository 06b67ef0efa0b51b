"""Bundled demo site, news-portal layout served as GBK with no declared charset."""

from __future__ import annotations

from crawler.sites.base import DEMO_SETTINGS, SiteProfile

PROFILE = SiteProfile(
    name="demo-portal",
    title="科技频道(演示)",
    domains=("127.0.0.1",),
    listing_urls=("http://127.0.0.1:8703/tech/index.shtml",),
    feed_urls=("http://127.0.0.1:8703/rss.xml",),
    article_pattern=r"/a/\d{8}/[\w-]+\.shtml",
    notes="Offline demo site; `ainews demo-server` serves it.",
    extra_settings=DEMO_SETTINGS,
)
