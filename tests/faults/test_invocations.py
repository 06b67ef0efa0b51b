"""Over a hundred malformed command lines: one line each, a non-zero exit, the archive as it was."""

from __future__ import annotations

import shutil
import subprocess

from tests.faults import scenarios
from tests.faults.invocations import invocations, run_in_process, snapshot


def test_every_malformed_invocation_gives_one_line_and_leaves_the_archive_alone(
        demo_server, tmp_path):
    root = tmp_path / "archive"
    crawled = subprocess.run(scenarios.crawl_command(demo_server, root, "--set",
                                                     "DOWNLOAD_DELAY=0"),
                             capture_output=True, text=True, timeout=300, check=False)
    assert crawled.returncode == 0, crawled.stderr
    shutil.rmtree(tmp_path / "jobs", ignore_errors=True)
    before = snapshot(root)
    calls = invocations(root, tmp_path)
    assert len(calls) >= 100
    bad = [v for v in run_in_process(calls) if not v.ok]
    assert not bad, "\n".join(f"{' '.join(v.args[2:])} → exit {v.returncode}: "
                              f"{v.stderr.strip()[:200]}" for v in bad)
    assert snapshot(root) == before
