"""Per-run job directories: Scrapy's JOBDIR for one crawl, so an interrupted crawl can resume."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

RUNNING, INTERRUPTED = "running", "interrupted"


class JobError(Exception):
    """A crawl cannot start: another one of the same site is running."""


@dataclass(frozen=True, slots=True)
class Job:
    """One crawl's job directory and what became of it."""

    path: Path
    status: str
    pid: int | None

    def mark(self, status: str) -> Job:
        """Record ``status`` (written atomically: a crash never leaves half a state file).

        A running job also holds a lock on its directory until this process ends, which tells
        a live crawl from a dead one whose pid the system has given to another process.
        """
        if status == RUNNING:
            _hold(self.path)
        state = {"status": status, "pid": os.getpid(), "updated_at": datetime.now(UTC).isoformat()}
        temporary = self.path / "state.json.tmp"
        temporary.write_text(json.dumps(state), encoding="utf-8")
        os.replace(temporary, self.path / "state.json")
        return Job(self.path, status, os.getpid())

    def finish(self) -> None:
        """A finished crawl's queue is spent: remove the directory."""
        fd = _HELD.pop(self.path, None)
        if fd is not None:
            os.close(fd)
        shutil.rmtree(self.path, ignore_errors=True)


def _read(path: Path) -> Job | None:
    try:
        state = json.loads((path / "state.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return Job(path, str(state.get("status")), state.get("pid"))


_HELD: dict[Path, int] = {}


def _hold(path: Path) -> None:
    if path not in _HELD:
        fd = os.open(path / "lock", os.O_RDONLY | os.O_CREAT, 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        _HELD[path] = fd


def _alive(job: Job) -> bool:
    if job.path in _HELD:
        return False  # ours
    lock = job.path / "lock"
    if lock.exists():
        fd = os.open(lock, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(fd)  # closing releases a lock we took
        return False
    # A job directory from before job locks: its pid is all there is to go by.
    pid = job.pid
    if not pid or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def jobs_of(root: Path, site: str) -> list[Job]:
    """The site's job directories, oldest first."""
    folder = root / site
    if not folder.is_dir():
        return []
    found = (_read(path) for path in sorted(folder.iterdir()) if path.is_dir())
    return [job for job in found if job is not None]


def open_job(root: Path, site: str, *, resume: bool) -> tuple[Job, str]:
    """The job directory for a new crawl of ``site`` (or the interrupted one, with ``resume``).

    Returns the job and a line for the operator. A directory left by a killed process is
    removed rather than resumed: its queue may name requests whose items were never
    committed; a fresh crawl refetches exactly those, because the archive skips the rest.
    """
    message = ""
    resumable: Job | None = None
    for job in jobs_of(root, site):
        if job.status == RUNNING and _alive(job):
            raise JobError(f"a crawl of {site} is already running (pid {job.pid}, {job.path})")
        if job.status == INTERRUPTED:
            resumable = job
        else:
            message = f"the crawl in {job.path} was killed; starting afresh"
            job.finish()
    if resume and resumable is not None:
        for job in jobs_of(root, site):
            if job.path != resumable.path:
                job.finish()
        return resumable.mark(RUNNING), f"resuming the interrupted crawl in {resumable.path}"
    if resume:
        message = message or f"no interrupted crawl of {site} to resume; starting afresh"
    elif resumable is not None:
        message = f"an interrupted crawl of {site} is kept in {resumable.path} (--resume)"
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    path = root / site / f"{stamp}-{os.getpid()}"
    path.mkdir(parents=True, exist_ok=False)
    return Job(path, RUNNING, None).mark(RUNNING), message
