"""What a one-off command costs as a whole process: ``ainews --version`` and ``ainews extract``
on a saved page, beside trafilatura's own command line on the same page.

Usage: python bench/startup.py [--repeat N] [--baseline GIT-REF]

``ainews fetch URL`` (archived, and with ``--no-archive``) is measured too, beside
``curl -s URL | trafilatura --json --with-metadata``, the page served on 127.0.0.1 by a server
of this process (robots.txt answered 404, as most sites' absent one is).

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
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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


class _Page(BaseHTTPRequestHandler):
    """The page at ``/news/1.html``; nothing else."""

    def do_GET(self) -> None:
        """Answer the page, or 404."""
        body = PAGE.read_bytes() if self.path == "/news/1.html" else b"not found"
        self.send_response(200 if self.path == "/news/1.html" else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        """Quiet."""


def _commands(root: Path, label: str, url: str, archive: Path) -> dict[str, list[str]]:
    """The ``ainews`` commands of the checkout at ``root``, run as a module from it."""
    run = [sys.executable, "-P", "-c", f"import sys; sys.path.insert(0, {str(root)!r}); "
           "from ainews.cli.app import main; sys.exit(main())"]
    return {f"ainews --version{label}": [*run, "--version"],
            f"ainews extract page.html{label}": [*run, "extract", str(PAGE)],
            f"ainews fetch URL --no-archive{label}": [*run, "fetch", url, "--no-archive",
                                                       "--json", "--allow-private"],
            f"ainews fetch URL (archived){label}": [*run, "--archive", str(archive), "fetch",
                                                    url, "--json", "--allow-private"]}


def main() -> None:
    """Run the rounds and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--baseline", help="a git ref whose ainews commands run beside")
    args = parser.parse_args()
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/news/1.html"
    # trafilatura's CLI reads one page from its standard input; --json --with-metadata is the
    # job `ainews extract` does (text and metadata as JSON).
    commands = {"trafilatura --json --with-metadata < page.html": [
        str(BIN / "trafilatura"), "--json", "--with-metadata"],
        "curl -s URL | trafilatura --json --with-metadata": [
        "sh", "-c", f"curl -s {url} | {BIN / 'trafilatura'} --json --with-metadata"]}
    with tempfile.TemporaryDirectory() as scratch:
        if args.baseline:
            # Before our first import: a checkout from before the `ainews/` package has the
            # CLI in crawler/cli; its entry point is found either way below.
            base = Path(scratch) / "baseline"
            subprocess.run(["git", "worktree", "add", "--detach", str(base), args.baseline],
                           cwd=REPO, check=True, capture_output=True)
            legacy = not (base / "ainews" / "cli").exists()
            for name, command in _commands(base, f" ({args.baseline})", url,
                                           Path(scratch) / "base-archive").items():
                if legacy:
                    command[3] = command[3].replace("ainews.cli.app", "crawler.cli.app")
                commands[name] = command
        commands.update(_commands(REPO, "", url, Path(scratch) / "archive"))
        timings: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        try:
            for _ in range(args.repeat):
                for name, command in commands.items():
                    timings[name].append(_measure(command, Path(scratch), env))
        finally:
            if args.baseline:
                subprocess.run(["git", "worktree", "remove", "--force",
                                str(Path(scratch) / "baseline")], cwd=REPO, check=False)
    server.shutdown()
    print(f"| command ({args.repeat} runs, medians) | wall s | CPU s | wall ÷ trafilatura "
          "| CPU ÷ trafilatura |")
    print("|---|---|---|---|---|")
    references = list(commands)[:2]  # trafilatura on the file; curl | trafilatura
    for name, runs in timings.items():
        # Fetches compare with curl | trafilatura, the rest with trafilatura on the file.
        reference = timings[references[1] if "fetch" in name or "curl" in name
                            else references[0]]
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        print(f"| {name} | {wall:.3f} | {cpu:.3f} | "
              f"{wall / statistics.median(w for w, _ in reference):.2f} | "
              f"{cpu / statistics.median(c for _, c in reference):.2f} |")


if __name__ == "__main__":
    main()
