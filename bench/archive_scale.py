"""Archive at scale: a synthetic archive of N articles (1,000,000 by default), measured.

Usage: python bench/archive_scale.py [--rows N] [--batch N] [--dir DIR] [--keep]
       [--no-clustering] [--baseline GIT-REF]

Builds the archive in batches through ``Archive.append`` (50 sites, 3 years of publish dates,
Chinese text with a Zipf word distribution and a log-normal length around 1,500 characters),
then prints one table: append rate, bytes per article against gzip JSON Lines of the same rows,
the archived-URL set's load time and memory, ``stats`` and a count by site and month before and
after ``maintain``, ``count(*)`` through the archive beside DuckDB alone over the same files (in
this process and as whole processes), and the near-duplicate pass's rate. With ``--baseline
REF`` the same archive is built and measured first with that commit's package (a temporary
worktree), and its column printed beside. Every figure is measured in this run.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
# The package measured: this checkout's, or a baseline worktree's (run with it on PYTHONPATH).
sys.path.insert(0, os.environ.get("PYTHONPATH", "").split(os.pathsep)[0] or str(REPO))

from archive import Archive  # noqa: E402
from archive.maintenance import maintain  # noqa: E402

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


def live_files(path: Path) -> list[str]:
    """The data files the Delta log references now."""
    from deltalake import DeltaTable

    return [uri.removeprefix("file://") for uri in DeltaTable(str(path)).file_uris()]


COUNT = "SELECT count(*) FROM articles"
BY_SITE_AND_MONTH = ("SELECT site, strftime(published_at, '%Y-%m') AS month, count(*) "
                     "FROM articles GROUP BY ALL")


def process_seconds(command: list[str], repeat: int = 5) -> float:
    """Median wall time of ``repeat`` runs of ``command`` as a whole process."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def query_costs(root: Path, code: Path) -> dict[str, float]:
    """``count(*)`` through the archive (in this process, and ``ainews query`` as a process)
    beside DuckDB alone over the same live Parquet files."""
    import duckdb

    files = live_files(root / "archive" / "articles")
    raw = f"SELECT count(*) FROM read_parquet({files!r}, hive_partitioning = true)"

    def duck_alone() -> None:
        con = duckdb.connect()
        con.sql(raw).fetchall()
        con.close()

    ainews = [sys.executable, "-P", "-c", f"import sys; sys.path.insert(0, {str(code)!r}); "
              "from ainews.cli.app import main; sys.exit(main())",
              "--archive", str(root / "archive"), "query", COUNT]
    listing = root / "files.json"
    listing.write_text(json.dumps(files), encoding="utf-8")
    duck = [sys.executable, "-c", "import duckdb, json, sys; files = json.load(open(sys.argv[1])); "
            "duckdb.sql('SELECT count(*) FROM read_parquet($files, hive_partitioning = true)', "
            "params={'files': files}).fetchall()", str(listing)]
    return {"count": timed(lambda: Archive(root / "archive").sql(COUNT), 5),
            "count_duckdb": timed(duck_alone, 5),
            "count_process": process_seconds(ainews),
            "count_process_duckdb": process_seconds(duck)}


def measure(root: Path, rows_wanted: int, batch: int, code: Path,
            cluster: bool) -> dict[str, float]:
    """Build the archive in ``root`` and measure it; every figure of the table."""
    import archive

    print(f"building {rows_wanted:,} articles in {root} with {Path(archive.__file__).parent} ...",
          file=sys.stderr)
    corpus = make_corpus(min(400_000_000, max(20_000_000, batch * 3000)), seed=1)
    archive = Archive(root / "archive")
    append_seconds = 0.0
    gzip_bytes = gzip_ascii_bytes = 0
    for number, rows in enumerate(batches(rows_wanted, batch, corpus, seed=2)):
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
    found: dict[str, float] = {
        "rows": rows_wanted, "append_rate": rows_wanted / append_seconds,
        "bytes": folder_bytes(archive.articles_path) / rows_wanted,
        "gzip_bytes": gzip_bytes / rows_wanted, "gzip_ascii_bytes": gzip_ascii_bytes / rows_wanted}

    def load_url_set() -> None:
        Archive(root / "archive").archived_url_hashes()

    tracemalloc.start()
    url_set = Archive(root / "archive").archived_url_hashes()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    found |= {"url_set_load": timed(load_url_set), "url_set_mb": url_set.nbytes / 1e6,
              "url_set_peak_mb": peak / 1e6,
              "stats": timed(lambda: Archive(root / "archive").stats()),
              "by_site_month": timed(lambda: Archive(root / "archive").sql(BY_SITE_AND_MONTH))}
    found |= query_costs(root, code)
    if cluster:
        # Near-duplicate pass over every article (what `maintain` does after a bulk import).
        started = time.perf_counter()
        clustered = Archive(root / "archive").assign_missing_duplicates()
        found["clustering_rate"] = clustered / (time.perf_counter() - started)
    if not cluster:
        return found  # `maintain` would cluster every article first
    from deltalake import DeltaTable

    found["files_before"] = len(DeltaTable(str(archive.articles_path)).file_uris())
    started = time.perf_counter()
    maintain(Archive(root / "archive"))
    found["maintain"] = time.perf_counter() - started
    found["files_after"] = len(DeltaTable(str(archive.articles_path)).file_uris())
    found["bytes_after"] = folder_bytes(archive.articles_path) / rows_wanted
    found["stats_after"] = timed(lambda: Archive(root / "archive").stats())
    found["by_site_month_after"] = timed(
        lambda: Archive(root / "archive").sql(BY_SITE_AND_MONTH))
    found |= {f"{key}_after": value for key, value in query_costs(root, code).items()}
    return found


ROWS = [
    # (label, key, format, what it is compared with)
    ("append (rows/s)", "append_rate", "{:,.0f}", None),
    ("bytes per article on disk", "bytes", "{:,.0f}", "gzip_bytes"),
    ("bytes per article after maintain", "bytes_after", "{:,.0f}", "gzip_bytes"),
    ("gzip JSON Lines of the same rows, bytes per article", "gzip_bytes", "{:,.0f}", None),
    ("archived-URL set load (s)", "url_set_load", "{:.3f}", None),
    ("archived-URL set memory (MB)", "url_set_mb", "{:.1f}", None),
    ("`Archive.stats()` (s)", "stats", "{:.3f}", None),
    ("`Archive.stats()` after maintain (s)", "stats_after", "{:.3f}", None),
    ("count by site and month (s)", "by_site_month", "{:.3f}", None),
    ("count by site and month after maintain (s)", "by_site_month_after", "{:.3f}", None),
    ("`count(*)` in process: `Archive.sql` (s)", "count", "{:.3f}", "count_duckdb"),
    ("`count(*)` in process: DuckDB alone on the files (s)", "count_duckdb", "{:.3f}", None),
    ("`ainews query` count(*), whole process (s)", "count_process", "{:.3f}",
     "count_process_duckdb"),
    ("`python -c duckdb…` count(*), whole process (s)", "count_process_duckdb", "{:.3f}", None),
    ("`count(*)` in process after maintain (s)", "count_after", "{:.3f}", "count_duckdb_after"),
    ("`ainews query` count(*) after maintain (s)", "count_process_after", "{:.3f}",
     "count_process_duckdb_after"),
    ("maintain (s)", "maintain", "{:.1f}", None),
    ("data files before → after maintain", "files_before", "{:,.0f}", None),
    ("near-duplicate pass (articles/s)", "clustering_rate", "{:,.0f}", None),
]


def print_table(current: dict[str, float], baseline: dict[str, float] | None,
                label: str) -> None:
    """One Markdown table: each figure, its ratio to what it is compared with, the baseline's."""
    rows = int(current["rows"])
    print(f"\n## archive scale: {rows:,} articles, {SITES} sites, 3 years\n")
    head = "| metric | this commit | ratio |"
    if baseline is not None:
        head += f" {label} | ratio | this ÷ {label} |"
    print(head)
    print("|---" * (head.count("|") - 1) + "|")
    for text, key, form, versus in ROWS:
        line = [text, *_cells(current, key, form, versus)]
        if baseline is not None:
            line += _cells(baseline, key, form, versus)
            line.append(f"{current[key] / baseline[key]:.2f}×"
                        if key in current and key in baseline and baseline[key] else "")
        print("| " + " | ".join(line) + " |")


def _cells(found: dict[str, float], key: str, form: str, versus: str | None) -> list[str]:
    """A figure and its ratio to what it is compared with ("–" when not measured)."""
    if key not in found:
        return ["–", ""]
    value = form.format(found[key])
    if key == "files_before":
        value += f" → {found['files_after']:,.0f}"
    ratio = f"{found[key] / found[versus]:.2f}×" if versus and versus in found else ""
    return [value, ratio]


def main() -> int:
    """Build, measure, print (with ``--baseline REF``: the same for that commit's code)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=50_000)
    parser.add_argument("--dir", help="where to build (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the archive afterwards")
    parser.add_argument("--no-clustering", action="store_true",
                        help="skip the near-duplicate pass and `maintain`, which runs one (the "
                        "slowest part at 1,000,000)")
    parser.add_argument("--baseline", help="a git ref measured the same way first")
    parser.add_argument("--code", help=argparse.SUPPRESS)  # the checkout whose package runs
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    code = Path(args.code or REPO)
    baseline = None
    if args.baseline:
        baseline = run_baseline(args)
    root = Path(args.dir or tempfile.mkdtemp(prefix="ainews-scale-"))
    try:
        found = measure(root, args.rows, args.batch, code, not args.no_clustering)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    if args.json:
        print(json.dumps(found))
    else:
        print_table(found, baseline, args.baseline or "")
    return 0


def run_baseline(args: argparse.Namespace) -> dict[str, float]:
    """This script, run on the package of commit ``args.baseline`` (a temporary worktree)."""
    with tempfile.TemporaryDirectory() as scratch:
        worktree = Path(scratch) / "baseline"
        subprocess.run(["git", "worktree", "add", "--detach", str(worktree), args.baseline],
                       cwd=REPO, check=True, capture_output=True)
        try:
            command = [sys.executable, "-P", str(Path(__file__).resolve()), "--json",
                       "--rows", str(args.rows), "--batch", str(args.batch),
                       "--code", str(worktree)]
            if args.no_clustering:
                command.append("--no-clustering")
            out = subprocess.run(command, check=True, capture_output=True, text=True,
                                 env={**os.environ, "PYTHONPATH": str(worktree)}).stdout
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=REPO,
                           check=False)
    return dict(json.loads(out.strip().splitlines()[-1]))


if __name__ == "__main__":
    sys.exit(main())
