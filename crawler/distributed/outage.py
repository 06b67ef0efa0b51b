"""Riding out a Redis outage: calls retried with backoff for a bounded time, then a loud stop.

A worker that loses Redis must neither finish as if the crawl were done nor drop what it was
doing: each Redis call of the frontier, the seen-set and the leases goes through ``Patience``,
which retries connection failures with backoff (logged once when the outage starts and once
when it ends) for ``REDIS_OUTAGE_SECONDS``, then raises ``RedisOutage``. A full or read-only
Redis is refused at once: waiting does not free memory. A Redis that came back empty (a
restart without persistence) is noticed by its run id and the missing site registry.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

import redis

from crawler.distributed import keys
from crawler.stat_keys import WORKER_REDIS_OUTAGE

logger = logging.getLogger(__name__)
T = TypeVar("T")

BACKOFF_START_S = 0.2
BACKOFF_MAX_S = 5.0


class RedisOutage(Exception):
    """Redis did not answer for the whole patience, refused a write, or lost the frontier."""


_TRANSIENT = (redis.ConnectionError, redis.TimeoutError)
# Refusals that waiting does not cure: memory full, a replica, a failed background save.
_REFUSALS = ("OOM", "READONLY", "MISCONF")
_REFUSED = (redis.exceptions.OutOfMemoryError, redis.exceptions.ReadOnlyError)


class Patience:
    """Retries of one worker's Redis calls through an outage, bounded in time."""

    def __init__(self, server: Any, seconds: float, sleep: Callable[[float], None] = time.sleep,
                 ) -> None:
        """``server``: the redis client whose restarts are watched; ``seconds``: how long an
        outage is waited out."""
        self.server = server
        self.seconds = seconds
        self.sleep = sleep
        self.outages = 0
        self.run_id: str | None = None

    def watch(self) -> None:
        """Remember Redis's run id: a later one means Redis restarted."""
        self.run_id = self.call("reading Redis's run id", self._current_run_id)

    def _current_run_id(self) -> str | None:
        info = self.server.info("server")
        value = info.get("run_id") if isinstance(info, dict) else None
        return str(value) if value else None

    def call(self, what: str, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``function(*args, **kwargs)``, retried while Redis is unreachable; RedisOutage when
        it stays so for ``seconds`` or refuses the call."""
        deadline: float | None = None
        delay = BACKOFF_START_S
        while True:
            try:
                result = function(*args, **kwargs)
            except redis.ResponseError as exc:
                if isinstance(exc, _REFUSED) or str(exc).startswith(_REFUSALS):
                    raise RedisOutage(f"Redis refused {what}: {exc}") from None
                raise
            except _TRANSIENT as exc:
                if isinstance(exc, redis.AuthenticationError):
                    raise RedisOutage(f"Redis refused {what}: {exc}") from None
                now = time.monotonic()
                if deadline is None:
                    deadline = now + self.seconds
                    self.outages += 1
                    logger.warning("Redis unreachable while %s (%s): retrying for up to %.0f s",
                                   what, exc, self.seconds)
                if now >= deadline:
                    raise RedisOutage(f"Redis unreachable for {self.seconds:.0f} s while {what}: "
                                      f"{exc}") from None
                self.sleep(min(delay, max(0.0, deadline - now)))
                delay = min(delay * 2, BACKOFF_MAX_S)
                continue
            if deadline is not None:
                logger.warning("Redis answers again (%s)", what)
                self.check_restart()
            return result

    def check_restart(self) -> None:
        """After an outage: a restarted Redis that lost the site registry lost the frontier,
        the seen-set and the leases with it; going on would finish a crawl that is not done."""
        if self.run_id is None:
            return
        try:
            current = self._current_run_id()
            registry = bool(self.server.exists(keys.SITES))
        except redis.RedisError:
            return  # unreachable again: the next call waits it out
        if current != self.run_id and not registry:
            raise RedisOutage("Redis restarted and lost its data (no persistence): the "
                              "frontier is gone; seed the site again (`ainews crawl SITE "
                              "--redis URL`): archived articles are skipped")
        self.run_id = current


def stop_for_outage(spider: Any, exc: RedisOutage) -> None:
    """Stop the worker's crawl as failed, once: nothing more can be queued or ended."""
    leases = getattr(spider, "leases", None)
    if leases is None or leases.broken is not None:
        return
    leases.broken = str(exc)
    logger.error("%s; stopping: what this worker holds stays in Redis for any worker", exc)
    crawler = getattr(spider, "crawler", None)
    if crawler is None:
        return
    if crawler.stats is not None:
        crawler.stats.set_value(WORKER_REDIS_OUTAGE, str(exc))
    if crawler.engine is not None:
        from scrapy.utils.defer import deferred_from_coro

        deferred_from_coro(crawler.engine.close_spider_async(reason="redis_outage"))
