"""An Archive served by a process of its own, so a long crawl's process stays small.

The Delta writer stack (delta-rs, Arrow, DuckDB, pandas via pyarrow.dataset) costs a crawl
process ~150 MB on import and grows with every commit in native memory Python cannot return.
``ArchiveProcess`` runs the Archive in a child process instead, replaced after a number of
appends so that growth is dropped with it. Only this module and plain values (``UrlHashSet``,
``AppendResult``, ``Revisit``, builtins) are loaded on the crawl's side.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar

from archive.errors import ArchiveError
from archive.location import Location
from archive.results import AppendResult
from archive.urlset import UrlHashSet, article_hash

logger = logging.getLogger(__name__)
T = TypeVar("T")

RECYCLE_AFTER = 50
"""Appends served by one child before it is replaced (50 × 200 articles by default)."""


class ArchiveProcess:
    """The parts of ``Archive`` a crawl uses, each call run by a child process.

    Calls block until the child answers; a child that died raises ArchiveError once and is
    started again on the next call. What a child committed before it died stays committed.
    """

    def __init__(self, root: str | Path | Location, recycle_after: int = RECYCLE_AFTER) -> None:
        """Serve the archive at ``root``; the child starts on the first call."""
        self.root = Location(root)
        self.recycle_after = max(1, recycle_after)
        self._process: subprocess.Popen[bytes] | None = None
        self._conn: Connection | None = None
        self._appends = 0
        self._lock = threading.Lock()
        self._url_hashes: UrlHashSet | None = None
        self.children_started = 0

    # ---- the Archive interface a crawl uses ---------------------------------------------------

    def archived_url_hashes(self) -> UrlHashSet:
        """The archived-URL set: fetched once from the child, kept current by ``append``."""
        if self._url_hashes is None:
            self._url_hashes = self._call("archived_url_hashes")
        return self._url_hashes

    def append(self, rows: Iterable[Mapping[str, Any]],
               pages: Iterable[Mapping[str, Any]] = ()) -> AppendResult:
        """``Archive.append`` in the child (one commit); the local URL set learns the rows."""
        rows, pages = list(rows), list(pages)
        result: AppendResult = self._call("append", rows, pages)
        if self._url_hashes is not None:
            for row in rows:
                self._url_hashes.add(article_hash(str(row["url"]), row.get("canonical_url")))
        with self._lock:
            self._appends += 1
            if self._appends >= self.recycle_after:
                # Native memory the writer stack keeps leaves with the process.
                self._stop_child()
        return result

    def record_run(self, run: Mapping[str, Any]) -> None:
        """``Archive.record_run`` in the child."""
        self._call("record_run", dict(run))

    def run(self, function: Callable[..., T], *args: Any) -> T:
        """``function(archive, *args)`` in the child; ``function`` must be importable by name
        and return plain values."""
        result: T = self._call("run", function, *args)
        return result

    def close(self) -> None:
        """Stop the child after its current call; safe to call twice."""
        with self._lock:
            self._stop_child()

    @property
    def pid(self) -> int | None:
        """The current child's process id, if one is running."""
        process = self._process
        return process.pid if process is not None and process.poll() is None else None

    # ---- plumbing -----------------------------------------------------------------------------

    def _call(self, method: str, *args: Any) -> Any:
        with self._lock:
            conn = self._ensure_child()
            try:
                conn.send((method, args))
                status, value = conn.recv()
            except (EOFError, OSError) as exc:
                self._stop_child()
                raise ArchiveError(f"archive process for {self.root} died during {method}") \
                    from exc
        if status == "error":
            raise value if isinstance(value, Exception) else ArchiveError(str(value))
        return value

    def _ensure_child(self) -> Connection:
        if self._conn is not None and self._process is not None and self._process.poll() is None:
            return self._conn
        self._stop_child()
        # A fresh interpreter rather than multiprocessing's spawn, which re-runs the parent's
        # main script in the child (a crawl script without a __main__ guard would crawl again).
        ours, theirs = socket.socketpair()
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        process = subprocess.Popen(
            # -P: never import an `archive` folder that happens to be in the working directory.
            [sys.executable, "-P", "-m", "archive.process", str(theirs.fileno()), str(self.root)],
            pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, env=env,
        )
        theirs.close()
        self._process, self._conn, self._appends = process, Connection(ours.detach()), 0
        self.children_started += 1
        logger.debug("archive process %s started for %s", process.pid, self.root)
        return self._conn

    def _stop_child(self) -> None:
        conn, process = self._conn, self._process
        self._conn = self._process = None
        if conn is not None:
            with contextlib.suppress(OSError):
                conn.send(None)  # the child finishes its loop and exits
            conn.close()
        if process is not None:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                logger.warning("archive process %s did not stop; killing it", process.pid)
                process.kill()
                process.wait()


def serve(root: str, conn: Connection) -> None:
    """The child's loop: run each call on one Archive until told to stop or the crawl is gone."""
    # Ctrl-C reaches the whole process group: the crawl stops cleanly and closes us after its
    # last commit; dying here first would lose that commit.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    from archive.store import Archive
    from archive.tables import prefer_jemalloc

    prefer_jemalloc()
    archive = Archive(root)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return  # the crawl process is gone (killed): what was committed stays
        if message is None:
            return
        method, args = message
        try:
            if method == "run":
                function, *rest = args
                value = function(archive, *rest)
            else:
                value = getattr(archive, method)(*args)
            reply: tuple[str, Any] = ("ok", value)
        except ArchiveError as exc:
            reply = ("error", exc)
        except Exception as exc:  # sent back whole: the crawl logs it like a local failure
            reply = ("error", ArchiveError(f"{method} failed: {exc!r}"))
        try:
            conn.send(reply)
        except (OSError, ValueError):
            return


if __name__ == "__main__":
    serve(sys.argv[2], Connection(int(sys.argv[1])))
