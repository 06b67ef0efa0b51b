"""scrapy-redis's scheduler, kept current with Scrapy 2.19 (its last release predates 2.13)."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request
from scrapy.utils.misc import load_object
from scrapy_redis.scheduler import Scheduler

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
        """Queue ``request`` unless some worker has seen it (``dont_filter`` skips the test)."""
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        self.queue.push(request)
        return True

    def next_request(self) -> Request | None:
        """The frontier's best request, taken under this worker's lease."""
        request: Request | None = self.queue.pop(self.idle_before_close)
        if request is not None and self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request
