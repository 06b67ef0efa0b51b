"""Crawl throughput on this machine: download only, full pipeline inline and with the pool.

Usage: python bench/crawl_throughput.py [--pages N] [--long N] [--workers N] [--baseline REF]

Serves N demo articles (5,000 by default; the demo-daily layout, pre-rendered so the server
costs little CPU) on 127.0.0.1 and crawls them, each run in a fresh process, with:

- download only (no pipelines: fetch, parse listings, build items);
- the full pipeline with extraction inline on the reactor thread (EXTRACT_WORKERS=0);
- the full pipeline with the extraction pool (EXTRACT_WORKERS=N, default: one per CPU);
- the same with the archive in the crawl process (ARCHIVE_PROCESS=False; the baseline for the
  archive process, which is the default);
- trafilatura alone: ``trafilatura.extract`` over the same article pages in one process, text
  only (its defaults) and with ``with_metadata=True`` (the job our pipeline does: text, title,
  author, date, categories, tags).

Prints one table: article pages per minute (the median of ``--repeat`` runs, 3 by default,
rounds interleaving the modes), the ratios against trafilatura alone, and the highest peak RSS
of the crawl process and of its whole process tree (pool workers included). With ``--long N``
a further pooled crawl of N pages prints the crawl process's RSS at each quarter, to show
whether memory grows with crawl length. With ``--baseline REF`` the pooled pipeline of that
commit (a temporary worktree) runs in the same rounds. Every figure is measured in this run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil

from ainews.demo.static import StaticServer

MODES = ("download-only", "pipeline-inline", "pipeline-pool", "pipeline-pool-inproc")


# ---- the site --------------------------------------------------------------------------------

def portal_chrome(page: str, titles: list[str], seed: int) -> str:
    """``page`` inside the weight of a real portal: styles, scripts, a channel menu, sidebars.

    Demo pages are about 5 KB; the Chinese bench pages have a median of 33 KB and the English
    ones 110-130 KB. This brings a demo page to about 45 KB with boilerplate of the usual kinds.
    """
    style = "".join(f".c{seed % 7}-{i}{{margin:{i % 9}px;color:#{i * 2654435761 % 0xFFFFFF:06x}}}"
                    for i in range(220))
    script = "".join(f"window._q{i}=window._q{i}||[];_q{i}.push(['t',{i},'{seed}']);"
                     for i in range(260))
    channels = "".join(
        f'<li><a href="/ch/{c}/">频道{c}</a><ul>'
        + "".join(f'<li><a href="/ch/{c}/{k}.html">栏目{c}-{k}</a></li>' for k in range(15))
        + "</ul></li>" for c in range(12))
    hot = "".join(f'<li><a href="/hot/{(seed + i) % 997}.html">{titles[(seed + i) % len(titles)]}'
                  f"</a></li>" for i in range(60))
    friends = "".join(f'<a href="http://partner{i}.example/">合作伙伴{i}</a> ' for i in range(60))
    page = page.replace("</head>", f"<style>{style}</style><script>{script}</script></head>", 1)
    page = page.replace("<body>", f'<body><ul class="menu">{channels}</ul>', 1)
    return page.replace("</body>", f'<div class="side"><h3>热门文章</h3><ul>{hot}</ul></div>'
                        f'<div class="links">{friends}</div></body>', 1)


def render_site(pages: int, heavy: bool) -> tuple[dict[str, bytes], list[str]]:
    """Every path of a demo-daily site with ``pages`` articles, rendered once; article paths."""
    from ainews.demo import layouts
    from ainews.demo.site import build_sites

    site = build_sites(count=pages)[0]
    base = "http://127.0.0.1"  # only robots.txt names it; rendered before the port is known
    served: dict[str, bytes] = {}
    listing = site.pages()
    for number in range(1, len(listing) + 1):
        path = f"/list/{number}.html"
        served[path] = site.render(path, base).body
    index = {a.path: i for i, a in enumerate(site.articles)}
    titles = [a.title for a in site.articles[:500]]
    if heavy:
        # Demo texts run 300-450 characters; Chinese news articles run nearer 1,500.
        for number, article in enumerate(site.articles):
            others = site.articles[(number + 1) % len(site.articles)].paragraphs
            article.paragraphs = [*article.paragraphs, *others, *article.paragraphs[:2]]
    for article in site.articles:
        related = [site.articles[(index[article.path] + k) % len(site.articles)]
                   for k in range(1, 6)]
        html = layouts.daily_article(article, related)
        if heavy:
            html = portal_chrome(html, titles, index[article.path])
        served[article.path] = html.encode()
    return served, [a.path for a in site.articles]


# ---- memory sampling -------------------------------------------------------------------------

def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class RssSampler:
    """Peak RSS of this process and of its process tree, sampled every ``interval_s``."""

    def __init__(self, interval_s: float = 0.5) -> None:
        """Start sampling in a daemon thread."""
        self.peak_self = self.peak_tree = 0
        self.samples: list[int] = []
        self._stop = threading.Event()
        self._interval = interval_s
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        pid = os.getpid()
        while not self._stop.is_set():
            own = _rss_kib(pid)
            tree = own + sum(_rss_kib(child.pid)
                             for child in psutil.Process(pid).children(recursive=True))
            self.peak_self, self.peak_tree = max(self.peak_self, own), max(self.peak_tree, tree)
            self.samples.append(own)
            self._stop.wait(self._interval)

    def stop(self) -> None:
        """Stop sampling."""
        self._stop.set()


# ---- one measured run (in a child process) ---------------------------------------------------

def child_crawl(mode: str, base_url: str, workers: int, quarters: bool,
                job_dir: bool = False) -> dict[str, Any]:
    """Crawl the served site in this process and measure it."""
    from ainews.runner import run_crawl

    settings: dict[str, Any] = {
        "ARCHIVE_URI": tempfile.mkdtemp(prefix="ainews-bench-") + "/archive",
        "LOG_LEVEL": "WARNING", "LISTING_MAX_PAGES": 1_000_000, "REVISIT_WINDOW_DAYS": 0,
        "CONCURRENT_REQUESTS": 32, "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
        "EXTRACT_WORKERS": workers if mode.startswith("pipeline-pool") else 0,
        "ARCHIVE_PROCESS": mode != "pipeline-pool-inproc",
    }
    if job_dir:
        # As `ainews crawl` runs: pending requests queue on disk in the job directory.
        settings["JOBDIR"] = tempfile.mkdtemp(prefix="ainews-bench-job-")
    if mode == "download-only":
        settings["ITEM_PIPELINES"] = {}
        settings["EXTENSIONS"] = {}
    sampler = RssSampler()
    quarter_rss: list[int] = []
    if quarters:
        _watch_quarters(quarter_rss)
    stats, _ = run_crawl("demo-daily", settings=settings, spider_kwargs={"base_url": base_url})
    sampler.stop()
    return {
        "pages": stats.get("item_scraped_count", 0) + stats.get("item_dropped_count", 0),
        "archived": stats.get("archive/added", 0),
        "seconds": stats.get("elapsed_time_seconds", 0.0),
        # The sampler looks every half second; a reading at a quarter may be higher.
        "peak_self_mb": max([sampler.peak_self, *quarter_rss]) / 1024,
        "peak_tree_mb": sampler.peak_tree / 1024,
        "quarter_rss_mb": [kib / 1024 for kib in quarter_rss],
    }


def _watch_quarters(out: list[int]) -> None:
    """Record this process's RSS each time another quarter of the articles is archived."""
    from pipelines import archiving

    original: Callable[..., Any] = archiving.ArchivePipeline.flush
    total = int(os.environ["AINEWS_BENCH_PAGES"])
    state = {"done": 0}

    async def flush(self: Any) -> None:
        state["done"] += len(self.rows)
        await original(self)
        while len(out) < 4 and state["done"] >= total * (len(out) + 1) / 4:
            out.append(_rss_kib(os.getpid()))

    archiving.ArchivePipeline.flush = flush  # type: ignore[method-assign]


def child_trafilatura(paths_file: str, base_url: str, metadata: bool) -> dict[str, Any]:
    """``trafilatura.extract`` over every article page, fetched first, in this process."""
    import urllib.request

    import trafilatura

    paths = json.loads(Path(paths_file).read_text())
    bodies = [urllib.request.urlopen(base_url + p).read().decode("utf-8") for p in paths]
    sampler = RssSampler()
    started = time.perf_counter()
    for path, html in zip(paths, bodies, strict=True):
        trafilatura.extract(html, url=base_url + path, with_metadata=metadata)
    seconds = time.perf_counter() - started
    sampler.stop()
    return {"pages": len(paths), "archived": 0, "seconds": seconds,
            "peak_self_mb": sampler.peak_self / 1024, "peak_tree_mb": sampler.peak_tree / 1024,
            "quarter_rss_mb": []}


# ---- driver ----------------------------------------------------------------------------------

def run_child(*args: str, pages: int, code: Path | None = None) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter (on the package of the checkout ``code``
    when given); return its JSON result."""
    env = {**os.environ, "AINEWS_BENCH_PAGES": str(pages)}
    if code is not None:
        env["PYTHONPATH"] = str(code)
    done = subprocess.run([sys.executable, "-P", __file__, "--child", *args], check=True,
                          capture_output=True, text=True, env=env)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> int:
    """Serve, measure every mode, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--long", type=int, default=0, help="pages of the memory-growth run")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=3, help="runs per mode (median taken)")
    parser.add_argument("--light", action="store_true",
                        help="serve the bare 5 KB demo pages instead of portal-weight ones")
    parser.add_argument("--long-job-dir", action="store_true",
                        help="run the long crawl with a job directory (disk request queue)")
    parser.add_argument("--baseline", help="a git ref whose pooled pipeline runs in the same "
                        "rounds (a temporary worktree)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, base = args.child[0], args.child[1]
        if mode.startswith("trafilatura"):
            result = child_trafilatura(args.child[2], base, mode == "trafilatura-meta")
        else:
            result = child_crawl(mode, base, int(args.child[2]), args.child[3] == "1",
                                 job_dir=args.child[4:5] == ["1"])
        print(json.dumps(result))
        return 0

    started = time.perf_counter()
    served, paths = render_site(args.pages, heavy=not args.light)
    server = _serve(served)
    sizes = sorted(len(served[p]) for p in paths)
    print(f"{len(paths)} demo articles (median {sizes[len(sizes) // 2] / 1024:.0f} KB) and "
          f"{len(served) - len(paths)} other pages served "
          f"at {server.base_url} (rendered in {time.perf_counter() - started:.0f} s); "
          f"{os.cpu_count()} CPUs, pool of {args.workers}")
    results: dict[str, dict[str, Any]] = {}
    scratch = tempfile.TemporaryDirectory()
    base = Path(scratch.name) / "baseline"
    if args.baseline:
        subprocess.run(["git", "worktree", "add", "--detach", str(base), args.baseline],
                       cwd=Path(__file__).resolve().parent.parent, check=True,
                       capture_output=True)
    try:
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
            json.dump(paths, handle)
        runs: dict[str, list[dict[str, Any]]] = {}
        # Rounds interleave the modes, so a noisy minute does not hit one mode only.
        for _ in range(args.repeat):
            for mode in (*MODES, "trafilatura-text", "trafilatura-meta"):
                extra = handle.name if mode.startswith("trafilatura") else str(args.workers)
                flags = () if mode.startswith("trafilatura") else ("0",)
                runs.setdefault(mode, []).append(
                    run_child(mode, server.base_url, extra, *flags, pages=args.pages))
            if args.baseline:
                runs.setdefault(f"pipeline-pool {args.baseline}", []).append(
                    run_child("pipeline-pool", server.base_url, str(args.workers), "0",
                              pages=args.pages, code=base))
        results = {mode: _median_run(measured) for mode, measured in runs.items()}
        long_run = None
        if args.long:
            server.close()
            server = _serve(render_site(args.long, heavy=not args.light)[0])
            long_run = run_child("pipeline-pool", server.base_url, str(args.workers), "1",
                                 "1" if args.long_job_dir else "0",
                                 pages=args.long)
    finally:
        server.close()
        if args.baseline:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)],
                           cwd=Path(__file__).resolve().parent.parent, check=False)
        scratch.cleanup()
    _print_table(results)
    if long_run is not None:
        quarters = ", ".join(f"{mb:.0f}" for mb in long_run["quarter_rss_mb"])
        print(f"\nLong pooled crawl: {long_run['archived']} articles in "
              f"{long_run['seconds']:.0f} s; crawl-process RSS at each quarter (MB): {quarters}; "
              f"peak {long_run['peak_self_mb']:.0f} MB, tree {long_run['peak_tree_mb']:.0f} MB")
    return 0


def _serve(served: dict[str, bytes]) -> StaticServer:
    return StaticServer({path: (body, "text/html; charset=utf-8") for path, body in served.items()})


def _median_run(measured: list[dict[str, Any]]) -> dict[str, Any]:
    """The run of median duration, with the highest peak RSS of all runs."""
    ordered = sorted(measured, key=lambda run: run["seconds"])
    middle = dict(ordered[len(ordered) // 2])
    middle["peak_self_mb"] = max(run["peak_self_mb"] for run in measured)
    middle["peak_tree_mb"] = max(run["peak_tree_mb"] for run in measured)
    return middle


def _rate(result: dict[str, Any]) -> float:
    return float(result["pages"] / result["seconds"] * 60) if result["seconds"] else 0.0


def _print_table(results: dict[str, dict[str, Any]]) -> None:
    text, meta = _rate(results["trafilatura-text"]), _rate(results["trafilatura-meta"])
    print(f"\n{'mode':<27} {'articles':>8} {'seconds':>8} {'pages/min':>10} {'×traf-text':>10} "
          f"{'×traf-meta':>10} {'RSS MB':>7} {'tree MB':>8}")
    for mode, result in results.items():
        rate = _rate(result)
        print(f"{mode:<27} {result['pages']:>8} {result['seconds']:>8.1f} {rate:>10.0f} "
              f"{rate / text:>10.2f} {rate / meta:>10.2f} {result['peak_self_mb']:>7.0f} "
              f"{result['peak_tree_mb']:>8.0f}")
    print("traf-text: trafilatura.extract(html, url) defaults; traf-meta: the same with "
          "with_metadata=True (title, author, date, categories, tags: the job the pipeline does)")


if __name__ == "__main__":
    sys.exit(main())
