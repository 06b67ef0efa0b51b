"""Per-run job directories: Scrapy's JOBDIR for one crawl, so an interrupted crawl can resume.

A job records what it needs to continue (``JobSpec``: the archive, the target, discovery or a
profile, the settings given) and lives under a folder keyed by its archive, so no other
archive's crawl can take it and the printed resume command works when pasted.
"""

from __future__ import annotations

import dataclasses
import fcntl
import hashlib
import json
import os
import shlex
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from archive.locks import is_held

RUNNING, INTERRUPTED = "running", "interrupted"


class JobError(Exception):
    """A crawl cannot start: another one of the same site is running."""


@dataclass(frozen=True, slots=True)
class JobSpec:
    """What a crawl was started with: enough to continue it, and to say how."""

    target: str
    """The profile name or start URL as given."""
    archive: str
    """The archive, resolved: an absolute folder or an ``s3://`` URL."""
    discover: bool = False
    base_url: str | None = None
    pairs: tuple[str, ...] = ()
    """``--set KEY=VALUE`` settings."""
    allow_private: bool = False
    jobs_dir: str | None = None
    """``--jobs-dir`` when one was given (absolute)."""

    def command(self, program: str = "ainews") -> str:
        """The ``ainews crawl … --resume`` line that continues this crawl, quoted for a shell;
        ``program`` is how a shell reaches ainews (already quoted)."""
        words = ["--archive", self.archive, "crawl", self.target]
        if self.discover:
            words.append("--discover")
        if self.base_url:
            words += ["--base-url", self.base_url]
        for pair in self.pairs:
            words += ["--set", pair]
        if self.allow_private:
            words.append("--allow-private")
        if self.jobs_dir:
            words += ["--jobs-dir", self.jobs_dir]
        return f"{program} {shlex.join([*words, '--resume'])}"

    def conflict(self, other: JobSpec) -> str | None:
        """How ``other`` (a resume) differs from this job in what it crawls, or None: the
        archive, the target, discovery and the base URL must match; settings may change."""
        for name in ("archive", "target", "discover", "base_url"):
            if getattr(self, name) != getattr(other, name):
                return name.replace("_", "-")
        return None


def archive_key(archive: str) -> str:
    """A folder name for the jobs of one archive: its last path part and a hash of it all."""
    name = archive.rstrip("/").rsplit("/", 1)[-1] or "archive"
    digest = hashlib.sha256(archive.encode("utf-8")).hexdigest()[:10]
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[:40]
    return f"{safe}-{digest}"


def read_spec(path: Path) -> JobSpec | None:
    """The spec a job directory recorded, or None (a job from before specs, or damaged)."""
    try:
        data = json.loads((path / "spec.json").read_text(encoding="utf-8"))
        data["pairs"] = tuple(data.get("pairs") or ())
        return JobSpec(**data)
    except (OSError, ValueError, TypeError):
        return None


def _write_spec(path: Path, spec: JobSpec) -> None:
    temporary = path / "spec.json.tmp"
    temporary.write_text(json.dumps(dataclasses.asdict(spec)), encoding="utf-8")
    os.replace(temporary, path / "spec.json")


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
        return is_held(lock)
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


def interrupted(root: Path) -> list[tuple[Job, JobSpec | None]]:
    """Every interrupted job under ``root`` (all sites), oldest first, with its spec."""
    if not root.is_dir():
        return []
    found = []
    for folder in sorted(root.iterdir()):
        if folder.is_dir():
            found += [(job, read_spec(job.path)) for job in jobs_of(root, folder.name)
                      if job.status == INTERRUPTED]
    return found


def open_job(root: Path, site: str, *, resume: bool, spec: JobSpec | None = None,
             program: str = "ainews") -> tuple[Job, str]:
    """The job directory for a new crawl of ``site`` (or the interrupted one, with ``resume``).

    Returns the job and a line for the operator. A directory left by a killed process is
    removed rather than resumed: its queue may name requests whose items were never
    committed; a fresh crawl refetches exactly those, because the archive skips the rest.
    A resume that differs from the job in what it crawls (archive, target, discovery, base
    URL) is refused with the command that continues the job (``JobError``).
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
    recorded = read_spec(resumable.path) if resumable is not None else None
    if resume and resumable is not None and recorded is not None and spec is not None:
        differs = recorded.conflict(spec)
        if differs is not None:
            raise JobError(f"the interrupted crawl of {site} has another {differs}; to "
                           f"continue it run: {recorded.command(program)}")
    if resume and resumable is not None:
        for job in jobs_of(root, site):
            if job.path != resumable.path:
                job.finish()
        if spec is not None:
            _write_spec(resumable.path, spec)  # settings given now apply from here on
        return resumable.mark(RUNNING), f"resuming the interrupted crawl in {resumable.path}"
    if resume:
        message = message or f"no interrupted crawl of {site} to resume; starting afresh"
    elif resumable is not None:
        hint = recorded.command(program) if recorded is not None else "--resume"
        message = f"an interrupted crawl of {site} is kept in {resumable.path} ({hint})"
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    path = root / site / f"{stamp}-{os.getpid()}"
    path.mkdir(parents=True, exist_ok=False)
    if spec is not None:
        _write_spec(path, spec)
    return Job(path, RUNNING, None).mark(RUNNING), message
