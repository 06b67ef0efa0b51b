"""A crawl killed with SIGKILL mid-way leaves a readable archive holding every committed batch."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import psutil
from deltalake import DeltaTable

from ainews.demo.server import DemoServer
from ainews.jobs import archive_key
from archive import Archive
from tests.conftest import AINEWS, REPO
from tests.faults.scenarios import commits, count_orphans


def _crawl(server: DemoServer, root: Path, *extra: str,
           group: bool = False) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [AINEWS, "--archive", str(root), "crawl", "demo-daily", "--base-url",
         server.base_url("demo-daily"), "--log-level=WARNING", "--set", "ARCHIVE_BATCH_SIZE=5",
         "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=2", *extra],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=group,
    )


def test_kill_9_keeps_committed_rows_and_the_next_crawl_completes(tmp_path):
    root = tmp_path / "archive"
    # Slow responses so the kill lands mid-crawl, after a few commits.
    with DemoServer(ports={}, delay_s=0.05) as server:
        total = len(server.sites["demo-daily"].articles)
        process = _crawl(server, root)
        deadline = time.monotonic() + 90
        while commits(root) < 3 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        # The extraction pool, its forkserver, the archive process.
        helpers = {child.pid for child in psutil.Process(process.pid).children(recursive=True)}
        assert helpers, "the crawl should have started helper processes"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        assert process.returncode == -signal.SIGKILL
        # None of them outlives the crawl for long (orphaned pool workers used to stay forever).
        # The archive process lives on for at most the commit it was making (it finishes it,
        # sees the crawl gone, and exits): what it committed counts as committed.
        assert count_orphans(helpers) == 0, "processes outlived the killed crawl"

        table = DeltaTable(str(root / "articles"))
        committed = sum(table.get_add_actions(flatten=True).column("num_records").to_pylist())
        rows = Archive(root).to_arrow(columns=["url", "text"]).to_pylist()
        assert 10 <= len(rows) < total, "the kill should land mid-crawl"
        assert len(rows) == committed
        assert len({r["url"] for r in rows}) == len(rows)
        assert all(r["text"] for r in rows)

        # The next crawl fetches exactly the articles not committed, and ends with every
        # article once. The killed run's job directory is not trusted, even with --resume.
        mark = len(server.requests("demo-daily"))
        again = _crawl(server, root, "--resume")
        out, err = again.communicate(timeout=180)
        assert again.returncode == 0, err
        assert "was killed; starting afresh" in err
        urls = Archive(root).to_arrow(columns=["url"]).column("url").to_pylist()
        assert len(urls) == len(set(urls)) == total
        assert f"{len(rows)} archived URLs skipped" in out
        base = server.base_url("demo-daily")
        paths = {a.path for a in server.sites["demo-daily"].articles}
        fetched = [p for p in server.requests("demo-daily")[mark:] if p in paths]
        assert sorted(fetched) == sorted(paths - {r["url"].removeprefix(base) for r in rows})


def _stop_after_commits(process: subprocess.Popen[str], root: Path, n: int) -> tuple[str, str]:
    deadline = time.monotonic() + 90
    while commits(root) < n and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches the whole group
    return process.communicate(timeout=60)


def _paste(hint: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a printed command as a user pastes it into a shell, somewhere else."""
    return subprocess.run(hint, shell=True, cwd=cwd, capture_output=True, text=True,
                          timeout=240, env={**os.environ, "PATH": "/usr/bin:/bin"}, check=False)


def _hint(err: str) -> str:
    found = re.search(r"continue it with: (.+)$", err, re.MULTILINE)
    assert found, err
    return found.group(1)


def test_ctrl_c_then_the_printed_command_completes_every_article_once(tmp_path):
    root = tmp_path / "archive"
    with DemoServer(ports={}, delay_s=0.05) as server:
        total = len(server.sites["demo-daily"].articles)
        process = _crawl(server, root, "--set", "REVISIT_WINDOW_DAYS=0", group=True)
        out, err = _stop_after_commits(process, root, 2)
        assert process.returncode == 1, err
        assert "(shutdown)" in out
        jobs = list((tmp_path / "jobs" / archive_key(str(root.resolve())) / "demo-daily").iterdir())
        assert len(jobs) == 1 and '"interrupted"' in (jobs[0] / "state.json").read_text()
        first = Archive(root).to_arrow(columns=["url"]).num_rows
        assert 0 < first < total
        mark = len(server.requests("demo-daily"))

        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir()
        resumed = _paste(_hint(err), elsewhere)
        assert resumed.returncode == 0, resumed.stderr
        assert "resuming the interrupted crawl" in resumed.stderr
        urls = Archive(root).to_arrow(columns=["url"]).column("url").to_pylist()
        base = server.base_url("demo-daily")
        assert {u.removeprefix(base) for u in urls} == {
            a.path for a in server.sites["demo-daily"].articles}
        assert len(urls) == len(set(urls)) == total
        # The job directory's queue carried on: the first listing page was not fetched again,
        # and the finished job left no directory behind; nothing went to another archive.
        assert "/list/1.html" not in server.requests("demo-daily")[mark:]
        assert not jobs[0].exists()
        assert not (elsewhere / "data").exists()


def test_an_interrupted_discovery_crawl_resumes_as_discovery_by_its_printed_command(tmp_path):
    root = tmp_path / "archive"
    with DemoServer(ports={}, delay_s=0.05) as server:
        total = len(server.sites["demo-daily"].articles)
        url = server.base_url("demo-daily") + "/"
        process = subprocess.Popen(
            [AINEWS, "--archive", str(root), "crawl", url, "--discover", "--log-level=WARNING",
             "--set", "ARCHIVE_BATCH_SIZE=5", "--set", "REVISIT_WINDOW_DAYS=0",
             "--set", "DOWNLOAD_DELAY=0", "--set", "AUTOTHROTTLE_ENABLED=False"],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            start_new_session=True)
        _, err = _stop_after_commits(process, root, 2)
        hint = _hint(err)
        assert "--discover" in hint and str(root.resolve()) in hint
        # Retyped without --discover, the resume is refused and says what to run.
        refused = subprocess.run([AINEWS, "--archive", str(root), "crawl", url, "--resume"],
                                 cwd=REPO, capture_output=True, text=True, timeout=60,
                                 check=False)
        assert refused.returncode != 0
        assert "Traceback" not in refused.stderr and hint in refused.stderr
        resumed = _paste(hint, tmp_path)
        assert resumed.returncode == 0, resumed.stderr
        assert "AssertionError" not in resumed.stderr
        urls = Archive(root).to_arrow(columns=["url"]).column("url").to_pylist()
        assert len(urls) == len(set(urls)) == total
