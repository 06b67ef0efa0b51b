"""Bundled demo site, aigcdaily layout: ``当前位置:首页|资讯|…`` and a glued meta line."""

from __future__ import annotations

from crawler.sites.base import DEMO_SETTINGS, SiteProfile

PROFILE = SiteProfile(
    name="demo-daily",
    title="AI日报(演示)",
    domains=("127.0.0.1",),
    listing_urls=("http://127.0.0.1:8701/list/1.html",),
    feed_urls=("http://127.0.0.1:8701/rss.xml",),
    article_pattern=r"/news/[\w/-]+\.html",
    notes="Offline demo site; `ainews demo-server` serves it.",
    extra_settings=DEMO_SETTINGS,
)
