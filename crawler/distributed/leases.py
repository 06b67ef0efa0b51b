"""Leases: a request taken from the frontier stays in Redis, under its worker, until done.

scrapy-redis pops requests destructively, so a worker killed with ``kill -9`` lost what it
held. Here a pop moves the request into the worker's ``held`` hash in the same atomic step,
and the worker renews a heartbeat key every few seconds. When a request's outcome is durable
(its article committed, its links queued, or it failed for good) the lease is dropped. A
worker whose heartbeat expired is dead: any live worker moves its held requests back into the
frontier. The window is the heartbeat's lifetime (``REDIS_LEASE_SECONDS``).
"""

from __future__ import annotations

import itertools
import logging
import os
import socket
import uuid
from typing import Any

from crawler.distributed import keys
from crawler.distributed.outage import Patience

logger = logging.getLogger(__name__)

# Move the request with the best (lowest) score from the frontier into the held hash.
_TAKE = """
local found = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #found == 0 then return false end
redis.call('ZREM', KEYS[1], found[1])
redis.call('HSET', KEYS[2], ARGV[1], found[2] .. '\\n' .. found[1])
return found[1]
"""

# Put every request of a held hash back into the frontier at its score, and drop the hash.
_RETURN = """
local values = redis.call('HVALS', KEYS[2])
for _, value in ipairs(values) do
  local cut = string.find(value, '\\n', 1, true)
  redis.call('ZADD', KEYS[1], tonumber(string.sub(value, 1, cut - 1)),
             string.sub(value, cut + 1))
end
redis.call('DEL', KEYS[2])
return #values
"""


def new_worker_id() -> str:
    """Host, pid and a random part: unique across machines and restarts."""
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


class Leases:
    """The leases one worker holds on one site's requests."""

    def __init__(self, server: Any, site: str, worker: str, ttl_s: float,
                 patience: Patience | None = None) -> None:
        """``server``: a redis client; ``ttl_s``: how long a silent worker counts as alive;
        ``patience``: how Redis outages are waited out (none: calls fail at once)."""
        self.server = server
        self.patience = patience or Patience(server, 0.0)
        self.site = site
        self.worker = worker
        self.ttl_ms = max(1000, int(ttl_s * 1000))
        self.queue_key = keys.queue(site)
        self.held_key = keys.held(site, worker)
        self._ids = itertools.count(1)
        self._take = server.register_script(_TAKE)
        self._return = server.register_script(_RETURN)
        self.taken = 0
        self.done = 0
        self.reclaimed = 0
        self._children: dict[str, int] = {}
        """Leases whose response's requests are not all in Redis yet: how many are pending
        (Scrapy hands a callback's requests to the scheduler after the callback is done)."""
        self._finished: set[str] = set()
        """Leases whose callback is done: they end when their last request is queued."""
        self.broken: str | None = None
        """Why Redis failed this worker for good; from then on no lease is ended here (what
        is held goes back to the frontier, by this worker or by any other)."""

    def register(self) -> None:
        """Announce this worker (before its first take) and start its heartbeat."""
        self.server.sadd(keys.workers(self.site), self.worker)
        self.heartbeat()

    def heartbeat(self) -> None:
        """Renew this worker's claim to what it holds."""
        self.server.set(keys.alive(self.site, self.worker), b"1", px=self.ttl_ms)

    def take(self) -> tuple[str, bytes] | None:
        """(lease id, encoded request) of the frontier's first request, now held; or None."""
        lease = str(next(self._ids))
        data = self.patience.call("taking a request", self._take,
                                  keys=[self.queue_key, self.held_key], args=[lease])
        if data is None:
            return None
        self.taken += 1
        return lease, bytes(data)

    def release(self, lease: str | None) -> None:
        """The request under ``lease`` is done: forget it (not once Redis failed for good)."""
        if lease is None or self.broken is not None:
            return
        if self.patience.call("ending a lease", self.server.hdel, self.held_key, lease):
            self.done += 1

    def child_given(self, parent: str) -> None:
        """A request produced under ``parent``'s lease is on its way to the frontier."""
        self._children[parent] = self._children.get(parent, 0) + 1

    def child_queued(self, parent: str | None) -> None:
        """One of ``parent``'s requests is in Redis (or was a duplicate): the last one ends
        the parent's lease, if its callback is done (``release_after_children``)."""
        if parent is None or parent not in self._children:
            return
        self._children[parent] -= 1
        if self._children[parent] == 0:
            del self._children[parent]
            if parent in self._finished:
                self._finished.discard(parent)
                self.release(parent)

    def release_after_children(self, lease: str | None) -> None:
        """The callback of ``lease``'s response is done: end the lease now, or once its
        requests are all in Redis."""
        if lease is None:
            return
        if self._children.get(lease):
            self._finished.add(lease)
        else:
            self.release(lease)

    def held(self) -> int:
        """Requests this worker holds."""
        return int(self.server.hlen(self.held_key))

    def give_back(self) -> int:
        """Return everything this worker holds to the frontier and sign off (a clean stop)."""
        returned = int(self.patience.call("returning held requests", self._return,
                                          keys=[self.queue_key, self.held_key]))
        self.server.srem(keys.workers(self.site), self.worker)
        self.server.delete(keys.alive(self.site, self.worker))
        if returned:
            logger.info("returned %d unfinished requests of %s to the frontier", returned,
                        self.site)
        return returned

    def reclaim_dead(self) -> int:
        """Return the held requests of workers whose heartbeat expired; how many came back."""
        return int(self.patience.call("reclaiming dead workers' requests", self._reclaim_dead))

    def _reclaim_dead(self) -> int:
        back = 0
        for raw in self.server.smembers(keys.workers(self.site)):
            worker = raw.decode() if isinstance(raw, bytes) else str(raw)
            if worker == self.worker or self.server.exists(keys.alive(self.site, worker)):
                continue
            # Atomic per hash: two workers reclaiming at once return each request once.
            count = int(self._return(keys=[self.queue_key, keys.held(self.site, worker)]))
            self.server.srem(keys.workers(self.site), worker)
            if count:
                logger.warning("worker %s of %s stopped answering: %d of its requests are "
                               "back in the frontier", worker, self.site, count)
            back += count
        self.reclaimed += back
        return back

    def outstanding(self) -> int:
        """Requests queued or held by any worker of the site: zero means the crawl is done."""
        return int(self.patience.call("counting outstanding requests", self._outstanding))

    def _outstanding(self) -> int:
        total = int(self.server.zcard(self.queue_key))
        for raw in self.server.smembers(keys.workers(self.site)):
            worker = raw.decode() if isinstance(raw, bytes) else str(raw)
            total += int(self.server.hlen(keys.held(self.site, worker)))
        return total
