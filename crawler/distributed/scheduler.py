"""scrapy-redis's scheduler, kept current with Scrapy 2.19 (its last release predates 2.13)."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request
from scrapy.utils.misc import load_object
from scrapy_redis.scheduler import Scheduler

from crawler.distributed.outage import RedisOutage, stop_for_outage
from crawler.distributed.queue import PARENT_META_KEY
from crawler.stat_keys import SCHEDULER_DEQUEUED, SCHEDULER_ENQUEUED

logger = logging.getLogger(__name__)


class RedisScheduler(Scheduler):  # type: ignore[misc]  # scrapy-redis ships no type hints
    """The same frontier and duplicate filter; counts stats without the ``spider`` argument
    Scrapy deprecated, and tells the engine what it dropped."""

    def open(self, spider: Any) -> None:
        """Open the site's frontier and seen-set (kept from earlier workers: a resumed crawl)."""
        self.spider = spider
        self.queue = load_object(self.queue_cls)(
            server=self.server, spider=spider, key=self.queue_key % {"spider": spider.name},
            serializer=self.serializer)
        if not getattr(self, "df", None):
            self.df = load_object(self.dupefilter_cls).from_spider(spider)
        if self.flush_on_start:
            self.flush()
        if len(self.queue):
            logger.info("frontier of %s: %d requests queued", spider.name, len(self.queue))

    def enqueue_request(self, request: Request) -> bool:
        """Queue ``request`` unless some worker has seen it (``dont_filter`` skips the test).

        Through a Redis outage the call waits (``REDIS_OUTAGE_SECONDS``); past it, the crawl
        stops as failed and the request that gave this one stays held, to be fetched again.
        """
        try:
            if not request.dont_filter and self.queue.leases.patience.call(
                    "checking the seen-set", self.df.request_seen, request):
                self.df.log(request, self.spider)
                self.queue.leases.child_queued(request.meta.pop(PARENT_META_KEY, None))
                return False
            self.queue.push(request)
        except RedisOutage as exc:
            self._outage(exc)
            return False
        if self.stats:
            self.stats.inc_value(SCHEDULER_ENQUEUED)
        return True

    def next_request(self) -> Request | None:
        """The frontier's best request, taken under this worker's lease."""
        try:
            request: Request | None = self.queue.pop(self.idle_before_close)
        except RedisOutage as exc:
            self._outage(exc)
            return None
        if request is not None and self.stats:
            self.stats.inc_value(SCHEDULER_DEQUEUED)
        return request

    def has_pending_requests(self) -> bool:
        """Whether the frontier holds requests (False once Redis failed for good)."""
        try:
            return len(self) > 0
        except RedisOutage as exc:
            self._outage(exc)
            return False

    def _outage(self, exc: RedisOutage) -> None:
        stop_for_outage(self.spider, exc)
