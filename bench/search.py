"""Search quality and cost on real Chinese news: our index, tantivy, and a substring baseline.

Usage: python bench/search.py [BENCH_DIR] [--judgements FILE] [--engines ours,tantivy,substring]
       python bench/search.py --scale N

The pages of ``zh-news`` that have a body and those of ``cwced-zh`` are stored in a temporary
archive (title and body as annotated); ``bench/data/search-judgements.json`` holds judged
queries written for the project (graded relevance). For each engine: nDCG@10 (graded), recall
at 20, median and 95th-percentile query time, index build time and size as a share of the
text. Engines:

- ours: ``Archive.search`` (SQLite FTS5 over jieba words and Chinese character pairs, BM25,
  title ×4; every term required first, then any), reprints expanded;
- tantivy: the same words and character pairs in a tantivy index, its BM25, title ×4, every
  term required first and then any (installed with ``pip install -e '.[bench]'``);
- substring: articles holding every query term as written, ranked by how often they occur
  (the title counting four times): what ``LIKE '%…%'`` over the text can do.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_BENCH = REPO.parent / "shared" / "bench"
JUDGEMENTS = REPO / "bench" / "data" / "search-judgements.json"
SETS = ("zh-news", "cwced-zh")

Ranker = Callable[[str], list[str]]


def load_pages(bench: Path) -> list[dict[str, Any]]:
    """Every page of the sets with an annotated body: id, site, title, text."""
    pages = []
    for dataset in SETS:
        for line in (bench / dataset / "ground-truth.jsonl").read_text().splitlines():
            row = json.loads(line)
            if row.get("body"):
                pages.append({"id": row["id"], "site": row.get("site") or dataset,
                              "title": row.get("title") or "", "text": row["body"]})
    return pages


def resolve(judgements: list[dict[str, Any]], ids: Sequence[str]) -> list[dict[str, int]]:
    """Each query's graded relevant page ids, written by their first characters."""
    resolved = []
    for query in judgements:
        grades = {}
        for prefix, grade in query["relevant"].items():
            matches = [i for i in ids if i.startswith(prefix)]
            if len(matches) != 1:
                raise SystemExit(f"{query['query']}: {prefix!r} names {len(matches)} pages")
            grades[matches[0]] = grade
        resolved.append(grades)
    return resolved


def ndcg(ranked: Sequence[str], grades: dict[str, int], k: int = 10) -> float:
    """Normalised discounted cumulative gain of the first ``k`` results."""
    gain = sum((2 ** grades.get(doc, 0) - 1) / math.log2(i + 2)
               for i, doc in enumerate(ranked[:k]))
    ideal = sum((2 ** g - 1) / math.log2(i + 2)
                for i, g in enumerate(sorted(grades.values(), reverse=True)[:k]))
    return gain / ideal if ideal else 0.0


def recall(ranked: Sequence[str], grades: dict[str, int], k: int = 20) -> float:
    """Share of the relevant pages among the first ``k`` results."""
    return len(set(ranked[:k]) & set(grades)) / len(grades)


def ours(pages: list[dict[str, Any]], scratch: Path) -> tuple[Ranker, float, int]:
    """Our index over an archive of the pages: (ranker, build seconds, index bytes)."""
    from archive import Archive
    from archive.search import SearchIndex

    archive = Archive(scratch / "archive")
    now = datetime.now(UTC)
    archive.append([{"url": f"http://bench.example/{p['id']}", "site": p["site"],
                     "title": p["title"], "text": p["text"], "fetched_at": now} for p in pages],
                   cluster=True)
    index = SearchIndex(archive)
    started = time.perf_counter()
    index.rebuild()
    seconds = time.perf_counter() - started

    def rank(query: str) -> list[str]:
        hits = index.search(query, limit=20, expand=True)
        return [url.rsplit("/", 1)[-1] for hit in hits for url in (hit.url, *hit.others)]

    return rank, seconds, sum(f.stat().st_size for f in index.path.parent.rglob("*")
                              if f.is_file())


def tantivy_engine(pages: list[dict[str, Any]], scratch: Path) -> tuple[Ranker, float, int]:
    """tantivy given what our index gets: jieba words and character pairs, the title ×4,
    every term required first, then any: (ranker, build seconds, index bytes)."""
    import tantivy

    from archive.search import parse_query
    from archive.segmenting import index_grams, index_words

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    for field in ("title", "body", "title_grams", "body_grams"):
        builder.add_text_field(field, tokenizer_name="default")
    schema = builder.build()
    folder = scratch / "tantivy"
    folder.mkdir()
    started = time.perf_counter()
    index = tantivy.Index(schema, path=str(folder))
    writer = index.writer()
    for page in pages:
        writer.add_document(tantivy.Document(
            id=page["id"], title=index_words(page["title"]), body=index_words(page["text"]),
            title_grams=index_grams(page["title"]), body_grams=index_grams(page["text"])))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    seconds = time.perf_counter() - started
    searcher = index.searcher()
    fields = ["title", "body", "title_grams", "body_grams"]
    boosts = {"title": 4.0, "title_grams": 4.0}

    def clause(words: Sequence[str], pairs: Sequence[str]) -> str:
        either = [f'{f}:"{" ".join(words)}"~{2 * len(words)}' for f in ("title", "body")]
        if pairs:
            either += [f'{f}:"{" ".join(pairs)}"' for f in ("title_grams", "body_grams")]
        return "(" + " OR ".join(either) + ")"

    def rank(query: str) -> list[str]:
        terms = [clause(t.words, t.grams) for t in parse_query(query)]
        found: list[str] = []
        for text in (" AND ".join(terms), " OR ".join(terms)):
            parsed = index.parse_query(text, fields, field_boosts=boosts)
            for _, address in searcher.search(parsed, 20).hits:
                doc = str(searcher.doc(address)["id"][0])
                if doc not in found:
                    found.append(doc)
            if len(found) >= 20 or len(terms) == 1:
                break
        return found[:20]

    size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
    return rank, seconds, size


def substring(pages: list[dict[str, Any]], scratch: Path) -> tuple[Ranker, float, int]:
    """Every term as written, ranked by occurrences: (ranker, 0, 0)."""
    def rank(query: str) -> list[str]:
        terms = [t.strip('"').lower() for t in query.split()]
        scored = []
        for page in pages:
            title, text = page["title"].lower(), page["text"].lower()
            if all(t in title or t in text for t in terms):
                scored.append((-sum(4 * title.count(t) + text.count(t) for t in terms),
                               page["id"]))
        return [doc for _, doc in sorted(scored)[:20]]

    return rank, 0.0, 0


ENGINES = {"ours": ours, "tantivy": tantivy_engine, "substring": substring}


def at_scale(rows: int, queries: int, engine: str) -> None:
    """Our index over ``rows`` synthetic articles (``bench/archive_scale.py``'s text): build
    rate, size as a share of the text, latency of one- and two-word queries."""
    import random

    sys.path.insert(0, str(REPO / "bench"))
    from archive_scale import batches, make_corpus

    from archive import Archive
    from archive.search import SearchIndex

    scratch = Path(tempfile.mkdtemp(prefix="ainews-search-scale-"))
    try:
        archive = Archive(scratch / "archive")
        corpus = make_corpus(min(400_000_000, max(20_000_000, rows * 300)), seed=1)
        text_bytes = 0
        for batch in batches(rows, 50_000, corpus, seed=2):
            archive.append(batch, cluster=False)
            text_bytes += sum(len(r["text"].encode()) + len(r["title"].encode()) for r in batch)
        if engine == "tantivy":
            pages = [{"id": r["url"], "title": r["title"] or "", "text": r["text"] or ""}
                     for r in archive.to_arrow(columns=["url", "title", "text"]).to_pylist()]
            (scratch / "tantivy").mkdir()
            ranker, build, size = tantivy_engine(pages, scratch / "tantivy")
            del pages

            def ask(query: str) -> None:
                ranker(query)
        else:
            index = SearchIndex(archive)
            started = time.perf_counter()
            index.rebuild()
            build = time.perf_counter() - started
            size = sum(f.stat().st_size for f in index.path.parent.rglob("*") if f.is_file())

            def ask(query: str) -> None:
                index.search(query, limit=10)
        rng = random.Random(3)
        def word() -> str:
            # Two or three characters from a random place of the text the archive holds.
            start = rng.randrange(0, min(len(corpus), 5_000_000) - 3)
            return corpus[start:start + rng.choice((2, 2, 3))]

        asked = [word() if i % 2 else f"{word()} {word()}" for i in range(queries)]
        ask(asked[0])  # warm
        times = []
        for query in asked:
            started = time.perf_counter()
            ask(query)
            times.append(1000 * (time.perf_counter() - started))
        p95 = sorted(times)[max(0, math.ceil(0.95 * len(times)) - 1)]
        print(f"| {engine} | {rows:,} articles | {rows / build:,.0f} articles/s ({build:.0f} s) | "
              f"{size / text_bytes:.2f} | {statistics.median(times):.1f} | {p95:.1f} |")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main() -> int:
    """Build each engine, run every judged query, print one table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bench", nargs="?", default=str(DEFAULT_BENCH))
    parser.add_argument("--judgements", default=str(JUDGEMENTS))
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--scale", type=int, metavar="N",
                        help="instead: our index over N synthetic articles (build rate, size, "
                             "query latency)")
    parser.add_argument("--misses", action="store_true",
                        help="list each query's relevant pages missing from the first 20")
    args = parser.parse_args()
    if args.scale:
        print("| engine | archive | index build | index ÷ text | query p50 ms | query p95 ms |")
        print("|---|---|---|---|---|---|")
        for engine in args.engines.split(","):
            if engine != "substring":
                at_scale(args.scale, 200, engine)
        return 0
    pages = load_pages(Path(args.bench))
    judged = json.loads(Path(args.judgements).read_text())["queries"]
    grades = resolve(judged, [p["id"] for p in pages])
    text_bytes = sum(len(p["title"].encode()) + len(p["text"].encode()) for p in pages)
    print(f"{len(pages)} pages ({text_bytes / 1e6:.1f} MB of text), {len(judged)} judged queries")
    print("\n| engine | nDCG@10 | recall@20 | query p50 ms | query p95 ms | build s "
          "| index ÷ text |")
    print("|---|---|---|---|---|---|---|")
    scratch = Path(tempfile.mkdtemp(prefix="ainews-search-bench-"))
    try:
        for name in args.engines.split(","):
            folder = scratch / name
            folder.mkdir()
            rank, build, size = ENGINES[name](pages, folder)
            rank(judged[0]["query"])  # warm: dictionaries and caches loaded
            scores, recalls, times = [], [], []
            for query, wanted in zip(judged, grades, strict=True):
                started = time.perf_counter()
                ranked = rank(query["query"])
                times.append(1000 * (time.perf_counter() - started))
                scores.append(ndcg(ranked, wanted))
                recalls.append(recall(ranked, wanted))
                if args.misses and recalls[-1] < 1:
                    missing = sorted(set(wanted) - set(ranked[:20]))
                    print(f"  {name} misses for {query['query']!r}: {missing}")
            p95 = sorted(times)[max(0, math.ceil(0.95 * len(times)) - 1)]
            print(f"| {name} | {statistics.mean(scores):.3f} | {statistics.mean(recalls):.3f} "
                  f"| {statistics.median(times):.1f} | {p95:.1f} | {build:.2f} | "
                  f"{size / text_bytes:.2f} |")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
