"""Bundled demo site, WordPress layout: ``当前位置:首页 > 数码 > 正文`` and relative dates."""

from __future__ import annotations

from crawler.sites.base import DEMO_SETTINGS, SiteProfile
from extractor.options import FieldOverride

PROFILE = SiteProfile(
    name="demo-wp",
    title="智能前沿(演示)",
    domains=("127.0.0.1",),
    listing_urls=("http://127.0.0.1:8702/",),
    sitemap_urls=("http://127.0.0.1:8702/sitemap.xml",),
    article_pattern=r"/archives/[\w/-]+",
    notes="Offline demo site; `ainews demo-server` serves it.",
    extra_settings=DEMO_SETTINGS,
    # The theme prints the author unlabelled (`admin 8个月前`): its element says who it is.
    overrides={"authors": FieldOverride(selector=".entry-meta .author")},
)
