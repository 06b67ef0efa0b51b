"""Extraction benchmark: ``extract_article`` beside trafilatura (and readability/GNE if installed).

Usage: python bench/extraction.py [BENCH_DIR] [--datasets a,b] [--limit N] [--split]

BENCH_DIR defaults to ../shared/bench (relative to the repository). Prints one table per dataset.
``--split`` also scores each dataset's two halves by site brand (``brand_half``): tune by looking
at half A, report both; a rule that helps A and not B is vocabulary, not a mechanism.
Under each table, how many times per page our extraction ran trafilatura, and on how many pages
the page as served was extracted a second time and that result kept.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import hashlib
import json
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scoring import (
    BodyScore,
    SnippetScore,
    author_matches,
    people_overlap,
    people_set_exact,
    source_matches,
    split_annotated_names,
    title_matches,
)

REPO = Path(__file__).resolve().parent.parent
DEFAULT_BENCH = REPO.parent / "shared" / "bench"
DATASETS = ("zh-news", "cwced-zh", "zyte-aeb", "wcxb-articles", "readability-testpages",
            "trafilatura-evaldata", "htmldate-dates")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.IGNORECASE)
_ISO_DAY = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")
_ISO_OFFSET = re.compile(r"^\s*\d{4}-\d{2}-\d{2}[T ](\d{2}):(\d{2}).*(?:[+-]\d{2}:?\d{2}|Z)\s*$")
_CLOCK = re.compile(r"(?<!\d)(\d{1,2})[:：时](\d{2})")
_NAME_SPLIT = re.compile(r"\s*[;；,，、]\s*")
BENCH_FETCHED_AT = datetime(2026, 11, 1, tzinfo=ZoneInfo("UTC"))
"""A fixed fetch time for our extractor: no page is newer, and results do not move by the day."""


@dataclass
class Prediction:
    """What one extractor returned for one page."""

    body: str | None = None
    title: str | None = None
    author: str | None = None
    day: date | None = None
    authors: list[str] | None = None
    """People credited as writers; None when the extractor gives only a joined string."""
    editors: list[str] | None = None
    source: str | None = None
    clock: str | None = None
    """``HH:MM`` of the publish time when the page printed one."""


ExtractorFn = Callable[[str | bytes, str | None], "Prediction"]


def decode(raw: bytes) -> str:
    """Decode like the reference scorer: BOM, then ``<meta charset>``, then UTF-8."""
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"),
                          (b"\xfe\xff", "utf-16-be")):
        if raw.startswith(bom):
            return raw[len(bom):].decode(encoding, errors="replace")
    match = _META_CHARSET.search(raw[:4096])
    if match:
        name = match.group(1).decode("ascii", "replace").lower()
        name = "gb18030" if name in ("gb2312", "gbk") else name
        try:
            return raw.decode(name, errors="replace")
        except LookupError:
            pass
    return raw.decode("utf-8", errors="replace")


def _day(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        match = _ISO_DAY.match(value)
        if match:
            try:
                return date(*map(int, match.groups()))
            except ValueError:
                return None
    return None


_LOOSE_DAY = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


def _any_day(value: object) -> date | None:
    """A day from a baseline's free-form date string (GNE prints `2012年01月17日 03:32`)."""
    if not isinstance(value, str):
        return None
    match = _LOOSE_DAY.search(value)
    if match is None:
        return None
    try:
        return date(*map(int, match.groups()))
    except ValueError:
        return None


# ---- extractors ------------------------------------------------------------------------------

def ours(html: str | bytes, url: str | None) -> Prediction:
    """``extractor.article.extract_article``."""
    from extractor import ExtractOptions, default_timezone, extract_article

    article = extract_article(html, url, ExtractOptions(fetched_at=BENCH_FETCHED_AT))
    if article is None:
        return Prediction()
    people = article.authors or article.editors
    day = clock = None
    if article.published_at is not None:
        # The page's own day: an ISO string with its offset as printed, else the local date in
        # the timezone naive dates were read in.
        zone = ZoneInfo(default_timezone(article.lang))
        local = article.published_at.astimezone(zone)
        day = _day(article.published_raw) or local.date()
        if article.published_has_time and article.published_raw:
            clock = _clock(article.published_raw, local)
    return Prediction(article.text, article.title, "; ".join(people) or None, day,
                      authors=list(article.authors), editors=list(article.editors),
                      source=article.source, clock=clock)


def _clock(raw: str, local: datetime) -> str:
    """``HH:MM`` as printed: an ISO string keeps its own offset's clock, else the local one."""
    match = _ISO_OFFSET.match(raw)
    if match:
        return f"{match.group(1)}:{match.group(2)}"
    return local.strftime("%H:%M")


def _clock_in(value: object) -> str | None:
    """``HH:MM`` from a baseline's date string, when it holds a time of day."""
    if not isinstance(value, str):
        return None
    match = _ISO_OFFSET.match(value)
    if match:
        return f"{match.group(1)}:{match.group(2)}"
    match = _CLOCK.search(value[10:]) if _ISO_DAY.match(value) else _CLOCK.search(value)
    return f"{int(match.group(1)):02d}:{match.group(2)}" if match else None


def trafilatura_default(html: str | bytes, url: str | None) -> Prediction:
    """trafilatura with library defaults (``bare_extraction`` with metadata)."""
    import trafilatura
    import trafilatura.utils
    from lxml import html as lxml_html

    # Importing our extractor speeds up trafilatura's parser for the whole process (a class
    # lookup done in C); the baseline runs with lxml.html's own lookup, as a user gets it.
    parser = trafilatura.utils.HTML_PARSER
    parser.set_element_class_lookup(lxml_html.HtmlElementClassLookup())
    try:
        # Given the decoded page: on undeclared GBK pages it scores higher than with bytes.
        doc = trafilatura.bare_extraction(html if isinstance(html, str) else decode(html),
                                          url=url, with_metadata=True)
    finally:
        if "extractor.body" in sys.modules:
            from extractor.html_meta import use_plain_elements

            use_plain_elements(parser)
    if doc is None:
        return Prediction()
    if isinstance(doc, dict):  # as_dict=True output; not what these options return
        return Prediction(doc.get("text"), doc.get("title"), doc.get("author"),
                          _day(doc.get("date")))
    return Prediction(doc.text, doc.title, doc.author, _day(doc.date), clock=_clock_in(doc.date))


def readability(html: str | bytes, url: str | None) -> Prediction:
    """readability-lxml: summary HTML converted to text."""
    from lxml import html as lxml_html
    from readability import Document

    document = Document(html if isinstance(html, str) else decode(html))
    summary = lxml_html.fromstring(document.summary(html_partial=True))
    text = "\n".join(t.strip() for t in summary.itertext() if t.strip())
    return Prediction(text, document.short_title(), None, None)


def gne(html: str | bytes, url: str | None) -> Prediction:
    """GNE, the Chinese news extractor."""
    from gne import GeneralNewsExtractor

    result = GeneralNewsExtractor().extract(html if isinstance(html, str) else decode(html))
    published = result.get("publish_time")
    return Prediction(result.get("content"), result.get("title"), result.get("author"),
                      _any_day(published), clock=_clock_in(published))


def available_extractors() -> dict[str, ExtractorFn]:
    """Ours and trafilatura always; readability-lxml and GNE when installed."""
    extractors: dict[str, ExtractorFn] = {
        "ainews": ours, "trafilatura": trafilatura_default,
    }
    for name, module, func in (("readability", "readability", readability), ("gne", "gne", gne)):
        try:
            __import__(module)
        except ImportError:
            continue
        extractors[name] = func
    return extractors


# ---- running ---------------------------------------------------------------------------------

@dataclass
class Result:
    """Scores of one extractor on one dataset."""

    body: BodyScore = field(default_factory=BodyScore)
    snippets: SnippetScore = field(default_factory=SnippetScore)
    titles: list[bool] = field(default_factory=list)
    authors: list[bool] = field(default_factory=list)
    dates: list[bool] = field(default_factory=list)
    authors_exact: list[bool] = field(default_factory=list)
    false_authors: list[bool] = field(default_factory=list)
    names: list[int] = field(default_factory=lambda: [0, 0, 0])
    """Author names: true positives, predicted, annotated (name-level F1)."""
    editors_exact: list[bool] = field(default_factory=list)
    sources: list[bool] = field(default_factory=list)
    clocks: list[bool] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    errors: int = 0


_CANONICAL = re.compile(rb"""<(?:link[^>]+rel=["']canonical["'][^>]+href|meta[^>]+property=["']"""
                        rb"""og:url["'][^>]+content)=["'](https?://[^"'/]+)""")
_SUFFIX_LABELS = frozenset("com net org gov edu co ac or ne go info biz".split())


def brand(row: dict[str, object], raw: bytes) -> str:
    """A page's site brand: the set's own ``site`` label where it has one (zh-news), else the
    host of its URL or of its canonical link, reduced to the label before the public suffix
    (``news.ifeng.com`` → ``ifeng``, ``www.bbc.co.uk`` → ``bbc``; a web.archive.org copy counts
    as the site it copied), else the page's own id."""
    if isinstance(row.get("site"), str) and row["site"]:
        return str(row["site"])
    url = str(row.get("url") or "")
    if "web.archive.org/web/" in url:
        url = "http" + url.split("/http", 1)[-1] if "/http" in url else url
    host = urlsplit(url).hostname
    if not host:
        match = _CANONICAL.search(raw[:50000])
        host = urlsplit(match.group(1).decode("ascii", "replace")).hostname if match else None
    if not host:
        return f"page:{row.get('id')}"
    labels = host.split(".")
    while len(labels) > 1 and (labels[-1] in _SUFFIX_LABELS or len(labels[-1]) == 2):
        labels.pop()
    return labels[-1]


def brand_half(row: dict[str, object], raw: bytes) -> str:
    """``A`` or ``B``: the first bit of the SHA-256 of the page's brand (fixed, so every run and
    every developer sees the same halves)."""
    return "AB"[hashlib.sha256(brand(row, raw).encode()).digest()[0] & 1]


def load(bench: Path, dataset: str, limit: int | None) -> list[dict[str, object]]:
    """Ground-truth rows of a dataset."""
    path = bench / dataset / "ground-truth.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return rows[:limit] if limit else rows


@dataclass
class Passes:
    """How often our extraction ran trafilatura, and whether its second body pass paid."""

    pages: int = 0
    trafilatura_runs: int = 0
    second_pass: int = 0
    """Pages whose body was extracted again from the page as served (hidden text kept)."""
    second_kept: int = 0
    """...and on which that second result was the one kept."""

    def line(self) -> str:
        """One line for the report."""
        return (f"ainews passes: {self.trafilatura_runs / max(1, self.pages):.2f} trafilatura "
                f"runs per page; the page as served extracted again on {self.second_pass} of "
                f"{self.pages} pages, that result kept on {self.second_kept}")


@contextlib.contextmanager
def counting_passes(passes: Passes) -> Iterator[None]:
    """Count the extractor's trafilatura runs and body passes within the block."""
    import trafilatura

    import extractor.body as body

    real_extract, real_body, real_visible = (trafilatura.extract, body._body,
                                             body._visible_body)
    results: list[str] = []

    def extract(*args: Any, **kwargs: Any) -> Any:
        passes.trafilatura_runs += 1
        return real_extract(*args, **kwargs)

    def one_body(*args: Any, **kwargs: Any) -> str:
        results.append(real_body(*args, **kwargs))
        return results[-1]

    def visible(*args: Any, **kwargs: Any) -> str:
        results.clear()
        passes.pages += 1
        text = real_visible(*args, **kwargs)
        if len(results) == 2:
            passes.second_pass += 1
            passes.second_kept += text == results[1] != results[0]
        return text

    # extractor.body calls `trafilatura.extract` through the module: patched there, it counts.
    trafilatura.extract, body._body, body._visible_body = extract, one_body, visible
    try:
        yield
    finally:
        trafilatura.extract, body._body, body._visible_body = real_extract, real_body, real_visible


def run(bench: Path, dataset: str, extractors: dict[str, ExtractorFn], limit: int | None,
        repeat: int, split: bool = False, passes: Passes | None = None) -> dict[str, Result]:
    """Score every extractor on every page of ``dataset``, then time each on its own; with
    ``split``, also on each half of the brands (rows ``NAME [A]`` and ``NAME [B]``)."""
    results = {name: Result() for name in extractors}
    if split:
        results.update({f"{name} [{half}]": Result() for name in extractors for half in "AB"})
    rows = load(bench, dataset, limit)
    pages = [gzip.decompress((bench / dataset / str(row["html"])).read_bytes()) for row in rows]
    urls = [str(row["url"]) if isinstance(row.get("url"), str) else None for row in rows]
    for row, raw, url in zip(rows, pages, urls, strict=True):
        for name, extractor in extractors.items():
            # Ours takes the bytes and detects the encoding itself (in a crawl Scrapy does);
            # the baselines get the page decoded like a browser would (their best case).
            try:
                if name == "ainews" and passes is not None:
                    with counting_passes(passes):
                        prediction = extractor(raw, url)
                else:
                    prediction = extractor(raw, url)
            except Exception:  # a crashing extractor scores zero on the page, the run goes on
                results[name].errors += 1
                prediction = Prediction()
            _score(results[name], prediction, row, joined_latin=dataset in LATIN_ANNOTATED)
            if split:
                _score(results[f"{name} [{brand_half(row, raw)}]"], prediction, row,
                       joined_latin=dataset in LATIN_ANNOTATED)
    # Timing: each extractor alone over all pages, `repeat` times; the median pass counts.
    # Interleaving would let whichever runs second use caches (dateparser's, lxml's) that the
    # first one warmed.
    for name, extractor in extractors.items():
        rounds = []
        for _ in range(repeat):
            seconds = []
            for raw, url in zip(pages, urls, strict=True):
                started = time.perf_counter()
                with contextlib.suppress(Exception):
                    extractor(raw, url)
                seconds.append(time.perf_counter() - started)
            rounds.append(seconds)
        results[name].seconds = sorted(rounds, key=sum)[len(rounds) // 2]
    return results


LATIN_ANNOTATED = frozenset(("wcxb-articles", "readability-testpages", "trafilatura-evaldata"))
"""Sets whose author annotation is one joined string of Latin names."""


def _score(result: Result, prediction: Prediction, row: dict[str, object], *,
           joined_latin: bool = False) -> None:
    if isinstance(row.get("body"), str) and row["body"]:
        result.body.add(prediction.body, str(row["body"]))
    if row.get("with") or row.get("without"):
        result.snippets.add(prediction.body, row.get("with") or [],  # type: ignore[arg-type]
                            row.get("without") or [])  # type: ignore[arg-type]
    if row.get("title"):
        result.titles.append(title_matches(prediction.title, str(row["title"])))
    if row.get("author"):
        result.authors.append(author_matches(prediction.author, str(row["author"])))
    if row.get("date"):
        result.dates.append(prediction.day is not None
                            and prediction.day.isoformat() == str(row["date"]))
    if isinstance(row.get("authors"), list):  # zh-news: people, source and time of day
        _score_people(result, prediction, row)
    elif row.get("author") and joined_latin:
        # A joined Latin annotation (`A and B`): its people, set-exact and name F1. Chinese
        # annotations glue names (`罗科苏盈`) that no separator splits; zh-news lists them.
        truth = split_annotated_names(str(row["author"]))
        authors = (prediction.authors if prediction.authors is not None
                   else _split_names(prediction.author))
        result.authors_exact.append(people_set_exact(authors, truth))
        tp, predicted, annotated = people_overlap(authors, truth)
        result.names[0] += tp
        result.names[1] += predicted
        result.names[2] += annotated


def _split_names(joined: str | None) -> list[str]:
    return [n for n in _NAME_SPLIT.split(joined or "") if n.strip()]


def _score_people(result: Result, prediction: Prediction, row: dict[str, object]) -> None:
    truth_authors = [str(n) for n in row["authors"]]  # type: ignore[attr-defined]
    authors = (prediction.authors if prediction.authors is not None
               else _split_names(prediction.author))
    if truth_authors:
        result.authors_exact.append(people_set_exact(authors, truth_authors))
    else:
        result.false_authors.append(bool(authors))
    tp, predicted, annotated = people_overlap(authors, truth_authors)
    result.names[0] += tp
    result.names[1] += predicted
    result.names[2] += annotated
    truth_editors = [str(n) for n in row.get("editors") or []]  # type: ignore[attr-defined]
    if truth_editors and prediction.editors is not None:
        result.editors_exact.append(people_set_exact(prediction.editors, truth_editors))
    if row.get("source") and prediction.editors is not None:  # only ours reads sources
        result.sources.append(source_matches(prediction.source, str(row["source"])))
    if row.get("time"):
        result.clocks.append(prediction.clock == str(row["time"]))


def _fmt(values: list[bool]) -> str:
    return f"{sum(values) / len(values):.3f}" if values else "-"


def print_table(dataset: str, pages: int, results: dict[str, Result]) -> None:
    """One table: a row per extractor, ratios of speed against trafilatura."""
    print(f"\n## {dataset} ({pages} pages)\n")
    header = ("extractor", "body P", "body R", "body F1", "BoW F1", "snip P", "snip R", "snip F1",
              "title", "author", "date", "docs/s", "median ms", "speed ×traf", "errors")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    base = results.get("trafilatura")
    base_rate = len(base.seconds) / sum(base.seconds) if base and sum(base.seconds) else 0
    for name, r in results.items():
        rate = len(r.seconds) / sum(r.seconds) if sum(r.seconds) else 0.0
        has_body = bool(r.body.recalls)
        has_snip = r.snippets.tp + r.snippets.fn + r.snippets.fp > 0
        cells = [
            name,
            *(f"{v:.3f}" if has_body else "-" for v in (r.body.precision, r.body.recall,
                                                       r.body.f1, r.body.bow_f1)),
            *(f"{v:.3f}" if has_snip else "-" for v in (r.snippets.precision, r.snippets.recall,
                                                       r.snippets.f1)),
            _fmt(r.titles), _fmt(r.authors), _fmt(r.dates), f"{rate:.1f}" if r.seconds else "-",
            f"{statistics.median(r.seconds) * 1000:.1f}" if r.seconds else "-",
            f"{rate / base_rate:.2f}" if base_rate and r.seconds else "-", str(r.errors),
        ]
        print("| " + " | ".join(cells) + " |")


def print_people_table(dataset: str, results: dict[str, Result]) -> None:
    """The zh-news fields: people, source and time, as its README scores them."""
    print(f"\n### {dataset}: people, source, time\n")
    header = ("extractor", "authors set-exact", "author name F1", "false-author rate",
              "editors set-exact", "source", "time")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for name, r in results.items():
        tp, predicted, annotated = r.names
        p = tp / predicted if predicted else 0.0
        rec = tp / annotated if annotated else 0.0
        f1 = 2 * p * rec / (p + rec) if p + rec else 0.0
        cells = [name, _fmt(r.authors_exact), f"{f1:.3f}", _fmt(r.false_authors),
                 _fmt(r.editors_exact), _fmt(r.sources), _fmt(r.clocks)]
        print("| " + " | ".join(cells) + " |")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bench", nargs="?", default=str(DEFAULT_BENCH))
    parser.add_argument("--datasets", default=",".join(DATASETS))
    parser.add_argument("--limit", type=int, help="first N pages of each dataset")
    parser.add_argument("--only", help="comma-separated extractor names")
    parser.add_argument("--repeat", type=int, default=3, help="timing passes (median counts)")
    parser.add_argument("--split", action="store_true",
                        help="also score each half of the site brands (A: tune, B: report)")
    args = parser.parse_args(argv)
    bench = Path(args.bench)
    if not (bench / "README.md").exists():
        print(f"extraction bench: no benchmark data at {bench}", file=sys.stderr)
        return 2
    extractors = available_extractors()
    if args.only:
        extractors = {k: v for k, v in extractors.items() if k in args.only.split(",")}
        if not extractors:
            print(f"extraction bench: none of {args.only} is available "
                  f"(choose from {', '.join(available_extractors())})", file=sys.stderr)
            return 2
    print(f"extractors: {', '.join(extractors)}; one process, one core; "
          f"speed = median of {args.repeat} timed passes per extractor")
    for dataset in args.datasets.split(","):
        passes = Passes()
        results = run(bench, dataset, extractors, args.limit, args.repeat, args.split, passes)
        print_table(dataset, len(next(iter(results.values())).seconds), results)
        if passes.pages:
            print(passes.line())
        if any(r.authors_exact or r.false_authors for r in results.values()):
            print_people_table(dataset, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
