"""Advisory locks in the archive: one writer per site, whatever the crawl was called.

In a folder, ``flock`` locks end with the process that holds them, so a killed crawl never
leaves a lock behind, and a recycled pid can never keep one alive. On object storage, leased
claim objects stand in for them (``leased``).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import socket
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

from archive.errors import ArchiveError
from archive.location import Location

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


LEASE_SECONDS = 60.0
"""An object-storage lock whose holder has not renewed it for this long is abandoned (a killed
process, a lost machine): the next writer ignores it."""
_RENEW_EVERY = LEASE_SECONDS / 4


@contextlib.contextmanager
def leased(folder: Location, keys: Iterable[str], *, what: str,
           shared: bool = False) -> Iterator[None]:
    """The same locks on object storage, which has no ``flock``: each holder writes a claim
    object under ``folder/KEY/`` (named by the time it was made, then at random), lists the
    claims (S3 lists what was written: read-after-write consistency), and backs off when an
    older live claim conflicts with its own (any claim, for an exclusive holder; an exclusive
    one, for a shared holder). A thread renews the claim while the block runs; a claim not
    renewed for ``LEASE_SECONDS`` is abandoned. LockHeld when one is taken.
    """
    claims: list[Location] = []
    stop = threading.Event()
    try:
        for key in sorted(set(keys)):
            claims.append(_claim(folder / _UNSAFE.sub("_", key), key, what=what, shared=shared))
        renewer = threading.Thread(target=_renew, args=(claims, stop), daemon=True,
                                   name="ainews-lock-lease")
        renewer.start()
        yield
    finally:
        stop.set()
        for claim in claims:
            with contextlib.suppress(OSError, ArchiveError):
                claim.unlink()


def _claim(folder: Location, key: str, *, what: str, shared: bool) -> Location:
    mode = "shared" if shared else "exclusive"
    name = f"{time.time_ns():020d}-{uuid.uuid4().hex[:12]}-{mode}"
    mine = folder / name
    mine.write_text(_claim_text(what))
    now = time.time()
    for other in sorted(folder.files(), key=lambda c: c.name):
        if other.name >= name:
            break
        if not _live(other, now):
            continue
        if not shared or other.name.endswith("-exclusive"):
            with contextlib.suppress(OSError, ArchiveError):
                mine.unlink()
            holder = _holder_of(other)
            raise LockHeld(f"{what} cannot start: {holder} is writing the same site ({key}) "
                           "to this archive")
    return mine


def _claim_text(what: str) -> str:
    return json.dumps({"what": what, "host": socket.gethostname(), "pid": os.getpid(),
                       "renewed_at": time.time()})


def _live(claim: Location, now: float) -> bool:
    try:
        renewed = float(json.loads(claim.read_text()).get("renewed_at", 0))
    except (OSError, ArchiveError, ValueError, TypeError):
        return False  # gone meanwhile, or unreadable: no holder to respect
    return now - renewed < LEASE_SECONDS


def _holder_of(claim: Location) -> str:
    try:
        data = json.loads(claim.read_text())
        return f"pid {data.get('pid', '?')} on {data.get('host', '?')}"
    except (OSError, ArchiveError, ValueError):
        return "another process"


def _renew(claims: list[Location], stop: threading.Event) -> None:
    while not stop.wait(_RENEW_EVERY):
        for claim in claims:
            # A failed renewal is tried again next time; the lease outlasts several misses.
            with contextlib.suppress(OSError, ArchiveError, ValueError):
                claim.write_text(_claim_text(json.loads(claim.read_text()).get("what", "")))


def is_held(lock: Path) -> bool:
    """Whether another process holds the ``flock`` of the file ``lock`` now (probed without
    waiting; a lock this process holds through another descriptor counts as held too)."""
    fd = os.open(lock, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing releases a lock we took
    return False


def holders(folder: Path | Location) -> list[str]:
    """Who holds a lock in ``folder`` now (``pid 123`` / ``pid 123 on host``), for commands
    that must not run beside a writer."""
    if isinstance(folder, Location) and not folder.is_local:
        now = time.time()
        claims = [c for c in folder.files(recursive=True) if _live(c, now)]
        return sorted({_holder_of(claim) for claim in claims})
    path = folder.local_path if isinstance(folder, Location) else folder
    found = []
    for lock in sorted(path.glob("*.lock")) if path.is_dir() else []:
        if is_held(lock):
            found.append(f"pid {_holder(lock)}")
    return sorted(set(found))
