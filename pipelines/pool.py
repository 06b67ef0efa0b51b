"""A process pool for extraction: off the reactor thread, on every core, with a per-page timeout."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from extractor import Extracted
    from extractor.options import ExtractOptions

logger = logging.getLogger(__name__)


class ExtractionTimeout(Exception):
    """A page took longer than the per-page limit; its worker was stopped."""


def _context() -> multiprocessing.context.BaseContext:
    # forkserver, not fork: the crawl process runs threads (DNS, Delta Lake's runtime), and
    # forking a threaded process can deadlock. The server preloads the extractor once.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["pipelines.shielded", "extractor.article"])
    return context


PARENT_CHECK_SECONDS = 1.0


def init_worker(crawl_pid: int) -> None:
    """Worker initializer: ignore stop signals (the crawl drains its pool), exit once the crawl
    process is gone.

    A crawl killed with SIGKILL never tells its workers to stop, and a worker holds both ends
    of its task queue's pipe, so it would wait for work forever (and keep the forkserver
    alive with it): seen as orphaned processes piling up after kill -9.
    """

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)

    def watch() -> None:
        while True:
            time.sleep(PARENT_CHECK_SECONDS)
            if not _running(crawl_pid):
                os._exit(0)

    threading.Thread(target=watch, name="ainews-watch-crawl", daemon=True).start()


def _running(pid: int) -> bool:
    """Alive and not a zombie: a killed crawl stays a zombie until its parent reaps it, and a
    parent waiting for the crawl's output pipes (which the workers hold) never would."""
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):  # gone, or the pid is another user's now
        return False
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return True  # no /proc: trust kill(0)


# Pools that break this many times in a row (workers dying at start) are given up for inline.
_MAX_BROKEN = 3


class ExtractionPool:
    """Run ``extract_article`` in worker processes; a page over ``timeout_s`` is abandoned."""

    def __init__(self, workers: int, timeout_s: float) -> None:
        """Workers start on the first page, not before."""
        self.workers = max(1, workers)
        self.timeout_s = timeout_s
        self._executor: ProcessPoolExecutor | None = None
        self.restarts = 0
        self._broken_in_a_row = 0
        self.inline = False
        """True once the pool kept breaking: pages are then extracted in this process."""

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            # No max_tasks_per_child: on Python 3.11 the executor stopped replacing workers
            # that had reached it, and the crawl hung with pages waiting on no process.
            self._executor = ProcessPoolExecutor(
                self.workers, mp_context=_context(), initializer=init_worker,
                initargs=(os.getpid(),))
        return self._executor

    async def extract(self, html: str | bytes, url: str,
                      options: ExtractOptions) -> Extracted | None:
        """The page's extraction (None when it is no article); ExtractionTimeout when too slow."""
        for attempt in (1, 2):
            if self.inline:
                return _extract(html, url, options)
            executor = self._pool()
            future = asyncio.get_running_loop().run_in_executor(
                executor, _extract, html, url, options)
            try:
                article = await asyncio.wait_for(future, self.timeout_s)
                self._broken_in_a_row = 0
                return article
            except TimeoutError:
                self._restart(executor)
                raise ExtractionTimeout(
                    f"extraction took over {self.timeout_s:g} s: {url}") from None
            except BrokenProcessPool:
                # Another page's timeout stopped the workers under this one: try once more.
                if self._restart(executor):
                    self._broken_in_a_row += 1
                if self._broken_in_a_row >= _MAX_BROKEN and not self.inline:
                    self.inline = True
                    logger.error("extraction workers keep dying; extracting in the crawl "
                                 "process from now on")
                if attempt == 2 and not self.inline:
                    raise
        # Reached only when the pool was just given up on.
        return _extract(html, url, options)

    def _restart(self, executor: ProcessPoolExecutor) -> bool:
        """Stop the workers of ``executor`` (one may be stuck) so the next page gets fresh ones.

        False when a concurrent failure already replaced it.
        """
        if self._executor is not executor:
            return False
        self._executor = None
        self.restarts += 1
        # The executor cannot cancel a running task; killing its processes is the only way to
        # free a worker stuck in a pathological page. `_processes` is the executor's own map.
        for process in list((executor._processes or {}).values()):
            process.kill()
        executor.shutdown(wait=False, cancel_futures=True)
        return True

    def close(self) -> None:
        """Stop the workers."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None


def _extract(html: str | bytes, url: str, options: ExtractOptions) -> Extracted | None:
    # Imported here: the crawl process itself never needs trafilatura while the pool works
    # (workers have it preloaded by the forkserver).
    from extractor import extract_article

    return extract_article(html, url, options)
