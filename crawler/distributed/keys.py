"""Every Redis key ainews uses, in one place (the prefix keeps them apart from other users)."""

from __future__ import annotations

PREFIX = "ainews"

SITES = f"{PREFIX}:sites"
"""Set of the sites seeded into this Redis: what a worker with no SITE arguments serves."""


def queue(site: str) -> str:
    """The site's frontier: a sorted set of pickled requests, by priority."""
    return f"{PREFIX}:{site}:requests"


def dupefilter(site: str) -> str:
    """The site's seen-request fingerprints (scrapy-redis's duplicate filter)."""
    return f"{PREFIX}:{site}:dupefilter"


def workers(site: str) -> str:
    """Set of worker ids that may hold leases of the site's requests."""
    return f"{PREFIX}:{site}:workers"


def held(site: str, worker: str) -> str:
    """Hash of the requests one worker took and has not finished: lease id → score, data."""
    return f"{PREFIX}:{site}:held:{worker}"


def alive(site: str, worker: str) -> str:
    """The worker's heartbeat; it expires when the worker stops renewing it."""
    return f"{PREFIX}:{site}:alive:{worker}"


def slot(host: str) -> str:
    """When the next request to ``host`` may start, shared by every worker (seconds)."""
    return f"{PREFIX}:slot:{host}"


# scrapy-redis formats its key settings with the spider's name, which a worker sets to the
# site's: these patterns give the same keys as ``queue`` and ``dupefilter`` above.
QUEUE_PATTERN = f"{PREFIX}:%(spider)s:requests"
DUPEFILTER_PATTERN = f"{PREFIX}:%(spider)s:dupefilter"
