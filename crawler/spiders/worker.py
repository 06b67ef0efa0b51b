"""The worker spider: a site spider whose requests come from, and go to, a Redis frontier."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.settings import BaseSettings

from crawler.distributed import keys
from crawler.distributed.leases import Leases, new_worker_id
from crawler.distributed.outage import Patience, RedisOutage, stop_for_outage
from crawler.sites import PROFILES
from crawler.spiders.site import SiteSpider

# Components a worker adds to the project's (scrapy-redis's scheduler and duplicate filter,
# our lease queue and lease tracking, the shared politeness slot).
_COMPONENTS = {
    "DOWNLOADER_MIDDLEWARES": {
        "crawler.distributed.tracking.LeaseDownloaderMiddleware": 1,
        # After robots.txt (100): a request waiting for robots.txt holds no reserved instant.
        "crawler.distributed.politeness.SharedSlotMiddleware": 110,
    },
    "SPIDER_MIDDLEWARES": {"crawler.distributed.tracking.LeaseSpiderMiddleware": 1},
    "EXTENSIONS": {"crawler.distributed.tracking.LeaseKeeper": 400},
}
_SCHEDULING = {
    "SCHEDULER": "crawler.distributed.scheduler.RedisScheduler",
    "SCHEDULER_QUEUE_CLASS": "crawler.distributed.queue.LeaseQueue",
    "SCHEDULER_QUEUE_KEY": keys.QUEUE_PATTERN,
    "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
    "SCHEDULER_DUPEFILTER_KEY": keys.DUPEFILTER_PATTERN,
    "DUPEFILTER_KEY": keys.DUPEFILTER_PATTERN,
    # The frontier and the seen-set outlive every worker: that is the point of them.
    "SCHEDULER_PERSIST": True,
    "SCHEDULER_FLUSH_ON_START": False,
}


class WorkerSpider(SiteSpider):
    """Crawl one site's share of a Redis frontier: ``ainews worker --redis URL SITE``.

    Starts nothing itself (``ainews crawl SITE --redis URL`` seeds the frontier); takes
    requests under a lease, queues the links it finds, and waits for more when idle.
    """

    name = "worker"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """As a site spider; the spider's name becomes the site's (scrapy-redis keys on it)."""
        super().__init__(*args, **kwargs)
        self.name = self.profile.name
        self.leases: Leases | None = None
        self.exit_when_idle = 0.0
        self._idle_since: float | None = None

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        """scrapy-redis's scheduling, and the worker's components added to the project's own
        (not replacing them)."""
        super().update_settings(settings)
        settings.setdict(_SCHEDULING, priority="spider")
        for name, components in _COMPONENTS.items():
            merged = settings.getdict(name)
            merged.update(components)
            settings.set(name, merged, priority="spider")

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> WorkerSpider:
        """Connect to Redis (``REDIS_URL``) and take this worker's leases."""
        from scrapy_redis.connection import get_redis_from_settings

        spider = super().from_crawler(crawler, *args, **kwargs)
        assert isinstance(spider, WorkerSpider)
        settings = crawler.settings
        if not settings.get("REDIS_URL"):
            raise ValueError("a worker needs REDIS_URL (ainews worker --redis URL)")
        server = get_redis_from_settings(settings)
        spider.leases = Leases(server, spider.profile.name,
                               settings.get("WORKER_ID") or new_worker_id(),
                               settings.getfloat("REDIS_LEASE_SECONDS"),
                               Patience(server, settings.getfloat("REDIS_OUTAGE_SECONDS")))
        spider.exit_when_idle = settings.getfloat("WORKER_EXIT_WHEN_IDLE")
        crawler.signals.connect(spider.idle, signal=signals.spider_idle)
        return spider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        """Nothing of its own: the state a site spider's start sets, then the frontier."""
        self.seen_since = self._last_finished_crawl()
        if self.learner is not None:
            self.learner.max_pages = self.settings.getint("DISCOVERY_MAX_PAGES")
        return
        yield

    def idle(self) -> None:
        """Wait for more work, unless ``WORKER_EXIT_WHEN_IDLE`` seconds passed with nothing
        queued or held by any worker of the site (then the crawl is done)."""
        assert self.leases is not None
        if self.leases.broken is not None:
            return  # stopping: Redis failed this worker for good
        try:
            # A Redis that restarted empty (its client reconnected without an error) would
            # look like a finished crawl: nothing queued, nothing held.
            self.leases.patience.check_restart()
            self.leases.reclaim_dead()
            outstanding = self.leases.outstanding()
        except RedisOutage as exc:
            stop_for_outage(self, exc)
            return
        if self.exit_when_idle <= 0 or outstanding > 0:
            self._idle_since = None
            raise DontCloseSpider
        now = time.monotonic()
        if self._idle_since is None:
            self._idle_since = now
        if now - self._idle_since < self.exit_when_idle:
            raise DontCloseSpider


def worker_spider_for(profile: str | None) -> type[WorkerSpider]:
    """The worker class of a profile (its own settings apply), or the discovery worker."""
    if profile is None or profile not in PROFILES:
        return WorkerSpider
    return type(f"Worker{profile.title().replace('-', '')}Spider", (WorkerSpider,), {
        "site_profile": PROFILES[profile], "__module__": __name__,
        "__doc__": f"A worker of {profile}.",
    })
