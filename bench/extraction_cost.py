"""Extraction's CPU per page beside trafilatura doing the same job (text and metadata).

Usage: python bench/extraction_cost.py [BENCH_DIR] [--datasets a,b] [--repeat N]
       [--baseline GIT-REF]

For each set: ``extract_article`` (bytes in, as a crawl hands them over) and
``trafilatura.bare_extraction(html, with_metadata=True)`` (the decoded page), each over every page,
``--repeat`` times alternately; the medians of process time per page and their ratio. With
``--baseline REF`` the same is measured first for that commit's extractor (a temporary worktree,
its own process), so both ratios come from one run, each against its own trafilatura timing.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# The extractor measured: this checkout's, or a baseline worktree's (on PYTHONPATH).
sys.path.insert(0, os.environ.get("PYTHONPATH", "").split(os.pathsep)[0] or str(REPO))
DEFAULT_BENCH = REPO.parent / "shared" / "bench"
FETCHED = datetime(2026, 1, 1, tzinfo=UTC)


def pages_of(bench: Path, dataset: str) -> list[tuple[bytes, str | None]]:
    """The set's pages (raw bytes) with their URLs, read by the extraction bench's loader."""
    sys.path.insert(1, str(REPO / "bench"))
    from extraction import load

    rows = load(bench, dataset, None)
    return [(gzip.decompress((bench / dataset / str(row["html"])).read_bytes()),
             row["url"] if isinstance(row.get("url"), str) else None) for row in rows]


def measure(bench: Path, datasets: list[str], repeat: int) -> dict[str, dict[str, float]]:
    """Milliseconds of CPU per page, ours and trafilatura's, per set."""
    from trafilatura import bare_extraction

    from extractor import ExtractOptions, extract_article
    from extractor.decoding import decode_page

    found: dict[str, dict[str, float]] = {}
    for dataset in datasets:
        pages = pages_of(bench, dataset)
        decoded = [decode_page(page, None)[0] for page, _ in pages]
        ours, theirs = [], []
        for _ in range(repeat):
            started = time.process_time()
            for page, url in pages:
                extract_article(page, url, ExtractOptions(fetched_at=FETCHED))
            ours.append(time.process_time() - started)
            started = time.process_time()
            for html, (_, url) in zip(decoded, pages, strict=True):
                bare_extraction(html, url=url, with_metadata=True)
            theirs.append(time.process_time() - started)
        found[dataset] = {"ours": 1000 * statistics.median(ours) / len(pages),
                          "trafilatura": 1000 * statistics.median(theirs) / len(pages),
                          "pages": len(pages)}
    return found


def run_baseline(ref: str, args: argparse.Namespace) -> dict[str, dict[str, float]]:
    """This script on commit ``ref``'s extractor, in a worktree and a process of its own."""
    with tempfile.TemporaryDirectory() as scratch:
        worktree = Path(scratch) / "baseline"
        subprocess.run(["git", "worktree", "add", "--detach", str(worktree), ref], cwd=REPO,
                       check=True, capture_output=True)
        try:
            out = subprocess.run(
                [sys.executable, "-P", str(Path(__file__).resolve()), str(args.bench),
                 "--datasets", args.datasets, "--repeat", str(args.repeat), "--json"],
                check=True, capture_output=True, text=True,
                env={**os.environ, "PYTHONPATH": str(worktree)}).stdout
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=REPO,
                           check=False)
    return dict(json.loads(out.strip().splitlines()[-1]))


def main() -> int:
    """Measure, print a table (or JSON for a baseline run)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bench", nargs="?", default=str(DEFAULT_BENCH))
    parser.add_argument("--datasets", default="zh-news,zyte-aeb")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline", help="a git ref measured the same way first")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    datasets = args.datasets.split(",")
    baseline = run_baseline(args.baseline, args) if args.baseline else None
    found = measure(Path(args.bench), datasets, args.repeat)
    if args.json:
        print(json.dumps(found))
        return 0
    head = "| set | pages | ours ms/page | trafilatura ms/page | ratio |"
    if baseline is not None:
        head += f" {args.baseline} ms/page | trafilatura ms/page | ratio |"
    print(head)
    print("|---" * (head.count("|") - 1) + "|")
    for dataset in datasets:
        now = found[dataset]
        cells = [dataset, f"{now['pages']:.0f}", f"{now['ours']:.1f}",
                 f"{now['trafilatura']:.1f}", f"{now['ours'] / now['trafilatura']:.2f}×"]
        if baseline is not None:
            then = baseline[dataset]
            cells += [f"{then['ours']:.1f}", f"{then['trafilatura']:.1f}",
                      f"{then['ours'] / then['trafilatura']:.2f}×"]
        print("| " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
