"""Per-crawl shared state: the run id and one archive handle for every component of a crawl."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, TypeAlias
from weakref import WeakKeyDictionary

from scrapy import signals
from scrapy.crawler import Crawler

from archive.process import ArchiveProcess
from crawler.stat_keys import RUN_ID

if TYPE_CHECKING:
    from archive.store import Archive

CrawlArchive: TypeAlias = "Archive | ArchiveProcess"
"""What crawl components talk to: the archive served by a process of its own (the default,
``ARCHIVE_PROCESS``) or, with that setting off, an Archive in the crawl process."""


_ARCHIVES: WeakKeyDictionary[Crawler, CrawlArchive] = WeakKeyDictionary()


def crawl_run_id(crawler: Crawler) -> str:
    """``CRAWL_RUN_ID`` when set, else an id made on first use and kept in the crawl's stats."""
    assert crawler.stats is not None
    current = crawler.stats.get_value(RUN_ID)
    if current is None:
        current = crawler.settings.get("CRAWL_RUN_ID") or uuid.uuid4().hex[:16]
        crawler.stats.set_value(RUN_ID, current)
    return str(current)


def crawl_archive(crawler: Crawler) -> CrawlArchive:
    """The crawl's archive at ARCHIVE_URI, shared so its archived-URL set is loaded once."""
    archive = _ARCHIVES.get(crawler)
    if archive is None:
        settings = crawler.settings
        if settings.getbool("ARCHIVE_PROCESS"):
            served = ArchiveProcess(settings["ARCHIVE_URI"],
                                    settings.getint("ARCHIVE_PROCESS_RECYCLE"))
            # After spider_closed, where the pipeline commits its last batch and the run is
            # recorded.
            crawler.signals.connect(served.close, signal=signals.engine_stopped)
            archive = served
        else:
            archive = _local_archive(settings["ARCHIVE_URI"])
        _ARCHIVES[crawler] = archive
    return archive


def _local_archive(uri: str) -> Archive:
    from archive.store import Archive
    from archive.tables import prefer_jemalloc

    prefer_jemalloc()
    return Archive(uri)
