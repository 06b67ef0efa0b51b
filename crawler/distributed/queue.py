"""The scrapy-redis queue of a worker: a priority queue whose pops are leases."""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy_redis.queue import Base

from crawler.distributed.leases import Leases

LEASE_META_KEY = "ainews_lease"
"""Request meta: the lease under which this worker holds the request."""
PARENT_META_KEY = "ainews_parent_lease"
"""Request meta: the lease of the response that produced this request (ends once it is in
Redis); never stored with the request."""


class LeaseQueue(Base):  # type: ignore[misc]  # scrapy-redis ships no type hints
    """``SCHEDULER_QUEUE_CLASS`` of a worker: like scrapy-redis's PriorityQueue (a sorted set
    by ``-priority``), but a popped request stays in Redis under this worker's lease."""

    def __init__(self, server: Any, spider: Any, key: str, serializer: Any = None) -> None:
        """As scrapy-redis builds its queues; the spider carries the worker's leases."""
        super().__init__(server, spider, key, serializer)
        self.leases: Leases = spider.leases
        # One frontier key per site, whatever the scrapy-redis key settings say.
        self.key = self.leases.queue_key

    def __len__(self) -> int:
        return int(self.leases.patience.call("counting the frontier", self.server.zcard,
                                             self.key))

    def push(self, request: Request) -> None:
        """Queue ``request``; if it replaces one this worker held (a retry, a redirect), that
        lease ends once the new request is safely in Redis (RedisOutage when Redis stays
        away: the lease is kept, and the held request goes back to the frontier)."""
        previous = request.meta.pop(LEASE_META_KEY, None)  # not stored with the request
        parent = request.meta.pop(PARENT_META_KEY, None)
        try:
            self.leases.patience.call("queueing a request", self.server.execute_command,
                                      "ZADD", self.key, -request.priority,
                                      self._encode_request(request))
        except BaseException:
            if parent is not None:
                request.meta[PARENT_META_KEY] = parent
            raise
        self.leases.release(previous)
        self.leases.child_queued(parent)

    def pop(self, timeout: int = 0) -> Request | None:
        """The best request, now held under a lease (``timeout`` is not supported, as in
        scrapy-redis's own priority queue)."""
        taken = self.leases.take()
        if taken is None:
            return None
        lease, data = taken
        request: Request = self._decode_request(data)
        request.meta[LEASE_META_KEY] = lease
        return request
