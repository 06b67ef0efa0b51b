"""The page classifier validated the honest way: grouped cross-validation by site.

Usage: python bench/page_classifier.py [BENCH_DIR] [--baseline REF] [--compare] [--folds N]

Measures every labelled page of BENCH_DIR (default ../shared/bench) afresh: ``page-types``
(article, listing, collection, forum, product, documentation, service) and the article pages of
every other set, plus our own demo and zoo pages. Folds are grouped by site (no site on both
sides); in each fold the whole training procedure of ``scripts/page_training.py`` runs on the
training part (threshold included, chosen on the training part's own inner folds) and judges
the test part. Printed:

- the share judged "article" per page type and per article set, beside the classifier of git
  ``REF`` (default: the hand-weighted one this model replaced), and split into two halves of
  the sites by a hash of the site, so a rule that helps one half only shows;
- per zoo layout, page-level article recall and precision;
- the median time to classify a page (features and trees, one core) and what loading the
  model costs a process (time and memory), beside importing LightGBM to do the same;
- with ``--compare``, other learners on the same folds (AUC, false-article rate at 0.98
  recall): scikit-learn's HistGradientBoosting, random forest, logistic regression.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from crawler.discovery.classify import classify_features  # noqa: E402
from crawler.discovery.page_features import FEATURES, page_features  # noqa: E402
from crawler.discovery.page_model import load_model  # noqa: E402
from scripts import page_training as training  # noqa: E402

DEFAULT_BENCH = REPO.parent / "shared" / "bench"
BASELINE = "7d14970"
"""The last commit with the hand-weighted classifier (pipelines/classify.py)."""


def baseline_classifier(ref: str) -> Callable[[str, str | None], bool]:
    """``classify_page`` of git ``ref``'s ``pipelines/classify.py``, as page → is article."""
    source = subprocess.run(["git", "show", f"{ref}:pipelines/classify.py"], cwd=REPO,
                            capture_output=True, text=True, check=True).stdout
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as handle:
        handle.write(source)
    spec = importlib.util.spec_from_file_location("baseline_classify", handle.name)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    # The old classifier wanted a URL; pages without one got a neutral address.
    return lambda html, url: bool(module.classify_page(html, url or "http://example.com/")
                                  .is_article)


def out_of_fold(rows: Sequence[training.Row], splits: int) -> tuple[list[bool], list[float]]:
    """Each row's verdict and article probability from a model that never saw its site."""
    verdicts, probabilities = [False] * len(rows), [0.0] * len(rows)
    for train, test in training.folds(rows, splits):
        part = [rows[i] for i in train]
        model = load_model(training.model_json(training.fit(part)))
        for i in test:
            verdict = classify_features(dict(zip(FEATURES, rows[i].features, strict=True)),
                                        model)
            verdicts[i], probabilities[i] = verdict.is_article, verdict.probability
    return verdicts, probabilities


def half(group: str) -> int:
    """Half 0 or 1 of the sites, by a hash of the site."""
    return int(hashlib.sha256(group.encode()).hexdigest(), 16) % 2


def key(row: training.Row) -> str:
    """The table line of a row: its page type in page-types, else its set (and label)."""
    if row.dataset == "page-types":
        return row.label
    if row.dataset in ("demo", "zoo"):
        return f"{row.dataset} {row.label}"
    return row.dataset


def print_shares(rows: Sequence[training.Row], verdicts: Sequence[bool],
                 old: Sequence[bool]) -> None:
    """Share judged article per line, new beside old, overall and per half of the sites."""
    tally: dict[str, list[int]] = defaultdict(lambda: [0] * 6)
    for row, new, before in zip(rows, verdicts, old, strict=True):
        lines = [key(row)]
        if row.dataset == "page-types" and row.label != "article":
            lines.append("all non-articles")
        for line in lines:
            counts = tally[line]
            counts[0] += 1
            counts[1] += new
            counts[2] += before
            counts[3 + half(row.group)] += 1
            counts[5] += new and half(row.group) == 0
    print(f"{'judged article':<26} {'pages':>6} {'model':>7} {'baseline':>9} "
          f"{'half A':>7} {'half B':>7}")
    for line in sorted(tally, key=lambda k: (k.startswith(("demo", "zoo")), k)):
        n, new, before, n_a, n_b, new_a = tally[line]
        new_b = new - new_a
        print(f"{line:<26} {n:>6} {new / n:>7.3f} {before / n:>9.3f} "
              f"{new_a / max(1, n_a):>7.3f} {new_b / max(1, n_b):>7.3f}")


def print_zoo(rows: Sequence[training.Row], verdicts: Sequence[bool]) -> None:
    """Page-level article recall and precision per own site."""
    print(f"\n{'own site (page level)':<32} {'recall':>7} {'precision':>10}")
    sites: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row, judged in zip(rows, verdicts, strict=True):
        if row.dataset not in ("demo", "zoo"):
            continue
        counts = sites[row.group]
        counts[0] += row.label == "article"
        counts[1] += judged and row.label == "article"
        counts[2] += judged
    for site, (articles, hits, judged) in sorted(sites.items()):
        print(f"{site:<32} {hits / max(1, articles):>7.3f} {hits / max(1, judged):>10.3f}")


def print_curve(rows: Sequence[training.Row], probabilities: Sequence[float]) -> None:
    """The false-article rate at other article recalls (out-of-fold probabilities)."""
    articles = sorted(p for r, p in zip(rows, probabilities, strict=True)
                      if r.label == "article" and r.dataset not in ("demo", "zoo"))
    others = [p for r, p in zip(rows, probabilities, strict=True)
              if r.label != "article" and r.dataset == "page-types"]
    print(f"\n{'article recall (real pages)':<28} {'threshold':>9} {'false-article':>14}")
    for recall in (0.90, 0.93, 0.95, 0.97, 0.98, 0.99):
        threshold = articles[int(len(articles) * (1 - recall))]
        share = sum(p >= threshold for p in others) / len(others)
        print(f"{recall:<28.2f} {threshold:>9.3f} {share:>14.3f}")


def timing(pages: Sequence[training.LabelledPage]) -> float:
    """Median milliseconds to classify one page (features and trees)."""
    model = load_model(training.MODEL.read_text(encoding="utf-8"))
    spent = []
    for page in pages:
        started = time.perf_counter()
        classify_features(page_features(page.html, page.url), model)
        spent.append((time.perf_counter() - started) * 1000)
    return statistics.median(spent)


LOAD_OURS = ("import time; t = time.perf_counter(); "
             "from crawler.discovery.page_model import committed_model; committed_model(); ")
LOAD_LIGHTGBM = ("import time; t = time.perf_counter(); import lightgbm; "
                 "lightgbm.Booster(model_file='{file}'); ")
# The process's own peak (VmHWM): ru_maxrss would carry this bench's peak across exec.
REPORT = ("print(round((time.perf_counter() - t) * 1000), next(int(line.split()[1]) // 1024 "
          "for line in open('/proc/self/status') if line.startswith('VmHWM')))")


def load_cost(code: str) -> tuple[int, int]:
    """(milliseconds, peak MiB of the whole process) of running ``code`` in a fresh Python."""
    out = subprocess.run([sys.executable, "-c", code + REPORT], cwd=REPO, capture_output=True,
                         text=True, check=True).stdout.split()
    return int(out[0]), int(out[1])


def print_load_costs(rows: Sequence[training.Row]) -> None:
    """What loading the model costs a process, against LightGBM loading its own file."""
    import lightgbm  # noqa: F401  (fail early when the bench extras are missing)

    booster = training.fit_trees(rows, kind=False)
    with tempfile.NamedTemporaryFile(suffix=".txt", delete=False) as handle:
        booster.save_model(handle.name)
    empty = load_cost("import time; t = time.perf_counter(); ")
    ours = [load_cost(LOAD_OURS) for _ in range(5)]
    theirs = [load_cost(LOAD_LIGHTGBM.format(file=handle.name)) for _ in range(5)]
    print(f"\n{'loading the model (median of 5)':<34} {'ms':>5} {'peak MiB':>9}")
    print(f"{'bare Python':<34} {empty[0]:>5} {empty[1]:>9}")
    for name, runs in (("page_model (JSON, pure Python)", ours),
                       ("lightgbm.Booster (its own file)", theirs)):
        print(f"{name:<34} {statistics.median(r[0] for r in runs):>5} "
              f"{statistics.median(r[1] for r in runs):>9}")


def compare(rows: Sequence[training.Row], splits: int) -> None:
    """Other learners on the same folds: AUC and false-article rate at 0.98 recall."""
    import lightgbm
    import numpy as np
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    def light(x: Any, y: Any, w: Any) -> Any:
        data = lightgbm.Dataset(x, label=y, weight=w)
        booster = lightgbm.train(training.ARTICLE_PARAMS, data,
                                 num_boost_round=training.ARTICLE_ROUNDS)
        return booster.predict

    def sk(model: Any, impute: bool = False) -> Callable[[Any, Any, Any], Any]:
        def fit(x: Any, y: Any, w: Any) -> Any:
            pipeline = make_pipeline(SimpleImputer(), StandardScaler(), model) if impute else (
                make_pipeline(SimpleImputer(), model))
            step = pipeline.steps[-1][0]
            pipeline.fit(x, y, **{f"{step}__sample_weight": w})
            return lambda test: pipeline.predict_proba(test)[:, 1]
        return fit

    learners = {
        "LightGBM (chosen)": light,
        "sklearn HistGradientBoosting": sk(HistGradientBoostingClassifier(
            max_iter=150, learning_rate=0.1, max_leaf_nodes=7, random_state=training.SEED)),
        "sklearn random forest": sk(RandomForestClassifier(
            n_estimators=300, min_samples_leaf=2, random_state=training.SEED, n_jobs=1)),
        "sklearn logistic regression": sk(LogisticRegression(max_iter=3000), impute=True),
    }
    matrix = np.array([r.features for r in rows])
    labels = np.array([int(r.label == "article") for r in rows])
    print(f"\n{'learner (same folds)':<30} {'AUC':>6} {'FAR@0.98 recall':>16} {'fit s':>6}")
    for name, learner in learners.items():
        scores = np.zeros(len(rows))
        started = time.perf_counter()
        for train, test in training.folds(rows, splits):
            part = [rows[i] for i in train]
            predict = learner(matrix[train], labels[train], np.array(training.weights(part)))
            scores[test] = predict(matrix[test])
        spent = time.perf_counter() - started
        articles = np.sort(scores[[i for i, r in enumerate(rows) if r.label == "article"
                                   and r.dataset not in ("demo", "zoo")]])
        others = scores[[i for i, r in enumerate(rows) if r.label != "article"
                         and r.dataset == "page-types"]]
        threshold = articles[int(len(articles) * 0.02)]
        auc = roc_auc_score(np.r_[np.ones(len(articles)), np.zeros(len(others))],
                            np.r_[articles, others])
        print(f"{name:<30} {auc:>6.4f} {float((others >= threshold).mean()):>16.3f} "
              f"{spent:>6.1f}")


def main() -> int:
    """Measure, cross-validate, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("bench", nargs="?", type=Path, default=DEFAULT_BENCH)
    parser.add_argument("--baseline", default=BASELINE, help="git ref of the classifier to "
                        "print beside (its pipelines/classify.py)")
    parser.add_argument("--compare", action="store_true", help="other learners, same folds")
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    if not (args.bench / "page-types").is_dir():
        print(f"page_classifier: no page-types set under {args.bench}", file=sys.stderr)
        return 2
    pages = [*training.bench_pages(args.bench), *training.own_pages()]
    rows = [training.as_row(page) for page in pages]
    print(f"{len(rows)} pages of {len({r.group for r in rows})} sites, {args.folds} folds "
          f"grouped by site\n")
    verdicts, probabilities = out_of_fold(rows, args.folds)
    old_judge = baseline_classifier(args.baseline)
    old = [old_judge(page.html, page.url) for page in pages]
    print_shares(rows, verdicts, old)
    print_zoo(rows, verdicts)
    print_curve(rows, probabilities)
    real = [p for p in pages if p.dataset not in ("demo", "zoo")]
    print(f"\nclassify one page: median {timing(real):.1f} ms over {len(real)} real pages")
    print_load_costs(rows)
    if args.compare:
        compare(rows, args.folds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
