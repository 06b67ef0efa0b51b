"""The fault suite at scale: stops, kills, a starved disk, malformed input, hostile pages and
internal redirects, against real processes and servers on 127.0.0.1; one table.

Usage: python bench/faults.py [--sigterm N] [--kill N] [--double N] [--disk N] [--paste N]
                              [--seed S] [--baseline GIT-REF]

For every scenario: runs, articles expected (per run) and archived, lost and duplicated ones
(summed over runs), the exit codes seen, the peak resident memory of any process of the crawl
and the helper processes left running. ``--baseline REF`` runs the same scenarios on a
checkout of REF beside the current code (a git worktree; the same virtualenv).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def _row(name: str, outcomes: list) -> list[str]:
    codes = Counter(code for o in outcomes for code in o.exit_codes)
    return [name, str(len(outcomes)), str(outcomes[0].expected if outcomes else 0),
            str(sum(o.archived for o in outcomes)), str(sum(o.lost for o in outcomes)),
            str(sum(o.duplicated for o in outcomes)),
            str(sum(1 for o in outcomes if o.corrupt)),
            " ".join(f"{c}×{n}" for c, n in sorted(codes.items(), key=str)),
            f"{max((o.peak_mb for o in outcomes), default=0):.0f}",
            str(sum(o.orphans for o in outcomes))]


def run_suite(args: argparse.Namespace) -> list[list[str]]:
    """Every scenario; one table row each."""
    from ainews.demo.server import DemoServer
    from tests.faults import scenarios
    from tests.faults.invocations import invocations, run_all, snapshot

    rng = random.Random(args.seed)
    rows: list[list[str]] = []
    with DemoServer(ports={}, delay_s=0.05) as server:
        def many(name: str, count: int, make: Callable[[Path], object]) -> None:
            outcomes = []
            for _ in range(count):
                with tempfile.TemporaryDirectory() as scratch:
                    outcome = make(Path(scratch) / "archive")
                outcomes.append(outcome)
                if outcome.lost or outcome.duplicated or outcome.corrupt:  # say what happened
                    print(f"  {name}: {outcome.exit_codes} {outcome.messages}\n"
                          + "\n---\n".join(outcome.log), file=sys.stderr)
            rows.append(_row(name, outcomes))
            print(f"  {name}: done", file=sys.stderr)

        # Points drawn among the first 8 of a crawl's ~16 commits, so the stop lands mid-crawl.
        many("SIGTERM to the group, then --resume", args.sigterm, lambda root: (
            scenarios.stop_then_resume(server, root, after_commits=rng.randint(1, 8),
                                       rng=rng)))
        for discover in (False, True):
            many(f"Ctrl-C of a {'discovery' if discover else 'profile'} crawl, then the "
                 "printed command pasted elsewhere", args.paste, lambda root, d=discover: (
                     scenarios.interrupt_then_paste(server, root,
                                                    after_commits=rng.randint(1, 6),
                                                    discover=d, rng=rng)))
        many("SIGTERM twice, then a crawl", args.double, lambda root: (
            scenarios.stop_then_resume(server, root, after_commits=rng.randint(1, 8),
                                       signals=2, rng=rng)))
        many("kill -9, then a crawl", args.kill, lambda root: (
            scenarios.kill_then_rerun(server, root, after_commits=rng.randint(1, 8), rng=rng)))
        many("disk full, then room", args.disk, lambda root: (
            scenarios.starved_disk(server, root, mode="full")))
        many("archive turned read-only, then writable", args.disk, lambda root: (
            scenarios.starved_disk(server, root, mode="readonly")))

        with tempfile.TemporaryDirectory() as scratch:
            root = Path(scratch) / "archive"
            subprocess.run(scenarios.crawl_command(server, root, "--set", "DOWNLOAD_DELAY=0"),
                           capture_output=True, check=False, timeout=300)
            shutil.rmtree(Path(scratch) / "jobs", ignore_errors=True)
            before = snapshot(root)
            verdicts = run_all(invocations(root, Path(scratch)))
            good = sum(v.ok for v in verdicts)
            unchanged = snapshot(root) == before
            rows.append([f"malformed invocations (one line, exit ≠ 0, archive unchanged: "
                         f"{'yes' if unchanged else 'NO'})", str(len(verdicts)), "-",
                         f"{good} ok", str(len(verdicts) - good), "-", "-",
                         " ".join(f"{c}×{n}" for c, n in sorted(Counter(
                             v.returncode for v in verdicts).items(), key=str)), "-", "-"])
            print("  invocations: done", file=sys.stderr)
    rows += _hostile_rows()
    return rows


def _hostile_rows() -> list[list[str]]:
    """Hostile pages fetched in one process each: peak memory, and whether the URL failed with
    its own cause; internal-address redirects: how many were refused."""
    from tests.faults import scenarios
    from tests.faults.hostile import HostileServer, Reply, article, gzip_bomb, redirect
    from tests.faults.test_hostile_pages import _huge_page

    rows = []
    pages = {"12 MiB page": _huge_page(12), "64 MiB gzip bomb": gzip_bomb(64),
             "slow drip": Reply(body=b"<html>" + b" " * 400, drip_s=0.05),
             "redirect loop": redirect("/page.html")}
    for name, reply in pages.items():
        with HostileServer({"/page.html": reply}) as site:
            process = subprocess.Popen(
                [*scenarios.COMMAND, "fetch", "--no-archive", "--set", "DOWNLOAD_TIMEOUT=5",
                 "--set", "RETRY_TIMES=0", site.url("/page.html")], cwd=REPO,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            peak = scenarios.PeakMemory(process.pid)
            _, err = process.communicate(timeout=240)
            line = err.strip().splitlines()[-1][:60] if err.strip() else "article extracted"
            rows.append([f"hostile: {name} ({line})", "1", "-", "-", "-", "-", "-",
                         str(process.returncode), f"{peak.stop():.0f}", "-"])
    inside = HostileServer({"/secret.html": article("内部页面")})
    other = HostileServer({"/secret.html": article("内部页面")}, host="127.0.0.2")
    with inside, other:
        targets = [inside.url("/secret.html"), other.url("/secret.html"),
                   f"http://localhost:{inside.port}/secret.html",
                   f"http://[::ffff:127.0.0.1]:{inside.port}/secret.html",
                   f"http://2130706433:{inside.port}/secret.html",
                   f"http://127.1:{inside.port}/secret.html",
                   f"http://0x7f.0.0.1:{inside.port}/secret.html",
                   f"http://[::1]:{inside.port}/secret.html"]
        routes = {f"/r{i}": redirect(t) for i, t in enumerate(targets)}
        with HostileServer(routes) as site:
            subprocess.run([*scenarios.COMMAND, "fetch", "--no-archive",
                            *(site.url(p) for p in routes)], cwd=REPO, capture_output=True,
                           timeout=240, check=False)
        reached = len(inside.requests) + len(other.requests)
        rows.append([f"redirects to internal addresses ({len(targets)} variants)",
                     str(len(targets)), "-", f"{reached} reached", "-", "-", "-", "-", "-",
                     "-"])
    return rows


def _print(rows: list[list[str]], title: str) -> None:
    head = ["scenario", "runs", "expected", "archived", "lost", "duplicated", "corrupt",
            "exit codes", "peak MB", "orphans"]
    print(f"\n### {title}\n")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for row in rows:
        print("| " + " | ".join(row) + " |")


def main() -> None:
    """Run the suite (and the baseline's) and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sigterm", type=int, default=20)
    parser.add_argument("--kill", type=int, default=30)
    parser.add_argument("--double", type=int, default=5)
    parser.add_argument("--disk", type=int, default=2)
    parser.add_argument("--paste", type=int, default=10,
                        help="Ctrl-C then the printed command, per mode (profile, discovery)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--baseline", help="a git ref to run the same scenarios on")
    args = parser.parse_args()
    if args.baseline:
        worktree = Path(tempfile.mkdtemp(prefix="ainews-baseline-"))
        subprocess.run(["git", "worktree", "add", "--detach", str(worktree), args.baseline],
                       cwd=REPO, check=True, capture_output=True)
        try:
            env = {**os.environ, "PYTHONPATH": str(worktree),
                   "AINEWS_FAULTS_COMMAND": f"{sys.executable} -P -m ainews.cli"}
            subprocess.run([sys.executable, __file__, *_own_args(args)], env=env, check=True)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=REPO,
                           check=False, capture_output=True)
        print(f"(above: baseline {args.baseline})")
    _print(run_suite(args), "current" if not os.environ.get("AINEWS_FAULTS_COMMAND")
           else f"baseline ({os.environ.get('PYTHONPATH')})")


def _own_args(args: argparse.Namespace) -> list[str]:
    return ["--sigterm", str(args.sigterm), "--kill", str(args.kill), "--double",
            str(args.double), "--disk", str(args.disk), "--seed", str(args.seed)]


if __name__ == "__main__":
    main()
