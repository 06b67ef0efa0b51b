"""Spiders: the generic ``site`` and ``fetch`` spiders, and one named spider per site profile."""

from __future__ import annotations

from crawler.sites import PROFILES
from crawler.spiders.site import SiteSpider


def _spider_for(name: str) -> type[SiteSpider]:
    class_name = "".join(part.title() for part in name.split("-")) + "Spider"
    if class_name[0].isdigit():  # "36kr-ai"
        class_name = "Site" + class_name
    return type(class_name, (SiteSpider,), {
        "name": name, "site_profile": PROFILES[name], "__module__": __name__,
        "__doc__": f"Crawl {PROFILES[name].title} ({name}).",
    })


# `scrapy crawl <site>` finds these through SPIDER_MODULES.
SITE_SPIDERS: dict[str, type[SiteSpider]] = {name: _spider_for(name) for name in PROFILES}
globals().update({cls.__name__: cls for cls in SITE_SPIDERS.values()})
