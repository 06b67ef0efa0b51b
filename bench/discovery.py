"""Zero-code discovery on the site zoo: recall, precision, pages per article, metadata.

Usage: python bench/discovery.py [--sites NAME,...] [--baseline GIT-REF]

Serves every zoo site (``ainews/demo/zoo``) on 127.0.0.1 and crawls each with
``ainews crawl http://127.0.0.1:PORT/`` (no profile), then crawls it again. Per site: article
recall and precision of what was archived (an archived URL counts when it is one of the site's
article URLs), pages fetched per article archived, the share of archived articles whose title,
authors and publish time match the truth, how many known article pages the second crawl
requested, and the peak memory of the crawl's largest process. ``--baseline REF`` crawls with
the code of REF (a git worktree) beside the current code; the zoo is served by the current
code either way.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def crawl_site(site: Any, server: Any, command: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Crawl one zoo site twice into a fresh archive; the figures of the first crawl."""
    from archive import Archive

    base = server.base_url(site.name)
    truth = {a.path: a for a in site.articles}
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "archive"
        run = [*command, "--archive", str(root), "crawl", base + "/", "--set", "LOG_LEVEL=WARNING",
               "--set", "DOWNLOAD_DELAY=0", "--set", "AUTOTHROTTLE_ENABLED=False",
               "--set", "REVISIT_WINDOW_DAYS=0"]
        first = subprocess.run([sys.executable, "-c", _PEAK, *run], cwd=REPO, env=env,
                               capture_output=True, text=True, timeout=900, check=False)
        peak = int(first.stderr.rsplit("peak_kib=", 1)[-1].split()[0]) / 1024
        fetched = len(server.requests(site.name))
        try:
            rows = Archive(root).to_arrow(
                columns=["url", "title", "authors", "published_at"]).to_pylist()
        except Exception:
            rows = []
        mark = len(server.requests(site.name))
        subprocess.run(run, cwd=REPO, env=env, capture_output=True, text=True, timeout=900,
                       check=False)
        again = [p for p in server.requests(site.name)[mark:] if p in truth]
    found = {r["url"].removeprefix(base): r for r in rows}
    hits = [p for p in found if p in truth]
    title = sum(found[p]["title"] == truth[p].title for p in hits)
    authors = sum(sorted(found[p]["authors"] or []) == sorted(truth[p].authors) for p in hits)
    dates = sum(found[p]["published_at"] is not None and abs(
        (found[p]["published_at"] - truth[p].published_at).total_seconds()) < 60 for p in hits)
    n = max(1, len(hits))
    return {"site": site.name, "articles": len(truth), "archived": len(rows),
            "recall": len(hits) / len(truth), "precision": len(hits) / max(1, len(rows)),
            "pages_per_article": fetched / max(1, len(rows)), "title": title / n,
            "authors": authors / n, "date": dates / n, "recrawl_article_requests": len(again),
            "exit": first.returncode, "peak_mib": peak}


# Runs a command and reports the peak resident memory of its largest process (the crawl, an
# extraction worker or the archive process). A small wrapper: Linux carries a parent's peak
# across fork and exec, so measured from this bench's own (larger) process it would show ours.
_PEAK = ("import resource, subprocess, sys; done = subprocess.run(sys.argv[1:]); "
         "print(f'peak_kib={resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}', "
         "file=sys.stderr); sys.exit(done.returncode)")


def run(command: list[str], env: dict[str, str], names: set[str] | None) -> list[dict[str, Any]]:
    """Every (chosen) zoo site, crawled with ``command``."""
    from ainews.demo.server import DemoServer
    from ainews.demo.zoo.layouts import build_zoo

    sites = [s for s in build_zoo() if not names or s.name in names]
    results = []
    with DemoServer(ports={}, sites=sites) as server:
        for site in sites:
            results.append(crawl_site(site, server, command, env))
            print(f"  {site.name}: done", file=sys.stderr)
    return results


def table(results: list[dict[str, Any]], title: str) -> None:
    """Print one markdown table with a mean row."""
    cols = ["recall", "precision", "pages_per_article", "title", "authors", "date"]
    print(f"\n### {title}\n")
    print("| site | articles | archived | recall | precision | pages/article | title | authors"
          " | date | 2nd crawl article requests | exit | peak MiB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['site']} | {r['articles']} | {r['archived']} | " + " | ".join(
            f"{r[c]:.2f}" for c in cols) + f" | {r['recrawl_article_requests']} | {r['exit']} "
            f"| {r['peak_mib']:.0f} |")
    if results:
        means = " | ".join(f"{sum(r[c] for r in results) / len(results):.2f}" for c in cols)
        peaks = sorted(r["peak_mib"] for r in results)
        print(f"| **mean** | | | {means} | | | median {peaks[len(peaks) // 2]:.0f} |")


def main() -> None:
    """Crawl the zoo (and with ``--baseline``, with an older checkout too)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", help="comma-separated zoo site names")
    parser.add_argument("--baseline", help="a git ref to crawl the zoo with as well")
    args = parser.parse_args()
    names = set(args.sites.split(",")) if args.sites else None
    env = dict(os.environ)
    ainews = [str(Path(sys.executable).parent / "ainews")]
    if args.baseline:
        worktree = Path(tempfile.mkdtemp(prefix="ainews-baseline-"))
        subprocess.run(["git", "worktree", "add", "--detach", str(worktree), args.baseline],
                       cwd=REPO, check=True, capture_output=True)
        try:
            old = run([sys.executable, "-P", "-m", "ainews.cli"],
                      {**env, "PYTHONPATH": str(worktree)}, names)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=REPO,
                           check=False, capture_output=True)
        table(old, f"baseline: {args.baseline} (fixed URL shapes)")
    table(run(ainews, env, names), "current")


if __name__ == "__main__":
    main()
