"""One site's delay across every worker: a shared per-host slot in Redis.

Scrapy's delay is per process: three workers with ``DOWNLOAD_DELAY = 1`` would send three
requests a second. Here every request to a host first reserves the next free instant of that
host's slot (an atomic step on the Redis server's clock, so machines need not agree on the
time) and waits for it. The workers' own Scrapy delay still applies on top.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.distributed import keys

logger = logging.getLogger(__name__)

# Reserve the slot: start at max(now, next free instant); the next request may start `delay`
# later. Returns the wait in microseconds. The key expires a minute after it stops mattering.
_RESERVE = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000000 + tonumber(now_parts[2])
local delay = tonumber(ARGV[1])
local free = tonumber(redis.call('GET', KEYS[1]) or '0')
local start = math.max(now, free)
redis.call('SET', KEYS[1], tostring(start + delay), 'PX',
           math.floor((start + delay - now) / 1000) + 60000)
return start - now
"""


class SharedSlotMiddleware:
    """Downloader middleware of a worker: wait for the host's shared slot before a request."""

    def __init__(self, server: Any, delay_s: float) -> None:
        """``delay_s``: the site's delay between requests, across all workers."""
        self.delay_us = int(delay_s * 1_000_000)
        self._reserve = server.register_script(_RESERVE)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedSlotMiddleware:
        """Only in workers (``REDIS_URL`` set) with a delay."""
        settings = crawler.settings
        if not settings.get("REDIS_URL") or settings.getfloat("DOWNLOAD_DELAY") <= 0:
            raise NotConfigured
        from scrapy_redis.connection import get_redis_from_settings

        return cls(get_redis_from_settings(settings), settings.getfloat("DOWNLOAD_DELAY"))

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        """Reserve this host's next slot and sleep until it comes."""
        host = urlsplit(request.url).netloc.lower()
        wait_us = int(self._reserve(keys=[keys.slot(host)], args=[self.delay_us]))
        logger.debug("slot of %s: %s waits %d us", host, request.url, wait_us)
        if wait_us > 0:
            await asyncio.sleep(wait_us / 1_000_000)
