"""One writer per site per archive, whatever the job folder or the way the site is named."""

from __future__ import annotations

import json
import os
import subprocess

from ainews.demo.server import DemoServer
from ainews.jobs import archive_key
from tests.faults import scenarios


def test_a_second_crawl_of_the_same_site_is_refused_however_it_is_named(tmp_path):
    root = tmp_path / "a"
    # Slow enough that the first crawl is still running when the others start.
    with DemoServer(ports={}, delay_s=0.2) as server:
        first = scenarios.start(scenarios.crawl_command(
            server, root, "--jobs-dir", str(tmp_path / "jobs1"), "--set",
            "CONCURRENT_REQUESTS_PER_DOMAIN=1"))
        scenarios.wait_for_commits(first, root, 1)
        assert first.poll() is None, "the first crawl should still be running"
        same = subprocess.run(scenarios.crawl_command(server, root, "--jobs-dir",
                                                      str(tmp_path / "jobs2")),
                              capture_output=True, text=True, timeout=60, check=False)
        repair = subprocess.run([scenarios.AINEWS, "--archive", str(root), "maintain",
                                 "--repair"], capture_output=True, text=True, timeout=60,
                                check=False)
        by_url = subprocess.run(
            [scenarios.AINEWS, "--archive", str(root), "crawl",
             server.base_url(scenarios.SITE) + "/", "--discover", "--set", "LOG_LEVEL=WARNING"],
            capture_output=True, text=True, timeout=60, check=False)
        outcome = scenarios.Outcome("two writers", len(server.sites[scenarios.SITE].articles))
        scenarios.finish(first, outcome)
    # Repair beside a live writer would commit its not-yet-committed files a second time.
    assert repair.returncode == 2 and "is being written" in repair.stderr, repair.stderr
    for refused in (same, by_url):
        assert refused.returncode == 2, refused.stderr
        lines = refused.stderr.strip().splitlines()
        assert len(lines) == 1 and f"pid {first.pid} is writing the same site" in lines[0]
    assert outcome.exit_codes == [0], outcome.messages
    scenarios.judge(outcome, root)
    assert (outcome.lost, outcome.duplicated) == (0, 0)


def test_a_dead_crawls_job_does_not_block_the_site_when_its_pid_is_reused(tmp_path, demo_server):
    # The job of a crawl that died, whose pid now belongs to a live process (this one).
    key = archive_key(str((tmp_path / "a").resolve()))
    stale = tmp_path / "jobs" / key / scenarios.SITE / "20261101T000000-1"
    stale.mkdir(parents=True)
    (stale / "lock").touch()
    (stale / "state.json").write_text(json.dumps({"status": "running", "pid": os.getpid()}))
    result = subprocess.run(
        scenarios.crawl_command(demo_server, tmp_path / "a", "--set", "DOWNLOAD_DELAY=0",
                                "--set", "AUTOTHROTTLE_ENABLED=False"),
        capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode == 0, result.stderr
    assert "was killed; starting afresh" in result.stderr
