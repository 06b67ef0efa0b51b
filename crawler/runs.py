"""Per-crawl shared state: the run id and one Archive object for every component of a crawl."""

from __future__ import annotations

import contextlib
import uuid
from weakref import WeakKeyDictionary

import pyarrow
from scrapy.crawler import Crawler

from archive import Archive

RUN_ID_STAT = "ainews/crawl_run_id"

_ARCHIVES: WeakKeyDictionary[Crawler, Archive] = WeakKeyDictionary()


def crawl_run_id(crawler: Crawler) -> str:
    """``CRAWL_RUN_ID`` when set, else an id made on first use and kept in the crawl's stats."""
    assert crawler.stats is not None
    current = crawler.stats.get_value(RUN_ID_STAT)
    if current is None:
        current = crawler.settings.get("CRAWL_RUN_ID") or uuid.uuid4().hex[:16]
        crawler.stats.set_value(RUN_ID_STAT, current)
    return str(current)


def crawl_archive(crawler: Crawler) -> Archive:
    """The crawl's Archive at ARCHIVE_URI, shared so its archived-URL set is loaded once."""
    archive = _ARCHIVES.get(crawler)
    if archive is None:
        _prefer_jemalloc()
        archive = _ARCHIVES[crawler] = Archive(crawler.settings["ARCHIVE_URI"])
    return archive


def _prefer_jemalloc() -> None:
    """Arrow's jemalloc pool for the crawl's appends: over 100 appends of 200 articles with
    their pages, the writer process held 279-315 MB with it against 309-337 MB with the
    default mimalloc pool (docs/benchmarks.md)."""
    # A pyarrow built without jemalloc keeps its default pool.
    with contextlib.suppress(NotImplementedError):
        pyarrow.set_memory_pool(pyarrow.jemalloc_memory_pool())
