"""Train the page-type model from labelled pages; rebuild it bit for bit.

Usage:
    python -m scripts.page_training features [BENCH_DIR]   # pages → scripts/page_features.csv.gz
    python -m scripts.page_training fit                    # table + own pages → the model JSON

``features`` reads the real labelled pages of ``BENCH_DIR`` (default ``../shared/bench``):
``page-types`` (article, listing, collection, forum, product, documentation, service) and the
article pages of every other set, and writes only their feature values, label and site group
(a hash of the site), never their text. ``fit`` adds our own demo and zoo pages, computed
afresh, and trains LightGBM with a fixed seed on one thread, so the same table gives the same
model file. ``make page-model`` runs both.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import json
import math
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
DEFAULT_BENCH = REPO.parent / "shared" / "bench"
TABLE = REPO / "scripts" / "page_features.csv.gz"
MODEL = REPO / "crawler" / "discovery" / "page_model.json"
FEATURE_SOURCE = REPO / "crawler" / "discovery" / "page_features.py"

NON_ARTICLE_TYPES = ("listing", "collection", "forum", "product", "documentation", "service")
TYPES = ("article", *NON_ARTICLE_TYPES)
SEED = 20261206
TARGET_RECALL = 0.98
"""Article recall the threshold is set for, on out-of-fold predictions of the training data."""
OWN_ARTICLES_PER_SITE = 8
"""Our generated sites repeat one layout: a few of each site's articles teach all they can."""
PAGES_AT = datetime(2026, 12, 6, 4, 0, tzinfo=UTC)
"""The moment our generated pages are rendered at (noon in Shanghai): their relative dates
must not change the model with the time of day it is trained."""

ARTICLE_PARAMS: dict[str, Any] = {
    "objective": "binary", "learning_rate": 0.1, "num_leaves": 7, "min_data_in_leaf": 10,
    "feature_fraction": 0.8, "bagging_fraction": 0.8, "bagging_freq": 1, "lambda_l2": 1.0,
    "seed": SEED, "deterministic": True, "force_row_wise": True, "num_threads": 1,
    "verbosity": -1,
}
ARTICLE_ROUNDS = 150
KIND_PARAMS: dict[str, Any] = {
    **ARTICLE_PARAMS, "objective": "multiclass", "num_class": len(NON_ARTICLE_TYPES),
}
KIND_ROUNDS = 40


@dataclass
class Row:
    """One labelled page as features."""

    dataset: str
    page: str
    group: str
    label: str
    features: list[float]


def feature_version() -> str:
    """A digest of the feature code: a table made by other code is out of date."""
    return hashlib.sha256(FEATURE_SOURCE.read_bytes()).hexdigest()[:16]


# ---- pages ----------------------------------------------------------------------------------

@dataclass
class LabelledPage:
    """One real page of the benchmark sets with its label and site group."""

    dataset: str
    page: str
    group: str
    label: str
    html: str
    url: str | None


def bench_pages(bench: Path) -> Iterator[LabelledPage]:
    """Every labelled real page of ``bench`` (an identical page only once)."""
    from extractor.decoding import decode_html

    seen: set[str] = set()
    folders = sorted(p for p in bench.iterdir() if (p / "ground-truth.jsonl").exists())
    # page-types first: its labels win over an article set holding the same page.
    folders.sort(key=lambda p: p.name != "page-types")
    for folder in folders:
        for line in (folder / "ground-truth.jsonl").read_text(encoding="utf-8").splitlines():
            truth = json.loads(line)
            raw = gzip.decompress((folder / truth["html"]).read_bytes())
            digest = hashlib.sha256(raw).hexdigest()
            if digest in seen:
                continue
            seen.add(digest)
            html, _ = decode_html(raw)
            yield LabelledPage(folder.name, str(truth["id"]), _group(folder.name, truth, html),
                               truth.get("page_type") or "article", html,
                               truth.get("url") or None)


def as_row(page: LabelledPage) -> Row:
    """The page's features as a row."""
    from crawler.discovery.page_features import FEATURES, page_features

    values = page_features(page.html, page.url)
    return Row(page.dataset, page.page, page.group, page.label,
               [values[name] for name in FEATURES])


def _group(dataset: str, truth: dict[str, Any], html: str) -> str:
    """The page's site, hashed: its brand, its URL's host, else the host its markup names."""
    site = truth.get("site") or truth.get("domain") or urlsplit(truth.get("url") or "").hostname
    if not site:
        site = _declared_host(html) or f"{dataset}/{truth['id']}"
    site = site.removeprefix("www.")
    return hashlib.sha256(site.encode()).hexdigest()[:12]


def _declared_host(html: str) -> str | None:
    import re

    match = re.search(r"""<(?:link[^>]+rel=["']canonical["'][^>]+href|meta[^>]+property=["']"""
                      r"""og:url["'][^>]+content)=["'](https?://[^"'/]+)""", html[:50000])
    return urlsplit(match.group(1)).hostname if match else None


def own_pages() -> Iterator[LabelledPage]:
    """Our demo and zoo sites: a few articles each, and every page of theirs that is not one."""
    from ainews.demo.site import build_sites
    from ainews.demo.zoo.layouts import build_zoo
    from extractor.decoding import decode_html

    base = "http://127.0.0.1:8701"

    def page(dataset: str, site: str, path: str, label: str, body: bytes) -> LabelledPage:
        html, _ = decode_html(body)
        return LabelledPage(dataset, f"{site}{path}", f"{dataset}:{site}", label, html,
                            base + path)

    # One moment for the pages' relative dates (`昨天 23:07`, `2天前`): rendered at the
    # moment of training, the model would change with the time of day.
    for site in build_sites(PAGES_AT):
        for article in site.articles[:OWN_ARTICLES_PER_SITE]:
            yield page("demo", site.name, article.path, "article",
                       site.render(article.path, base, now=PAGES_AT).body)
        for path, label in own_non_articles(site):
            response = site.render(path, base, now=PAGES_AT)
            if response.status == 200 and response.content_type.startswith("text/html"):
                yield page("demo", site.name, path, label, response.body)
    for zoo in build_zoo():
        for article in zoo.articles[:OWN_ARTICLES_PER_SITE]:
            yield page("zoo", zoo.name, article.path, "article",
                       zoo.render(article.path, base).body)
        for path, label in zoo_non_articles(zoo, base):
            yield page("zoo", zoo.name, path, label, zoo.render(path, base).body)


def own_non_articles(site: Any) -> list[tuple[str, str]]:
    """Paths of a demo site's pages that are not articles, with their type."""
    tags = sorted({tag for article in site.articles for tag in article.tags})[:3]
    return [("/", "listing"), ("/list/2.html", "listing"), ("/page/2/", "listing"),
            ("/tech/index_2.shtml", "listing"), ("/about.html", "service"),
            *((f"/tag/{tag}.html", "collection") for tag in tags),
            *((f"/tag/{tag}", "collection") for tag in tags),
            (f"/category/{site.articles[0].category}", "collection")]


def zoo_non_articles(zoo: Any, base: str) -> list[tuple[str, str]]:
    """Paths of a zoo site's pages that are not articles (and not copies of one)."""
    spec = zoo.spec
    paths = [("/", "listing"), *((spec.listing_path(n), "listing") for n in (2, 3))]
    if spec.category_path:
        paths += [(spec.category_path(c), "collection") for c in (1, 2)]
    paths += [(p, _noise_type(p)) for p in spec.noise_paths]
    return [(p, label) for p, label in paths if zoo.render(p, base).status == 200]


def _noise_type(path: str) -> str:
    """A zoo noise page's type, from the path its layout gave it."""
    if "about" in path or "page_id" in path:
        return "service"
    return "listing" if "search" in path or "?s=" in path else "collection"


# ---- the table ------------------------------------------------------------------------------

def write_table(rows: Sequence[Row], path: Path) -> None:
    """The rows as gzip CSV (fixed mtime: the same rows give the same bytes)."""
    from crawler.discovery.page_features import FEATURES

    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow([f"# feature_version={feature_version()}"])
    writer.writerow(["dataset", "page", "group", "label", *FEATURES])
    for row in rows:
        writer.writerow([row.dataset, row.page, row.group, row.label,
                         *(_number(v) for v in row.features)])
    path.write_bytes(gzip.compress(text.getvalue().encode(), mtime=0))


def read_table(path: Path = TABLE) -> tuple[str, list[Row]]:
    """(feature version, rows) of a table written by ``write_table``."""
    from crawler.discovery.page_features import FEATURES

    lines = gzip.decompress(path.read_bytes()).decode().splitlines()
    version = lines[0].split("=", 1)[1]
    reader = csv.reader(lines[1:])
    header = next(reader)
    if tuple(header[4:]) != FEATURES:
        raise SystemExit(f"{path}: its columns are not today's features; run make page-model")
    rows = [Row(r[0], r[1], r[2], r[3], [float(v) for v in r[4:]]) for r in reader]
    return version, rows


def _number(value: float) -> str:
    return "nan" if math.isnan(value) else repr(round(value, 6))


# ---- training -------------------------------------------------------------------------------

def weights(rows: Sequence[Row]) -> list[float]:
    """Each non-article type weighs as much in all as a sixth of the articles."""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.label] = counts.get(row.label, 0) + 1
    articles = counts.get("article", 1)
    per_type = articles / len(NON_ARTICLE_TYPES)
    return [1.0 if r.label == "article" else per_type / counts[r.label] for r in rows]


def fit_trees(rows: Sequence[Row], *, kind: bool) -> Any:
    """A LightGBM booster: article or not, or (``kind``) which non-article type."""
    import lightgbm
    import numpy as np

    from crawler.discovery.page_features import FEATURES

    rows, doubled = without_address(rows)
    if kind:
        keep = [i for i, r in enumerate(rows) if r.label != "article"]
        rows, doubled = [rows[i] for i in keep], [doubled[i] for i in keep]
        labels = [NON_ARTICLE_TYPES.index(r.label) for r in rows]
        params, rounds = KIND_PARAMS, KIND_ROUNDS
        counts = {t: sum(r.label == t for r in rows) for t in NON_ARTICLE_TYPES}
        balance = [len(rows) / (len(NON_ARTICLE_TYPES) * counts[r.label]) for r in rows]
    else:
        labels = [int(r.label == "article") for r in rows]
        params, rounds = ARTICLE_PARAMS, ARTICLE_ROUNDS
        balance = weights(rows)
    balance = [w * (2.0 if once else 1.0) for w, once in zip(balance, doubled, strict=True)]
    data = lightgbm.Dataset(np.array([r.features for r in rows], dtype=np.float64),
                            label=np.array(labels), weight=np.array(balance),
                            feature_name=list(FEATURES), free_raw_data=False)
    return lightgbm.train(params, data, num_boost_round=rounds)


def without_address(rows: Sequence[Row]) -> tuple[list[Row], list[bool]]:
    """The rows, and a copy of each page that has an address with its URL features unknown.

    Most pages saved without their address are articles (the article sets kept none): left so,
    the model learns that a missing address means an article. With every other page also seen
    without its address, a missing address tells nothing. Returns the rows and, per row,
    whether it stands once (no address: it weighs double, as the others count twice).
    """
    from crawler.discovery.page_features import FEATURES

    url_columns = [i for i, name in enumerate(FEATURES) if name.startswith("url_")]
    out, once = [], []
    for row in rows:
        out.append(row)
        if all(math.isnan(row.features[i]) for i in url_columns):
            once.append(True)
            continue
        once.append(False)
        copy = list(row.features)
        for i in url_columns:
            copy[i] = math.nan
        out.append(Row(row.dataset, row.page, row.group, row.label, copy))
        once.append(False)
    return out, once


def folds(rows: Sequence[Row], splits: int = 5) -> list[tuple[list[int], list[int]]]:
    """Grouped, stratified folds: no site on both sides (scikit-learn, fixed seed)."""
    from sklearn.model_selection import StratifiedGroupKFold

    splitter = StratifiedGroupKFold(n_splits=splits, shuffle=True, random_state=SEED)
    labels = [r.label for r in rows]
    groups = [r.group for r in rows]
    return [(list(a), list(b)) for a, b in splitter.split(rows, labels, groups)]


def article_probabilities(booster: Any, rows: Sequence[Row]) -> list[float]:
    """The booster's article probability for each row."""
    import numpy as np

    return [float(p) for p in booster.predict(np.array([r.features for r in rows]))]


def choose_threshold(rows: Sequence[Row]) -> float:
    """The highest threshold keeping out-of-fold article recall at ``TARGET_RECALL``."""
    scored: list[float] = []
    for train, test in folds(rows):
        booster = fit_trees([rows[i] for i in train], kind=False)
        probabilities = article_probabilities(booster, [rows[i] for i in test])
        scored += [p for i, p in zip(test, probabilities, strict=True)
                   if rows[i].label == "article"]
    scored.sort()
    allowed = int(len(scored) * (1 - TARGET_RECALL))
    threshold = scored[allowed] if scored else 0.5
    return round(min(0.5, threshold), 4)


def fit(rows: Sequence[Row]) -> dict[str, Any]:
    """The model as a JSON-ready dict: both ensembles, the threshold, what it was made from."""
    from crawler.discovery.page_features import FEATURES

    threshold = choose_threshold(rows)
    article = fit_trees(rows, kind=False)
    kind = fit_trees(rows, kind=True)
    counts = {t: sum(r.label == t for r in rows) for t in TYPES}
    return {
        "features": list(FEATURES),
        "threshold": threshold,
        "article": {"classes": ["article"], "trees": export_trees(article)},
        "kind": {"classes": list(NON_ARTICLE_TYPES), "trees": export_trees(kind)},
        "meta": {"trainer": "scripts/page_training.py", "library": _library(),
                 "pages": counts, "sites": len({r.group for r in rows}),
                 "feature_version": feature_version()},
    }


def _library() -> str:
    import lightgbm

    return f"lightgbm {lightgbm.__version__}"


def export_trees(booster: Any) -> list[dict[str, list[Any]]]:
    """LightGBM's trees as flat arrays (``crawler.discovery.page_model`` reads them)."""
    dumped = booster.dump_model()
    missing_codes = {"None": 0, "Zero": 1, "NaN": 2}
    trees = []
    for info in dumped["tree_info"]:
        arrays: dict[str, list[Any]] = {k: [] for k in "ftlrdmv"}

        def add(node: dict[str, Any], arrays: dict[str, list[Any]] = arrays) -> int:
            index = len(arrays["f"])
            for key in "ftlrdmv":
                arrays[key].append(0)
            if "leaf_value" in node or "split_feature" not in node:
                arrays["f"][index] = -1
                arrays["v"][index] = float(node.get("leaf_value", 0.0))
                return index
            arrays["f"][index] = int(node["split_feature"])
            arrays["t"][index] = float(node["threshold"])
            arrays["d"][index] = int(bool(node["default_left"]))
            arrays["m"][index] = missing_codes[node["missing_type"]]
            arrays["v"][index] = float(node["internal_value"])
            arrays["l"][index] = add(node["left_child"])
            arrays["r"][index] = add(node["right_child"])
            return index

        add(info["tree_structure"])
        trees.append(arrays)
    return trees


def model_json(model: dict[str, Any]) -> str:
    """The model as the committed file's text (compact, one tree per line)."""
    lines = ["{", f'"features": {json.dumps(model["features"])},',
             f'"threshold": {json.dumps(model["threshold"])},',
             f'"meta": {json.dumps(model["meta"], sort_keys=True)},']
    for part in ("article", "kind"):
        trees = ",\n".join(json.dumps(t, separators=(",", ":")) for t in model[part]["trees"])
        classes = json.dumps(model[part]["classes"])
        closing = "}," if part == "article" else "}"
        lines.append(f'"{part}": {{"classes": {classes}, "trees": [\n{trees}\n]{closing}')
    lines.append("}")
    return "\n".join(lines) + "\n"


def all_rows(table: Path = TABLE) -> list[Row]:
    """The committed table's rows and our own pages' rows."""
    version, rows = read_table(table)
    if version != feature_version():
        raise SystemExit(f"{table} was made by other feature code; run make page-model "
                         "(needs the benchmark pages)")
    return [*rows, *(as_row(page) for page in own_pages())]


def main(argv: Iterable[str] | None = None) -> int:
    """Run ``features`` or ``fit``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    features = sub.add_parser("features", help="pages of BENCH_DIR → the feature table")
    features.add_argument("bench", nargs="?", type=Path, default=DEFAULT_BENCH)
    sub.add_parser("fit", help="the feature table and our own pages → the model file")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.command == "features":
        if not (args.bench / "page-types").is_dir():
            print(f"page_training: no page-types set under {args.bench}", file=sys.stderr)
            return 2
        rows = [as_row(page) for page in bench_pages(args.bench)]
        write_table(rows, TABLE)
        print(f"{len(rows)} pages → {TABLE.relative_to(REPO)}")
        return 0
    MODEL.write_text(model_json(fit(all_rows())), encoding="utf-8")
    print(f"model → {MODEL.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
