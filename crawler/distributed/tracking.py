"""Ending each lease once its request's outcome is durable, and keeping the worker alive.

A request's lease ends when: its article is committed (``articles_committed``); its page gave
no article (the callback's output was all handed on: links are in Redis by then); it failed
for good or was refused (robots.txt, archived URL, an internal address); it was dropped as a
duplicate; or it was replaced by a retry or a redirect (``LeaseQueue.push``). Anything still
held when the worker stops cleanly goes back to the frontier.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Iterable
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from twisted.internet import task

from crawler import signals as ainews_signals
from crawler.distributed.leases import Leases
from crawler.distributed.outage import RedisOutage, stop_for_outage
from crawler.distributed.queue import LEASE_META_KEY, PARENT_META_KEY
from crawler.items import Article, Page
from crawler.stat_keys import (
    WORKER_LEASES_DONE,
    WORKER_LEASES_RECLAIMED,
    WORKER_LEASES_RETURNED,
    WORKER_LEASES_TAKEN,
    WORKER_REDIS_OUTAGE,
)

logger = logging.getLogger(__name__)


def _leases(crawler: Crawler) -> Leases | None:
    spider = getattr(crawler, "spider", None)
    leases = getattr(spider, "leases", None)
    return leases if isinstance(leases, Leases) else None


def _lease_of(item: Any) -> str | None:
    if isinstance(item, Article):
        return item.lease
    if isinstance(item, Page):
        return item.lease
    return None


class LeaseDownloaderMiddleware:
    """Outermost downloader middleware of a worker: a request that failed for good (or that a
    middleware refused) has nothing more to do."""

    def __init__(self, crawler: Crawler) -> None:
        """Keep the crawler: its spider holds the leases."""
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LeaseDownloaderMiddleware:
        """Build for a crawl."""
        return cls(crawler)

    def process_exception(self, request: Request, exception: BaseException) -> None:
        """Release the failed request's lease; the failure itself goes on as before."""
        _end(self.crawler, request.meta.get(LEASE_META_KEY))


class LeaseSpiderMiddleware:
    """Outermost spider middleware of a worker: hands a response's lease to the page it gave,
    or releases it once the callback's output is all handed on."""

    def __init__(self, crawler: Crawler) -> None:
        """Keep the crawler: its spider holds the leases."""
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LeaseSpiderMiddleware:
        """Build for a crawl."""
        return cls(crawler)

    async def process_spider_output_async(self, response: Response,
                                          result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        """Pass the output on; a Page takes the lease (released when it is committed); the
        requests carry it (released once they are all in Redis: Scrapy schedules them after
        the callback is done, and a worker killed in between lost them for good)."""
        lease = response.meta.get(LEASE_META_KEY)
        handed = False
        async for output in result:
            handed = self._mark(lease, output, handed)
            yield output
        if not handed:
            self._release_after_children(lease)

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterable[Any]:
        """The same for callbacks that are plain generators."""
        lease = response.meta.get(LEASE_META_KEY)
        handed = False
        for output in result:
            handed = self._mark(lease, output, handed)
            yield output
        if not handed:
            self._release_after_children(lease)

    def _mark(self, lease: str | None, output: Any, handed: bool) -> bool:
        leases = _leases(self.crawler)
        if lease is None or leases is None:
            return handed
        if isinstance(output, Page) and not handed:
            output.lease = lease
            return True
        if isinstance(output, Request):
            output.meta[PARENT_META_KEY] = lease
            leases.child_given(lease)
        return handed

    def _release_after_children(self, lease: str | None) -> None:
        leases = _leases(self.crawler)
        if leases is None or lease is None:
            return
        try:
            leases.release_after_children(lease)
        except RedisOutage as exc:
            stop_for_outage(self.crawler.spider, exc)

    def process_spider_exception(self, response: Response, exception: BaseException) -> None:
        """A callback that crashed will crash again: its request is done."""
        self._release(response.meta.get(LEASE_META_KEY))

    def _release(self, lease: str | None) -> None:
        _end(self.crawler, lease)


def _end(crawler: Crawler, lease: str | None) -> None:
    """End ``lease``; a Redis gone for good stops the worker and keeps the lease."""
    leases = _leases(crawler)
    if leases is None or lease is None:
        return
    try:
        leases.release(lease)
    except RedisOutage as exc:
        stop_for_outage(crawler.spider, exc)


class LeaseKeeper:
    """Extension of a worker: heartbeat and reclaiming of dead workers' requests; lease ends
    on commits, drops and duplicates; everything still held goes back on a clean stop."""

    def __init__(self, crawler: Crawler) -> None:
        """Connect to the crawl's signals."""
        self.crawler = crawler
        self._loop: task.LoopingCall | None = None
        self._stop_heart = threading.Event()
        self._heart: threading.Thread | None = None
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)
        crawler.signals.connect(self.dropped, signal=signals.request_dropped)
        crawler.signals.connect(self.item_done, signal=signals.item_dropped)
        crawler.signals.connect(self.item_done, signal=signals.item_error)
        crawler.signals.connect(self.committed, signal=ainews_signals.articles_committed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LeaseKeeper:
        """Only for worker spiders (those with leases)."""
        if not crawler.settings.get("REDIS_URL"):
            raise NotConfigured
        return cls(crawler)

    def opened(self, spider: Spider) -> None:
        """Register, reclaim what dead workers held, and keep the heartbeat going."""
        leases = _leases(self.crawler)
        if leases is None:
            return
        try:
            leases.patience.watch()
            leases.register()
            leases.reclaim_dead()
        except RedisOutage as exc:
            stop_for_outage(spider, exc)
            return
        interval = max(0.5, leases.ttl_ms / 1000 / 5)
        # The heartbeat says "this process lives", so it beats on a thread of its own: on the
        # reactor, a few seconds of extraction or a slow commit on a loaded machine let it
        # lapse, and other workers took back (and fetched again) requests still being done.
        self._heart = threading.Thread(target=self._beat, args=(leases, interval),
                                       name="ainews-heartbeat", daemon=True)
        self._heart.start()
        self._loop = task.LoopingCall(self._reclaim, leases)
        self._loop.start(interval, now=False)

    def _beat(self, leases: Leases, interval: float) -> None:
        while not self._stop_heart.wait(interval):
            try:
                leases.heartbeat()
            except Exception as exc:  # a Redis restart must not end the heartbeat
                logger.warning("heartbeat to Redis failed: %s", exc)

    def _reclaim(self, leases: Leases) -> None:
        try:
            leases.reclaim_dead()
        except RedisOutage as exc:
            stop_for_outage(self.crawler.spider, exc)
        except Exception as exc:  # nor a failed reclaim the loop that retries it
            logger.warning("reclaiming dead workers' requests failed: %s", exc)

    def closed(self, spider: Spider, reason: str) -> None:
        """After the pipelines' last commit: return what is still held."""
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        self._stop_heart.set()
        if self._heart is not None:
            self._heart.join(timeout=5)
        leases = _leases(self.crawler)
        if leases is None:
            return
        try:
            returned = leases.give_back()
        except RedisOutage as exc:
            returned = 0
            logger.error("%s: the requests this worker holds stay in Redis; any worker takes "
                         "them back once this one's heartbeat lapses", exc)
            if self.crawler.stats is not None:
                self.crawler.stats.set_value(WORKER_REDIS_OUTAGE, str(exc))
        stats = self.crawler.stats
        if stats is not None:
            stats.set_value(WORKER_LEASES_TAKEN, leases.taken)
            stats.set_value(WORKER_LEASES_DONE, leases.done)
            stats.set_value(WORKER_LEASES_RETURNED, returned)
            stats.set_value(WORKER_LEASES_RECLAIMED, leases.reclaimed)

    def dropped(self, request: Request) -> None:
        """A duplicate (already seen by some worker) never enters the frontier."""
        self._release(request.meta.get(LEASE_META_KEY))
        leases = _leases(self.crawler)
        if leases is not None:
            try:
                leases.child_queued(request.meta.pop(PARENT_META_KEY, None))
            except RedisOutage as exc:
                stop_for_outage(self.crawler.spider, exc)

    def item_done(self, item: Any) -> None:
        """A page that gave no article, or failed, is done."""
        self._release(_lease_of(item))

    def committed(self, articles: Iterable[Article]) -> None:
        """Committed articles are durable."""
        for article in articles:
            self._release(article.lease)

    def _release(self, lease: str | None) -> None:
        _end(self.crawler, lease)
