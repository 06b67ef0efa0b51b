"""The discovery crawl's page classifier: article recall on real pages, and demo non-articles.

Usage: python bench/page_classifier.py [BENCH_DIR]

Every page in the benchmark sets (BENCH_DIR, default ../shared/bench) is an article page, so
they measure recall: the share judged an article (a miss is an article a discovery crawl would
not archive). The demo sites supply the other side: their home, listing, tag, category and
about pages, every one of which must be judged not an article, and their article pages. Prints
one table and the reasons of up to three misses per dataset.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

from crawler.demo.site import build_sites
from extractor.decoding import decode_html
from pipelines.classify import classify_page

REPO = Path(__file__).resolve().parent.parent
DEFAULT_BENCH = REPO.parent / "shared" / "bench"


def real_pages(bench: Path) -> dict[str, list[tuple[str, str, str]]]:
    """Per dataset: (id, url, html) of every page."""
    found: dict[str, list[tuple[str, str, str]]] = {}
    for folder in sorted(p for p in bench.iterdir() if (p / "ground-truth.jsonl").exists()):
        rows = []
        for line in (folder / "ground-truth.jsonl").read_text(encoding="utf-8").splitlines():
            truth = json.loads(line)
            html, _ = decode_html(gzip.decompress((folder / truth["html"]).read_bytes()))
            rows.append((truth["id"], truth.get("url") or "http://example.com/", html))
        found[folder.name] = rows
    return found


def demo_pages() -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """(articles, non-articles) of the three demo sites, as (path, url, html)."""
    articles, others = [], []
    base = "http://127.0.0.1:8701"
    for site in build_sites():
        for article in site.articles[:20]:
            html, _ = decode_html(site.render(article.path, base).body)
            articles.append((article.path, base + article.path, html))
        tags = sorted({tag for article in site.articles for tag in article.tags})[:3]
        paths = ["/", "/list/2.html", "/page/2/", "/tech/index_2.shtml", "/about.html",
                 *(f"/tag/{tag}.html" for tag in tags), *(f"/tag/{tag}" for tag in tags),
                 f"/category/{site.articles[0].category}"]
        for path in paths:
            response = site.render(path, base)
            if response.status == 200 and response.content_type.startswith("text/html"):
                html, _ = decode_html(response.body)
                others.append((f"{site.name}{path}", base + path, html))
    return articles, others


def main() -> int:
    """Classify every page, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("bench", nargs="?", type=Path, default=DEFAULT_BENCH)
    args = parser.parse_args()
    if not args.bench.is_dir():
        print(f"page_classifier: no benchmark folder at {args.bench}", file=sys.stderr)
        return 2
    print(f"{'pages':<26} {'count':>6} {'judged article':>15} {'share':>7} {'ms/page':>8}")
    misses: dict[str, list[str]] = {}
    demo_articles, demo_others = demo_pages()
    groups = {**real_pages(args.bench), "demo articles": demo_articles,
              "demo non-articles": demo_others}
    for name, pages in groups.items():
        started = time.perf_counter()
        verdicts = [(page_id, classify_page(html, url)) for page_id, url, html in pages]
        per_page = (time.perf_counter() - started) / max(1, len(pages)) * 1000
        judged = sum(v.is_article for _, v in verdicts)
        print(f"{name:<26} {len(pages):>6} {judged:>15} {judged / max(1, len(pages)):>7.3f} "
              f"{per_page:>8.1f}")
        wrong = [(i, v) for i, v in verdicts if v.is_article == (name == "demo non-articles")]
        misses[name] = [f"{i}: {v.score} ({v.reason})" for i, v in wrong[:3]]
    print("\nMisjudged (first three per group):")
    for name, lines in misses.items():
        for line in lines:
            print(f"  {name}: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
