"""Crawl progress: a live status line on a terminal, a periodic log line otherwise."""

from __future__ import annotations

import logging
import sys
import time
from typing import Any, ClassVar, TextIO

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from crawler.stat_keys import (
    ARCHIVE_ADDED,
    ARCHIVE_SKIPPED_ARCHIVED,
    ARCHIVE_UPDATED,
    EXTRACT_OK,
    INTERNAL_REFUSED,
    RESPONSE_COUNT,
    ROBOTS_FORBIDDEN,
    dropped_by_reason,
    errors,
)

logger = logging.getLogger(__name__)

# Requests a crawl chose not to make: counted apart, never as errors.
_SKIPS = (("archived", ARCHIVE_SKIPPED_ARCHIVED), ("robots", ROBOTS_FORBIDDEN),
          ("internal", INTERNAL_REFUSED))


def progress_line(stats: dict[str, Any], elapsed_s: float, pending: int | None,
                  rate_per_min: float) -> str:
    """One line: pages, articles extracted and stored, skips and drops by reason, errors,
    rate and ETA."""
    drops = " ".join(f"{reason}={count}"
                     for reason, count in sorted(dropped_by_reason(stats).items()))
    skips = " ".join(f"{name}={stats[key]}" for name, key in _SKIPS if stats.get(key))
    line = (
        f"{stats.get(RESPONSE_COUNT, 0)} pages | "
        f"articles {stats.get(EXTRACT_OK, 0)} extracted, {stats.get(ARCHIVE_ADDED, 0)} new "
        f"{stats.get(ARCHIVE_UPDATED, 0)} updated | skipped {skips or 0} | "
        f"dropped {drops or 0} | errors {errors(stats)} | {rate_per_min:.0f} pages/min"
    )
    if pending:
        eta = pending / rate_per_min * 60 if rate_per_min > 0 else None
        line += f" | {pending} queued" + (f", ETA {_duration(eta)}" if eta is not None else "")
    return line + f" | {_duration(elapsed_s)}"


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    return f"{seconds // 60}m{seconds % 60:02d}s"


class ProgressDisplay:
    """PROGRESS = ``auto`` (live line when stderr is a terminal, else log lines), ``live``,
    ``log`` or ``off``; log lines come every PROGRESS_LOG_INTERVAL seconds."""

    stream: ClassVar[TextIO | None] = None
    """Where the live line goes; None means standard error."""

    def __init__(self, crawler: Crawler, live: bool, interval_s: float) -> None:
        """Keep the crawler; ticking starts when the spider opens."""
        self.crawler = crawler
        self.live = live
        self.interval_s = interval_s
        self.started = time.monotonic()
        self.window: list[tuple[float, int]] = []
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressDisplay:
        """Choose the mode from PROGRESS."""
        mode = crawler.settings.get("PROGRESS", "auto")
        if mode == "off":
            raise NotConfigured
        out = cls.stream or sys.stderr
        live = mode == "live" or (mode == "auto" and out.isatty())
        interval = 0.5 if live else crawler.settings.getfloat("PROGRESS_LOG_INTERVAL", 30.0)
        display = cls(crawler, live, interval)
        crawler.signals.connect(display.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(display.spider_closed, signal=signals.spider_closed)
        return display

    def spider_opened(self) -> None:
        """Start ticking."""
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.tick)
        self.loop.start(self.interval_s, now=False)

    def spider_closed(self) -> None:
        """Stop ticking; leave the last line on the terminal."""
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.tick()
        if self.live:
            (self.stream or sys.stderr).write("\n")

    def tick(self) -> None:
        """Draw or log the current line."""
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        now = time.monotonic()
        pages = int(stats.get(RESPONSE_COUNT, 0))
        self.window = [*self.window, (now, pages)][-20:]
        first_time, first_pages = self.window[0]
        span = now - first_time
        rate = (pages - first_pages) / span * 60 if span > 0 else 0.0
        line = progress_line(stats, now - self.started, self._pending(), rate)
        if self.live:
            out = self.stream or sys.stderr
            out.write("\r\x1b[K" + line)
            out.flush()
        else:
            logger.info("progress: %s", line)

    def _pending(self) -> int | None:
        engine = self.crawler.engine
        scheduler = engine.scheduler if engine is not None else None
        try:
            return len(scheduler) if scheduler is not None else None  # type: ignore[arg-type]
        except TypeError:  # a scheduler without a length (scrapy-redis, custom ones)
            return None
