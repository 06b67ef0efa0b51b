"""Fault scenarios run against real processes: crawls of the demo sites stopped, killed,
starved of disk or refused by their archive, then run again; each returns an Outcome.

The tests in this folder run one instance of each; ``bench/faults.py`` runs many.
"""

from __future__ import annotations

import os
import random
import re
import shlex
import signal
import subprocess
import tempfile
import threading
import time
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from deltalake import DeltaTable

from ainews.demo.server import DemoServer
from archive import Archive
from tests.conftest import AINEWS

REPO = Path(__file__).resolve().parents[2]
COMMAND = shlex.split(os.environ.get("AINEWS_FAULTS_COMMAND", "")) or [AINEWS]
"""How scenarios run ``ainews`` (``bench/faults.py --baseline`` points it at an older
checkout)."""
SITE = "demo-daily"


@dataclass
class Outcome:
    """What one scenario did to the archive and the processes."""

    scenario: str
    expected: int
    archived: int = 0
    duplicated: int = 0
    duplicated_pages: int = 0
    """Raw pages stored twice (one fetch, two rows)."""
    exit_codes: list[int] = field(default_factory=list)
    peak_mb: float = 0.0
    orphans: int = 0
    corrupt: bool = False
    messages: list[str] = field(default_factory=list)
    log: list[str] = field(default_factory=list)
    """The end of each run's output, for a failure's report."""

    @property
    def lost(self) -> int:
        """Articles of the site not in the archive after the last run."""
        return self.expected - self.archived


class PeakMemory:
    """The largest resident size any process of a tree reaches, sampled every 50 ms."""

    def __init__(self, pid: int) -> None:
        """Start sampling ``pid`` and its descendants."""
        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.is_set():
            try:
                root = psutil.Process(self.pid)
                for process in [root, *root.children(recursive=True)]:
                    try:
                        self.peak = max(self.peak, process.memory_info().rss)
                    except psutil.Error:
                        continue
            except psutil.Error:
                pass
            self._stop.wait(0.05)

    def stop(self) -> float:
        """Stop; the peak in MB."""
        self._stop.set()
        self._thread.join()
        return self.peak / 2**20


def crawl_command(server: DemoServer, root: Path, *extra: str) -> list[str]:
    """``ainews crawl`` of the demo site into ``root``, committing in small batches."""
    return [*COMMAND, "--archive", str(root), "crawl", SITE, "--base-url",
            server.base_url(SITE), "--set", "LOG_LEVEL=WARNING", "--set", "ARCHIVE_BATCH_SIZE=5",
            "--set", "REVISIT_WINDOW_DAYS=0", *extra]


def start(command: list[str]) -> subprocess.Popen[str]:
    """Start a command in a session of its own (signals go to its whole group)."""
    return subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)


def commits(root: Path) -> int:
    """Commits in the articles table so far."""
    log = root / "articles" / "_delta_log"
    return len(list(log.glob("*.json"))) if log.exists() else 0


def wait_for_commits(process: subprocess.Popen[str], root: Path, count: int,
                     timeout_s: float = 90) -> None:
    """Until the archive has ``count`` commits (or the process ends)."""
    deadline = time.monotonic() + timeout_s
    while commits(root) < count and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)


def finish(process: subprocess.Popen[str], outcome: Outcome, timeout_s: float = 240) -> None:
    """Wait for ``process``, recording its exit code, peak memory and last stderr line."""
    peak = PeakMemory(process.pid)
    try:
        _, err = process.communicate(timeout=timeout_s)
    finally:
        outcome.peak_mb = max(outcome.peak_mb, peak.stop())
    outcome.exit_codes.append(process.returncode)
    lines = [line for line in err.splitlines() if line.startswith("ainews")]
    outcome.messages.append(lines[-1] if lines else "")


def helpers_of(process: subprocess.Popen[str]) -> set[int]:
    """Pids of the process's descendants (pool workers, forkserver, archive process)."""
    try:
        return {child.pid for child in psutil.Process(process.pid).children(recursive=True)}
    except psutil.Error:
        return set()


def count_orphans(pids: set[int], timeout_s: float = 30) -> int:
    """How many of ``pids`` are still running after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    alive = set(pids)
    while alive and time.monotonic() < deadline:
        alive = {pid for pid in alive if _running(pid)}
        time.sleep(0.1)
    return len(alive)


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def judge(outcome: Outcome, root: Path) -> Outcome:
    """Count what the archive holds: every URL once, every committed row readable."""
    try:
        urls = Archive(root).to_arrow(columns=["url"]).column("url").to_pylist()
        committed = sum(DeltaTable(str(root / "articles")).get_add_actions(
            flatten=True).column("num_records").to_pylist())
        versions = Archive(root).sql("SELECT count(*) AS n FROM article_versions")["n"][0]
        outcome.corrupt = committed != versions.as_py()
        pages = Archive(root).sql("SELECT count(*) - count(DISTINCT (url, fetched_at)) AS n "
                                  "FROM pages")["n"][0]
        outcome.duplicated_pages = int(pages.as_py())
    except Exception as exc:  # an unreadable archive is the worst outcome, not a crash here
        outcome.corrupt, urls = True, []
        outcome.messages.append(f"unreadable: {exc}")
    outcome.archived = len(set(urls))
    outcome.duplicated = len(urls) - len(set(urls))
    return outcome


def stop_then_resume(server: DemoServer, root: Path, *, after_commits: int, signals: int = 1,
                     rng: random.Random | None = None) -> Outcome:
    """SIGTERM (``signals`` times) to the crawl's whole process group, then ``--resume``."""
    rng = rng or random.Random(0)
    outcome = Outcome(f"SIGTERM ×{signals} then --resume", len(server.sites[SITE].articles))
    process = start(crawl_command(server, root))
    wait_for_commits(process, root, after_commits)
    time.sleep(rng.uniform(0, 0.2))
    helpers = helpers_of(process)
    for n in range(signals):
        if n:
            time.sleep(rng.uniform(0.05, 0.3))
        with _gone_ok():
            os.killpg(process.pid, signal.SIGTERM)
    finish(process, outcome)
    outcome.orphans += count_orphans(helpers)
    finish(start(crawl_command(server, root, "--resume")), outcome)
    return judge(outcome, root)


def interrupt_then_paste(server: DemoServer, root: Path, *, after_commits: int,
                         discover: bool = False, rng: random.Random | None = None) -> Outcome:
    """Ctrl-C (SIGINT to the group) of a profile or discovery crawl, then the command it
    printed, pasted into a shell in another folder, as a new user would."""
    rng = rng or random.Random(0)
    mode = "discovery" if discover else "profile"
    outcome = Outcome(f"Ctrl-C of a {mode} crawl, then its printed command",
                      len(server.sites[SITE].articles))
    target = ([server.base_url(SITE) + "/", "--discover", "--set", "DOWNLOAD_DELAY=0",
               "--set", "AUTOTHROTTLE_ENABLED=False"] if discover
              else [SITE, "--base-url", server.base_url(SITE)])
    process = start([*COMMAND, "--archive", str(root), "crawl", *target, "--set",
                     "LOG_LEVEL=WARNING", "--set", "ARCHIVE_BATCH_SIZE=5", "--set",
                     "REVISIT_WINDOW_DAYS=0"])
    wait_for_commits(process, root, after_commits)
    time.sleep(rng.uniform(0, 0.2))
    with _gone_ok():
        os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=120)
    outcome.exit_codes.append(process.returncode)
    hint = re.search(r"continue it with: (.+)$", err, re.MULTILINE)
    if hint is None:  # finished before the signal landed: nothing to resume
        outcome.messages.append("no resume command printed")
        return judge(outcome, root)
    elsewhere = root.parent / "elsewhere"
    elsewhere.mkdir(exist_ok=True)
    pasted = subprocess.run(hint.group(1), shell=True, cwd=elsewhere, capture_output=True,
                            text=True, timeout=600, check=False)
    outcome.exit_codes.append(pasted.returncode)
    outcome.messages.append(pasted.stderr.strip().splitlines()[-1] if pasted.stderr.strip()
                            else "")
    outcome.log.append(pasted.stderr[-3000:])
    return judge(outcome, root)


def kill_then_rerun(server: DemoServer, root: Path, *, after_commits: int,
                    rng: random.Random | None = None) -> Outcome:
    """SIGKILL to the crawl process alone (its helpers are orphaned), then a new crawl."""
    rng = rng or random.Random(0)
    outcome = Outcome("kill -9 then rerun", len(server.sites[SITE].articles))
    process = start(crawl_command(server, root))
    wait_for_commits(process, root, after_commits)
    time.sleep(rng.uniform(0, 0.2))
    helpers = helpers_of(process)
    with _gone_ok():
        os.kill(process.pid, signal.SIGKILL)
    finish(process, outcome)
    outcome.orphans += count_orphans(helpers)
    finish(start(crawl_command(server, root, "--resume")), outcome)
    return judge(outcome, root)


def _gone_ok() -> suppress[ProcessLookupError]:
    return suppress(ProcessLookupError)


def starved_disk(server: DemoServer, out: Path, *, mode: str,
                 size_kb: int | None = None) -> Outcome:
    """Crawl into a small tmpfs that fills up (``mode="full"``) or turns read-only after the
    first commits (``mode="readonly"``); then give it room and crawl again.

    Runs in a user and mount namespace of its own (``unshare``), so no privilege is needed and
    nothing stays mounted; the archive is copied to ``out`` before the namespace ends.
    """
    outcome = Outcome(f"disk {mode}, then room", len(server.sites[SITE].articles))
    # The whole crawl's archive takes about 700 KB of tmpfs.
    size_kb = size_kb or (300 if mode == "full" else 65536)
    with tempfile.TemporaryDirectory() as scratch:
        mount = Path(scratch) / "disk"
        mount.mkdir()
        root = mount / "archive"
        # Job directories outside: Scrapy keeps a file open for writing there, and a mount
        # with a file open for writing cannot turn read-only.
        jobs = ("--jobs-dir", f"{scratch}/jobs")
        first = shlex.join(crawl_command(server, root, *jobs))
        second = shlex.join(crawl_command(server, root, "--resume", *jobs))
        log = root / "articles" / "_delta_log"
        turn = (f"{first} > {scratch}/1.out 2> {scratch}/1.err & pid=$!; "
                f"while [ $(ls {log} 2>/dev/null | grep -c json) -lt 2 ] "
                "&& kill -0 $pid 2>/dev/null; do sleep 0.01; done; "
                # Retried: the remount is refused while a commit has a file open.
                f"until mount -o remount,ro {mount} 2>/dev/null; do sleep 0.005; done; "
                f"touch {scratch}/ro; wait $pid; echo $? > {scratch}/1.rc"
                if mode == "readonly" else
                f"{first} > {scratch}/1.out 2> {scratch}/1.err; echo $? > {scratch}/1.rc")
        script = (
            f"set -u; mount -t tmpfs -o size={size_kb}k tmpfs {mount}; {turn}; "
            f"mount -o remount,rw,size=262144k {mount}; "
            f"{second} > {scratch}/2.out 2> {scratch}/2.err; echo $? > {scratch}/2.rc; "
            f"cp -a {root} {out}")
        result = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
                                 script], cwd=REPO, capture_output=True, text=True,
                                timeout=600, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"namespace script failed: {result.stderr[-500:]}")
        for n in (1, 2):
            outcome.exit_codes.append(int((Path(scratch) / f"{n}.rc").read_text()))
            err = (Path(scratch) / f"{n}.err").read_text()
            lines = [line for line in err.splitlines() if line.startswith("ainews")]
            outcome.messages.append(lines[-1] if lines else "")
            outcome.log.append(err[-3000:] + (Path(scratch) / f"{n}.out").read_text())
        outcome.log.append("turned read-only" if (Path(scratch) / "ro").exists() else "")
    return judge(outcome, out)
