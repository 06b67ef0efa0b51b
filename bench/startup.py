"""What a one-off command costs as a whole process: ``ainews --version`` and ``ainews extract``
on a saved page, beside trafilatura's own command line on the same page.

Usage: python bench/startup.py [--repeat N] [--baseline GIT-REF]

Each command runs N times (9 by default), the commands interleaved round by round so the
machine's noise falls on all of them alike; the table gives the median wall time and CPU time
(user + system, the process and its children) and each ratio to trafilatura's CLI. With
``--baseline REF`` the same ``ainews`` commands of that commit (checked out in a temporary
worktree and run with this interpreter) are measured in the same rounds.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PAGE = REPO / "tests" / "fixtures" / "aigcdaily_article.html"
BIN = Path(sys.executable).parent


def _measure(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run of ``command`` (the page on its standard input),
    children included."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with PAGE.open("rb") as page:
        subprocess.run(command, cwd=cwd, env=env, check=True, stdin=page,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _commands(root: Path, label: str) -> dict[str, list[str]]:
    """The ``ainews`` commands of the checkout at ``root``, run as a module from it."""
    run = [sys.executable, "-P", "-c", f"import sys; sys.path.insert(0, {str(root)!r}); "
           "from ainews.cli.app import main; sys.exit(main())"]
    return {f"ainews --version{label}": [*run, "--version"],
            f"ainews extract page.html{label}": [*run, "extract", str(PAGE)]}


def main() -> None:
    """Run the rounds and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--baseline", help="a git ref whose ainews commands run beside")
    args = parser.parse_args()
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    # trafilatura's CLI reads one page from its standard input; --json --with-metadata is the
    # job `ainews extract` does (text and metadata as JSON).
    commands = {"trafilatura --json --with-metadata < page.html": [
        str(BIN / "trafilatura"), "--json", "--with-metadata"]}
    with tempfile.TemporaryDirectory() as scratch:
        if args.baseline:
            # Before our first import: a checkout from before the `ainews/` package has the
            # CLI in crawler/cli; its entry point is found either way below.
            base = Path(scratch) / "baseline"
            subprocess.run(["git", "worktree", "add", "--detach", str(base), args.baseline],
                           cwd=REPO, check=True, capture_output=True)
            legacy = not (base / "ainews" / "cli").exists()
            for name, command in _commands(base, f" ({args.baseline})").items():
                if legacy:
                    command[3] = command[3].replace("ainews.cli.app", "crawler.cli.app")
                commands[name] = command
        commands.update(_commands(REPO, ""))
        timings: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        try:
            for _ in range(args.repeat):
                for name, command in commands.items():
                    timings[name].append(_measure(command, Path(scratch), env))
        finally:
            if args.baseline:
                subprocess.run(["git", "worktree", "remove", "--force",
                                str(Path(scratch) / "baseline")], cwd=REPO, check=False)
    reference = statistics.median(c for _, c in timings[next(iter(commands))])
    reference_wall = statistics.median(w for w, _ in timings[next(iter(commands))])
    print(f"| command ({args.repeat} runs, medians) | wall s | CPU s | wall ÷ trafilatura "
          "| CPU ÷ trafilatura |")
    print("|---|---|---|---|---|")
    for name, runs in timings.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        print(f"| {name} | {wall:.3f} | {cpu:.3f} | {wall / reference_wall:.2f} | "
              f"{cpu / reference:.2f} |")


if __name__ == "__main__":
    main()
