"""Distributed crawling on this machine: 1, 2 and 4 workers on one Redis frontier.

Usage: python bench/distributed.py [--pages N] [--workers 1,2,4]

Serves N demo articles (5,000 by default; the demo-daily layout, pre-rendered by
``crawl_throughput.render_site``) on 127.0.0.1, and for each worker count: starts a fresh
redis-server on a free port, seeds the site (``ainews crawl demo-daily --redis``), starts the
workers (``ainews worker``, each its own process with its extraction pool and archive
process) into one fresh archive, and waits until they exit on an empty frontier. The baseline
row is one ``ainews crawl`` of the same site without Redis.

Prints one table: article pages per minute (from the start to the last request the server
answered; the wall time adds start-up and the workers' idle exit) and the ratio to the
baseline, CPU seconds per
worker (its whole process tree), the share of the machine's cores in use, where the CPU went
(crawl processes, extraction pools, archive processes, redis-server, the HTTP server),
commits and commit retries (from the Delta log: versions another writer took first), and
Redis memory per 100,000 seen requests (``MEMORY USAGE`` of the seen-set) and per queued
request (the frontier at its longest). Every figure is measured in this run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil
import redis

sys.path.insert(0, str(Path(__file__).resolve().parent))
from crawl_throughput import _serve, render_site

AINEWS = str(Path(sys.executable).parent / "ainews")
SETTINGS = ("LISTING_MAX_PAGES=1000000", "REVISIT_WINDOW_DAYS=0", "CONCURRENT_REQUESTS=32",
            "CONCURRENT_REQUESTS_PER_DOMAIN=16", "DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False",
            "ARCHIVE_FLUSH_SECONDS=10", "PROGRESS=off")
KINDS = ("crawl", "extraction pool", "archive process", "redis-server", "HTTP server")


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class CpuLedger:
    """CPU seconds of every process below the given roots, by kind, sampled until stopped
    (a process's last reading before it exits is what counts)."""

    def __init__(self, roots: list[int], interval_s: float = 0.25) -> None:
        """Start sampling in a daemon thread."""
        self.roots = roots
        self.seen: dict[int, tuple[str, float]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(interval_s,), daemon=True)
        self._thread.start()

    def _run(self, interval_s: float) -> None:
        while not self._stop.is_set():
            for root in self.roots:
                try:
                    tree = [psutil.Process(root)]
                    tree += tree[0].children(recursive=True)
                except psutil.Error:
                    continue
                for process in tree:
                    try:
                        times = process.cpu_times()
                        kind = _kind(process.cmdline())
                    except psutil.Error:
                        continue
                    self.seen[process.pid] = (kind, times.user + times.system)
            self._stop.wait(interval_s)

    def stop(self) -> dict[str, float]:
        """Stop; CPU seconds by kind."""
        self._stop.set()
        self._thread.join()
        totals = dict.fromkeys(KINDS, 0.0)
        for kind, seconds in self.seen.values():
            totals[kind] += seconds
        return totals


def _kind(cmdline: list[str]) -> str:
    line = " ".join(cmdline)
    if "redis-server" in line:
        return "redis-server"
    if "archive.process" in line:
        return "archive process"
    if "multiprocessing" in line or "forkserver" in line:
        return "extraction pool"
    return "crawl"


def commits_and_retries(archive: Path) -> tuple[int, int]:
    """Commits of the articles table, and how many times delta-rs tried a commit again
    because another writer took its version (``num_retries`` in each commit's metrics)."""
    commits = retries = 0
    for entry in sorted((archive / "articles" / "_delta_log").glob("*.json")):
        for line in entry.read_text(encoding="utf-8").splitlines():
            info = json.loads(line).get("commitInfo") if line.strip() else None
            if info is None or info.get("operation") != "WRITE":
                continue
            commits += 1
            retries += int((info.get("operationMetrics") or {}).get("num_retries") or 0)
    return commits, retries


LAST_REQUEST = [0.0]
"""When the HTTP server last answered (the crawl's end, before the workers' idle exit)."""


def _record_requests(static: Any) -> None:
    handler = static.httpd.RequestHandlerClass
    original = handler.do_GET

    def do_get(self: Any) -> None:
        LAST_REQUEST[0] = time.monotonic()
        original(self)

    handler.do_GET = do_get


def run(base_url: str, workers: int, folder: Path, extract_workers: int | None,
        ) -> dict[str, Any]:
    """One measured run: ``workers`` workers, or the solo baseline when 0."""
    archive = folder / "archive"
    pairs = [*SETTINGS, *([f"EXTRACT_WORKERS={extract_workers}"] if extract_workers else [])]
    options = [arg for pair in pairs for arg in ("--set", pair)]
    redis_process = None
    roots: list[int] = []
    if workers:
        port = free_port()
        redis_process = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(folder)], stdout=subprocess.DEVNULL)
        url = f"redis://127.0.0.1:{port}/0"
        server = redis.Redis.from_url(url)
        for _ in range(100):
            try:
                server.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        seeded = subprocess.run([AINEWS, "--archive", str(archive), "crawl", "demo-daily",
                                 "--base-url", base_url, "--redis", url, *options],
                                capture_output=True, text=True, check=True)
        assert "seeded" in seeded.stdout, seeded.stderr
        roots.append(redis_process.pid)
    started = time.monotonic()
    if workers:
        commands = [[AINEWS, "--archive", str(archive), "--log-level=WARNING", "worker",
                     "--redis", url, "demo-daily", "--exit-when-idle", "2", *options]
                    for _ in range(workers)]
    else:
        commands = [[AINEWS, "--archive", str(archive), "--log-level=WARNING", "crawl",
                     "demo-daily", "--base-url", base_url, "--jobs-dir", str(folder / "jobs"),
                     *options]]
    processes = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for c in commands]
    ledger = CpuLedger([*roots, *(p.pid for p in processes)])
    frontier: list[tuple[int, int]] = []
    stop_watch = threading.Event()
    if workers:
        def watch() -> None:  # the frontier's size in Redis while it is longest
            while not stop_watch.wait(0.5):
                queued = int(server.zcard("ainews:demo-daily:requests"))
                if queued > (frontier[-1][0] if frontier else 0):
                    used = server.memory_usage("ainews:demo-daily:requests", samples=0)
                    frontier.append((queued, int(used or 0)))
        threading.Thread(target=watch, daemon=True).start()
    own_before = sum(os.times()[:2])
    outputs = [p.communicate() for p in processes]
    seconds = time.monotonic() - started
    crawling = LAST_REQUEST[0] - started
    stop_watch.set()
    cpu = ledger.stop()
    cpu["HTTP server"] = sum(os.times()[:2]) - own_before
    for process, (_, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err[-2000:]
    result: dict[str, Any] = {"workers": workers, "seconds": seconds, "crawling": crawling,
                              "cpu": cpu}
    from archive import Archive

    counts = Archive(archive).sql("SELECT count(*) AS n, count(DISTINCT url) AS urls "
                                  "FROM article_versions").to_pylist()[0]
    result["articles"], result["distinct"] = counts["n"], counts["urls"]
    result["commits"], result["retries"] = commits_and_retries(archive)
    if redis_process is not None:
        key = "ainews:demo-daily:dupefilter"
        seen = int(server.scard(key))
        result["seen"] = seen
        result["seen_bytes"] = int(server.memory_usage(key, samples=0) or 0)
        if frontier:
            result["queued"], result["queued_bytes"] = frontier[-1]
        redis_process.terminate()
        redis_process.wait()
    return result


def main() -> None:
    """Run every configuration and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--extract-workers", type=int, default=None,
                        help="extraction processes per worker and in the solo crawl (default: "
                             "the project's, one per CPU); 1 makes each worker stand for a "
                             "one-core machine")
    args = parser.parse_args()
    if not shutil.which("redis-server"):
        sys.exit("bench/distributed.py needs redis-server (apt-get install redis-server)")
    served, _ = render_site(args.pages, heavy=False)
    static = _serve(served)
    _record_requests(static)
    counts = [0, *(int(n) for n in args.workers.split(","))]
    results = []
    for workers in counts:
        with tempfile.TemporaryDirectory(prefix="ainews-dist-") as folder:
            result = run(static.base_url, workers, Path(folder), args.extract_workers)
        results.append(result)
        print(f"  {'solo crawl' if not workers else f'{workers} workers'}: "
              f"{result['seconds']:.0f} s", file=sys.stderr)
    static.httpd.shutdown()
    baseline = results[0]["articles"] / results[0]["crawling"] * 60
    cores = os.cpu_count() or 1
    pool = (f"{args.extract_workers} extraction process(es)" if args.extract_workers
            else "one extraction process per CPU")
    print(f"\n{args.pages} demo articles on 127.0.0.1, {cores} cores, {pool} per crawl; "
          "one run per row\n")
    header = ("run", "articles", "crawl s", "wall s", "pages/min", "× solo", "CPU s/worker",
              "cores busy", *KINDS, "commits", "retries", "seen-set per 100k",
              "frontier per request")
    print(" | ".join(header))
    print(" | ".join("---" for _ in header))
    for result in results:
        rate = result["articles"] / result["crawling"] * 60
        workers = result["workers"]
        cpu = result["cpu"]
        own = cpu["crawl"] + cpu["extraction pool"] + cpu["archive process"]
        total = sum(cpu.values())
        per_100k = (f"{result['seen_bytes'] / result['seen'] * 100_000 / 1e6:.1f} MB"
                    if result.get("seen") else "–")
        print(" | ".join([
            "solo crawl (baseline)" if not workers else f"{workers} worker(s)",
            f"{result['articles']} ({result['distinct']} URLs)", f"{result['crawling']:.0f}",
            f"{result['seconds']:.0f}", f"{rate:,.0f}",
            f"{rate / baseline:.2f}", f"{own / max(workers, 1):.0f}",
            f"{total / result['seconds'] / cores:.0%}",
            *(f"{cpu[k]:.0f} s" for k in KINDS),
            str(result["commits"]), str(result["retries"]), per_100k,
            (f"{result['queued_bytes'] / result['queued']:,.0f} B (at {result['queued']:,})"
             if result.get("queued") else "–")]))


if __name__ == "__main__":
    main()
