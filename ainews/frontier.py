"""Putting work into a Redis frontier: a site's start requests, and one-off article URLs.

Requests are stored as scrapy-redis stores them (``Request.to_dict`` with callbacks named on
the worker spider, pickled), so any worker of the site can run them.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import scrapy
from scrapy.crawler import Crawler
from scrapy.settings import Settings
from scrapy_redis import picklecompat
from scrapy_redis.dupefilter import RFPDupeFilter

from crawler.distributed import keys
from crawler.spiders.worker import WorkerSpider, worker_spider_for


@dataclass(frozen=True)
class SiteEntry:
    """How workers build the spider of a seeded site: profile (or None) and its arguments."""

    site: str
    profile: str | None
    kwargs: Mapping[str, Any]

    def to_json(self) -> str:
        """The value stored in ``ainews:sites``."""
        return json.dumps({"profile": self.profile, "kwargs": dict(self.kwargs)})

    def new_spider(self) -> WorkerSpider:
        """A worker spider of the site, not bound to a crawl (to serialise its requests)."""
        return worker_spider_for(self.profile)(**dict(self.kwargs))

    @classmethod
    def from_json(cls, site: str, text: str | bytes) -> SiteEntry:
        """Read a value of ``ainews:sites``."""
        data = json.loads(text)
        return cls(site, data.get("profile"), dict(data.get("kwargs") or {}))


def register_site(server: Any, entry: SiteEntry) -> None:
    """Record the site so a worker started without SITE arguments serves it."""
    server.hset(keys.SITES, entry.site, entry.to_json())


def seeded_sites(server: Any) -> dict[str, SiteEntry]:
    """Every site seeded into this Redis."""
    found = server.hgetall(keys.SITES)
    return {(name.decode() if isinstance(name, bytes) else name):
            SiteEntry.from_json(name.decode() if isinstance(name, bytes) else name, value)
            for name, value in found.items()}


class Frontier:
    """One site's queue and seen-set in Redis, written without running a crawl."""

    def __init__(self, server: Any, spider: WorkerSpider) -> None:
        """``spider``: a worker spider of the site (requests are serialised against it)."""
        self.server = server
        self.spider = spider
        self.site = spider.profile.name
        self.seen = RFPDupeFilter(server, key=keys.dupefilter(self.site))

    def push(self, request: scrapy.Request) -> bool:
        """Queue ``request`` unless some worker has seen it; True when queued.

        A ``dont_filter`` request (a seed) is queued anyway, and still marked as seen: a link
        to the home page found later must not fetch it again.
        """
        seen = self.seen.request_seen(request)
        if seen and not request.dont_filter:
            return False
        data = picklecompat.dumps(request.to_dict(spider=self.spider))
        self.server.execute_command("ZADD", keys.queue(self.site), -request.priority, data)
        return True

    def push_all(self, requests: Iterable[scrapy.Request]) -> int:
        """Queue each request; how many were new."""
        return sum(self.push(request) for request in requests)


def seeding_crawler(entry: SiteEntry, settings: Mapping[str, Any]) -> Crawler:
    """A crawler of the site's worker spider that is never started: its spider's ``start``
    gives the requests a crawl of the site starts with."""
    from scrapy.utils.project import get_project_settings

    project: Settings = get_project_settings()
    project.setdict(dict(settings), priority="cmdline")
    # The archive is read here (revisits, the last finished crawl): in this process.
    project.set("ARCHIVE_PROCESS", False, priority="cmdline")
    from scrapy.utils.reactor import install_reactor, is_reactor_installed

    if not is_reactor_installed():
        # Scrapy checks the reactor when it applies a crawler's settings; nothing runs on it.
        install_reactor(project["TWISTED_REACTOR"])
    crawler = Crawler(worker_spider_for(entry.profile), project)
    crawler._apply_settings()
    crawler.spider = crawler._create_spider(**dict(entry.kwargs))
    return crawler


def start_requests(crawler: Crawler) -> list[scrapy.Request]:
    """What the site spider's own ``start`` yields (revisits, listings, feeds, sitemaps,
    robots.txt), each marked ``dont_filter``: seeds are fetched on every seeding."""
    spider = crawler.spider
    assert isinstance(spider, WorkerSpider)

    async def collect() -> list[scrapy.Request]:
        return [request async for request in super(WorkerSpider, spider).start()]

    requests = asyncio.run(collect())
    return [request.replace(dont_filter=True) for request in requests]
