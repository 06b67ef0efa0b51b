"""Advisory locks in the archive folder: one writer per site, whatever the crawl was called.

``flock`` locks end with the process that holds them, so a killed crawl never leaves a lock
behind, and a recycled pid can never keep one alive.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from archive.errors import ArchiveError

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class LockHeld(ArchiveError):
    """Another process holds one of the locks."""


@contextlib.contextmanager
def exclusive(folder: Path, keys: Iterable[str], *, what: str,
              shared: bool = False) -> Iterator[None]:
    """Hold an exclusive lock per key in ``folder`` for the block; LockHeld when one is taken.

    ``what`` names the work in the message (``a crawl of demo-daily``). ``shared``: a lock
    any number of holders share (workers of one frontier) that still excludes an exclusive
    holder (a crawl on its own).
    """
    folder.mkdir(parents=True, exist_ok=True)
    held: list[int] = []
    try:
        for key in sorted(set(keys)):
            path = folder / (_UNSAFE.sub("_", key) + ".lock")
            # Read-only: a file held open for writing would keep the archive's filesystem from
            # being remounted read-only, and flock needs no write access.
            fd = os.open(path, os.O_RDONLY | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise LockHeld(f"{what} cannot start: pid {_holder(path)} is writing the same "
                               f"site ({key}) to this archive") from None
            held.append(fd)
            path.with_suffix(".pid").write_text(str(os.getpid()), encoding="ascii")
        yield
    finally:
        for fd in held:
            os.close(fd)


def _holder(lock: Path) -> str:
    try:
        return lock.with_suffix(".pid").read_text(encoding="ascii").strip() or "?"
    except OSError:
        return "?"
