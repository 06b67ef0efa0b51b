"""Archive at scale: a synthetic archive of N articles (1,000,000 by default), measured.

Usage: python bench/archive_scale.py [--rows N] [--batch N] [--dir DIR] [--keep]

Builds the archive in batches through ``Archive.append`` (50 sites, 3 years of publish dates,
Chinese text with a Zipf word distribution and a log-normal length around 1,500 characters),
then prints one table: append rate, bytes per article against gzip JSON Lines of the same rows,
the archived-URL set's load time and memory, ``stats`` and a count by site and month before and
after ``maintain``, and the near-duplicate pass's rate. Every figure is measured in this run.
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from archive import Archive
from archive.maintenance import maintain

SITES = 50
START = datetime(2023, 12, 1, tzinfo=UTC)
DAYS = 3 * 365
CATEGORIES = ("AI大模型", "AI应用", "AI芯片", "行业动态", "机器人", "自动驾驶", "政策", "融资")
PUNCTUATION = "，，，，。。、；：？！"


def make_corpus(chars: int, seed: int) -> str:
    """Chinese-like text: words of 1-4 Han characters drawn with Zipf frequencies."""
    rng = np.random.default_rng(seed)
    vocabulary_size = 30000
    lengths = rng.choice([1, 2, 2, 2, 3, 3, 4], size=vocabulary_size)
    codepoints = rng.integers(0x4E00, 0x4E00 + 3500, size=int(lengths.sum()))
    han = "".join(map(chr, codepoints))
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    vocabulary = [han[offsets[i] : offsets[i + 1]] for i in range(vocabulary_size)]
    ranks = np.arange(1, vocabulary_size + 1)
    weights = 1 / ranks**1.05
    words = rng.choice(vocabulary_size, size=chars // 2, p=weights / weights.sum())
    pieces: list[str] = []
    for count, word in enumerate(words):
        pieces.append(vocabulary[word])
        if count % 9 == 8:
            pieces.append(PUNCTUATION[count % len(PUNCTUATION)])
    return "".join(pieces)[:chars]


def batches(rows: int, batch: int, corpus: str, seed: int) -> Iterator[list[dict[str, Any]]]:
    """Article rows, ``batch`` at a time."""
    rng = np.random.default_rng(seed)
    cursor = 0
    for start in range(0, rows, batch):
        size = min(batch, rows - start)
        lengths = np.clip(rng.lognormal(np.log(1500), 0.5, size), 200, 8000).astype(int)
        # Crawls run in time order: each batch covers the next stretch of the three years.
        first_day = DAYS * start // rows
        last_day = max(first_day + 1, DAYS * (start + size) // rows)
        days = np.sort(rng.integers(first_day, last_day, size))
        out = []
        for i in range(size):
            n = start + i
            if cursor + lengths[i] > len(corpus):
                cursor = 0
            text = corpus[cursor : cursor + lengths[i]]
            cursor += int(lengths[i])
            published = START + timedelta(days=int(days[i]), minutes=int(n % 1440))
            site = f"site{n % SITES:02d}"
            out.append({
                "url": f"https://www.{site}.example.cn/news/{n}.html", "site": site,
                "title": text[:24], "authors": [f"作者{n % 997}"], "editors": [],
                "published_at": published, "published_raw": f"{published:%Y-%m-%d %H:%M}",
                "category": CATEGORIES[n % len(CATEGORIES)],
                "breadcrumbs": ["首页", "资讯", CATEGORIES[n % len(CATEGORIES)]],
                "tags": [CATEGORIES[(n + 3) % len(CATEGORIES)]], "source": None, "lang": "zh",
                "text": text, "fetched_at": published + timedelta(hours=2),
                "http_status": 200, "encoding": "utf-8", "spider": site, "crawl_run_id": "bench",
            })
        yield out


def timed(function: Callable[[], Any], repeat: int = 3) -> float:
    """Median wall time of ``repeat`` calls, seconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def folder_bytes(path: Path) -> int:
    """Bytes of the data files the Delta log references (replaced files excluded)."""
    from deltalake import DeltaTable

    table = DeltaTable(str(path))
    return sum(int(size) for size in table.get_add_actions(flatten=True)
               .column("size_bytes").to_pylist())


def main() -> int:
    """Build, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=50_000)
    parser.add_argument("--dir", help="where to build (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the archive afterwards")
    args = parser.parse_args()
    root = Path(args.dir or tempfile.mkdtemp(prefix="ainews-scale-"))
    print(f"building {args.rows:,} articles in {root} ...", file=sys.stderr)
    corpus = make_corpus(min(400_000_000, max(20_000_000, args.batch * 3000)), seed=1)
    archive = Archive(root / "archive")
    append_seconds = 0.0
    gzip_bytes = gzip_ascii_bytes = 0
    for number, rows in enumerate(batches(args.rows, args.batch, corpus, seed=2)):
        started = time.perf_counter()
        archive.append(rows, cluster=False)
        append_seconds += time.perf_counter() - started
        # The baselines: the same rows as gzip JSON Lines, UTF-8 and json.dumps' default
        # ASCII escapes (what a plain `json.dumps` pipeline writes).
        lines = "\n".join(json.dumps(r, ensure_ascii=False, default=str) for r in rows)
        gzip_bytes += len(gzip.compress(lines.encode("utf-8"), compresslevel=6))
        ascii_lines = "\n".join(json.dumps(r, default=str) for r in rows)
        gzip_ascii_bytes += len(gzip.compress(ascii_lines.encode("ascii"), compresslevel=6))
        print(f"  batch {number + 1}: {len(rows):,} rows", file=sys.stderr)
    delta_bytes = folder_bytes(archive.articles_path)

    def load_url_set() -> None:
        Archive(root / "archive").archived_url_hashes()

    tracemalloc.start()
    url_set = Archive(root / "archive").archived_url_hashes()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    load_seconds = timed(load_url_set)
    count_query = ("SELECT site, strftime(published_at, '%Y-%m') AS month, count(*) "
                   "FROM articles GROUP BY ALL")
    before = {"stats": timed(lambda: Archive(root / "archive").stats()),
              "count": timed(lambda: Archive(root / "archive").sql(count_query))}
    # Near-duplicate pass over every article (what `maintain` does after a bulk import).
    started = time.perf_counter()
    clustered = Archive(root / "archive").assign_missing_duplicates()
    clustering_rate = clustered / (time.perf_counter() - started)
    from deltalake import DeltaTable

    files_before = len(DeltaTable(str(archive.articles_path)).file_uris())
    started = time.perf_counter()
    maintain(Archive(root / "archive"))
    maintain_seconds = time.perf_counter() - started
    files_after = len(DeltaTable(str(archive.articles_path)).file_uris())
    compacted_bytes = folder_bytes(archive.articles_path)
    after = {"stats": timed(lambda: Archive(root / "archive").stats()),
             "count": timed(lambda: Archive(root / "archive").sql(count_query))}

    rows = args.rows
    table = [
        ("append (rows/s)", f"{rows / append_seconds:,.0f}", "", ""),
        ("on-disk bytes per article", f"{delta_bytes / rows:,.0f}",
         f"gzip JSONL {gzip_bytes / rows:,.0f} (UTF-8), {gzip_ascii_bytes / rows:,.0f} "
         "(ASCII-escaped)",
         f"{delta_bytes / gzip_bytes:.2f}× / {delta_bytes / gzip_ascii_bytes:.2f}× (≤ 0.50)"),
        ("on-disk bytes per article after maintain", f"{compacted_bytes / rows:,.0f}",
         f"gzip JSONL {gzip_bytes / rows:,.0f} (UTF-8)",
         f"{compacted_bytes / gzip_bytes:.2f}× (≤ 0.50)"),
        ("archived-URL set load (s)", f"{load_seconds:.3f}", "", "target < 3 s"),
        ("archived-URL set memory (MB)", f"{url_set.nbytes / 1e6:.1f}",
         f"peak while loading {peak / 1e6:.1f}", "target < 100 MB"),
        ("`stats` (s)", f"{before['stats']:.3f}", f"after maintain {after['stats']:.3f}",
         f"{after['stats'] / before['stats']:.2f}×"),
        ("count by site and month (s)", f"{before['count']:.3f}",
         f"after maintain {after['count']:.3f}", "target < 2 s"),
        ("maintain (s)", f"{maintain_seconds:.1f}", f"files {files_before} → {files_after}", ""),
        ("near-duplicate pass (articles/s)", f"{clustering_rate:,.0f}",
         f"{clustered:,} articles clustered", ""),
    ]
    print(f"\n## archive scale: {rows:,} articles, {SITES} sites, 3 years\n")
    print("| metric | value | beside it | ratio / target |")
    print("|---|---|---|---|")
    for metric, value, beside, note in table:
        print(f"| {metric} | {value} | {beside} | {note} |")
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
