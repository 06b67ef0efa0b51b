"""AI-entity mentions: precision and recall on hand-labelled passages of real pages, the
matcher's speed beside extraction's, and the multi-pattern matchers measured.

Usage: python bench/entities.py [BENCH_DIR] [--judgements FILE] [--repeat N]

1. Quality: ``bench/data/entity-judgements.json`` names passages of the ground-truth bodies of
   ``../shared/bench`` (set, page id, character span) with the entities a reader finds there and
   how often. Each passage's mentions (``extractor.entities.find_mentions``) are compared with
   its labels, entity by entity: found up to the labelled count are right, more are false,
   fewer are missed. Micro precision and recall, overall, per language and per half of the site
   brands (``bench/extraction.py``'s ``brand_half``: A to look at, B to report).
2. Cost: on zh-news' pages, ``extract_article`` per page against matching its title and body
   (``count_mentions``), medians of ``--repeat`` runs.
3. Matchers: the gazetteer's names found in the same texts by pyahocorasick, ahocorasick-rs and
   one compiled regular expression (every occurrence, before the boundary and context rules).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(1, str(REPO / "bench"))
DEFAULT_BENCH = REPO.parent / "shared" / "bench"
JUDGEMENTS = REPO / "bench" / "data" / "entity-judgements.json"


def passages(bench: Path, judgements: Path) -> list[dict[str, object]]:
    """The judged passages with their text, language and brand half."""
    from extraction import brand_half, load

    wanted = json.loads(judgements.read_text(encoding="utf-8"))["passages"]
    rows: dict[tuple[str, str], dict[str, object]] = {}
    for dataset in sorted({str(p["set"]) for p in wanted}):
        for row in load(bench, dataset, None):
            rows[dataset, str(row["id"])] = row
    out = []
    for judged in wanted:
        row = rows[str(judged["set"]), str(judged["id"])]
        body = str(row["body"])
        raw = gzip.decompress((bench / str(judged["set"]) / str(row["html"])).read_bytes())
        text = body[int(judged["start"]):int(judged["end"])]
        out.append({**judged, "text": text, "body": body, "half": brand_half(row, raw),
                    "lang": "zh" if re.search(r"[\u4e00-\u9fff]", text) else "en"})
    return out


def score(judged: list[dict[str, object]], *, in_article: bool) -> dict[str, list[int]]:
    """(right, false, missed) per group: all, each language, each half. ``in_article``: the
    matcher reads the page's whole body (as extraction hands it the article) and the mentions
    inside the passage are counted; else it reads the passage alone."""
    from extractor.entities import find_mentions

    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for passage in judged:
        if in_article:
            start, end = int(passage["start"]), int(passage["end"])  # type: ignore[call-overload]
            found = Counter(m.entity for m in find_mentions(str(passage["body"]))
                            if m.start >= start and m.end <= end)
        else:
            found = Counter(m.entity for m in find_mentions(str(passage["text"])))
        wanted = Counter(dict(passage["mentions"]))  # type: ignore[call-overload]
        right = sum((found & wanted).values())
        false = sum((found - wanted).values())
        missed = sum((wanted - found).values())
        for group in ("all", f"lang {passage['lang']}", f"half {passage['half']}"):
            counts = totals[group]
            counts[0] += right
            counts[1] += false
            counts[2] += missed
    return dict(totals)


def cost(bench: Path, repeat: int) -> tuple[float, float, int]:
    """Median ms per zh-news page of extraction and of matching its result; pages."""
    from extraction import load

    from extractor import ExtractOptions, extract_article
    from extractor.entities import count_mentions

    pages = [gzip.decompress((bench / "zh-news" / str(r["html"])).read_bytes())
             for r in load(bench, "zh-news", None)]
    options = ExtractOptions(min_chars=40)
    articles = [extract_article(page, None, options) for page in pages]
    texts = [(a.title, a.text) for a in articles if a is not None]
    extract_runs, match_runs = [], []
    for _ in range(repeat):
        started = time.process_time()
        for page in pages:
            extract_article(page, None, options)
        extract_runs.append((time.process_time() - started) / len(pages))
        started = time.process_time()
        for title, text in texts:
            count_mentions(title, text)
        match_runs.append((time.process_time() - started) / len(pages))
    return 1000 * statistics.median(extract_runs), 1000 * statistics.median(match_runs), len(pages)


def matchers(bench: Path, repeat: int) -> list[tuple[str, float, int, float]]:
    """Per matcher: (name, ms to build, occurrences found, ms to scan zh-news' bodies)."""
    import ahocorasick
    import ahocorasick_rs
    from extraction import load

    from extractor.entities import gazetteer

    names = sorted({n.lower() for e in gazetteer().values() for n in e.names})
    texts = [str(r["body"]).lower() for r in load(bench, "zh-news", None)] * 5

    def pyahocorasick() -> Callable[[str], int]:
        automaton = ahocorasick.Automaton()
        for name in names:
            automaton.add_word(name, name)
        automaton.make_automaton()
        return lambda text: sum(1 for _ in automaton.iter(text))

    def rust() -> Callable[[str], int]:
        automaton = ahocorasick_rs.AhoCorasick(names)
        return lambda text: len(automaton.find_matches_as_indexes(text, overlapping=True))

    def regex() -> Callable[[str], int]:
        pattern = re.compile("|".join(map(re.escape, sorted(names, key=len, reverse=True))))
        return lambda text: len(pattern.findall(text))

    out = []
    for name, build in (("pyahocorasick", pyahocorasick), ("ahocorasick-rs", rust),
                        ("re alternation", regex)):
        started = time.perf_counter()
        scan = build()
        built = 1000 * (time.perf_counter() - started)
        runs, found = [], 0
        for _ in range(repeat):
            started = time.process_time()
            found = sum(scan(text) for text in texts)
            runs.append(1000 * (time.process_time() - started))
        out.append((name, built, found, statistics.median(runs)))
    return out


def main() -> int:
    """Print the three tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bench", nargs="?", default=str(DEFAULT_BENCH))
    parser.add_argument("--judgements", default=str(JUDGEMENTS))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    bench = Path(args.bench)
    judged = passages(bench, Path(args.judgements))
    labelled = sum(sum(dict(p["mentions"]).values()) for p in judged)  # type: ignore[call-overload]
    print(f"{len(judged)} passages, {labelled} labelled mentions, "
          f"{sum(1 for p in judged if not p['mentions'])} passages without one\n")
    for in_article, heading in ((True, "matched in the whole article, as extraction does"),
                                (False, "matched in the passage alone")):
        print(f"{heading}:\n")
        print("| passages | right | false | missed | precision | recall |")
        print("|---|---|---|---|---|---|")
        for group, (right, false, missed) in sorted(score(judged, in_article=in_article).items()):
            print(f"| {group} | {right} | {false} | {missed} | "
                  f"{right / max(1, right + false):.3f} | {right / max(1, right + missed):.3f} |")
        print()
    extract_ms, match_ms, pages = cost(bench, args.repeat)
    print(f"\n| zh-news ({pages} pages) | ms per page (CPU, median of {args.repeat}) |")
    print("|---|---|")
    print(f"| extract_article | {extract_ms:.2f} |")
    print(f"| count_mentions (title and body) | {match_ms:.3f} ({match_ms / extract_ms:.1%} "
          f"of extraction; {1000 / max(match_ms, 1e-9):,.0f} articles/s) |")
    print("\n| matcher | build ms | occurrences | scan ms (zh-news bodies ×5) |")
    print("|---|---|---|---|")
    for name, built, found, scanned in matchers(bench, args.repeat):
        print(f"| {name} | {built:.1f} | {found:,} | {scanned:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
