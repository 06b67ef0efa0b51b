"""The learned page-type model: gradient-boosted trees trained by ``scripts/page_training.py``
(LightGBM), stored as plain JSON and evaluated here in pure Python.

Why not load LightGBM itself in the crawl: importing it (with numpy and scipy) costs every
crawl and extraction process tens of megabytes and a few hundred milliseconds, and the trees
are a few hundred comparisons a page (measured in ``bench/page_classifier.py``). A test checks
that this evaluator gives LightGBM's own probabilities.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

MODEL_FILE = "page_model.json"
"""The committed model, next to this module."""


@dataclass(frozen=True, slots=True)
class Trees:
    """One boosted ensemble: per tree, flat node arrays (a leaf has feature -1)."""

    features: tuple[str, ...]
    trees: tuple[dict[str, list[Any]], ...]
    classes: tuple[str, ...]
    """One class: a binary model (its score is that class's log-odds); more: softmax."""

    def scores(self, row: list[float]) -> list[float]:
        """Raw scores, one per class."""
        totals = [0.0] * len(self.classes)
        for number, tree in enumerate(self.trees):
            totals[number % len(self.classes)] += _leaf(tree, row)[0]
        return totals

    def probabilities(self, row: list[float]) -> dict[str, float]:
        """Each class's probability (a binary model: its one class's)."""
        scores = self.scores(row)
        if len(scores) == 1:
            return {self.classes[0]: _sigmoid(scores[0])}
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return {name: e / total for name, e in zip(self.classes, exps, strict=True)}

    def explain(self, row: list[float], target: int = 0) -> tuple[float, dict[str, float]]:
        """Class ``target``'s raw score and how much each feature moved it along the decision
        paths, in one walk of the trees."""
        score, found = 0.0, dict[str, float]()
        for number, tree in enumerate(self.trees):
            if number % len(self.classes) != target:
                continue
            value, path = _leaf(tree, row)
            score += value
            for feature, delta in path:
                name = self.features[feature]
                found[name] = found.get(name, 0.0) + delta
        return score, found

    def contributions(self, row: list[float], target: int = 0) -> dict[str, float]:
        """How much each feature moved class ``target``'s score along the decision paths."""
        return self.explain(row, target)[1]


@dataclass(frozen=True, slots=True)
class PageModel:
    """Article or not (a binary ensemble), then which non-article type (a multiclass one)."""

    article: Trees
    kind: Trees
    threshold: float
    """The article probability at and above which a page is an article."""
    meta: dict[str, Any]

    @property
    def features(self) -> tuple[str, ...]:
        """The feature names, in the order the trees index them."""
        return self.article.features

    def article_odds(self, row: list[float]) -> tuple[float, dict[str, float]]:
        """The article probability and each feature's pull on its log-odds, in one walk."""
        score, pulls = self.article.explain(row)
        return _sigmoid(score), pulls


def load_model(text: str | None = None) -> PageModel:
    """The model from JSON ``text``, or the committed one."""
    if text is None:
        return committed_model()
    data = json.loads(text)
    return PageModel(article=_trees(data["article"], data["features"]),
                     kind=_trees(data["kind"], data["features"]),
                     threshold=float(data["threshold"]), meta=data.get("meta", {}))


@cache
def committed_model() -> PageModel:
    """The model committed with the code (read once per process)."""
    text = resources.files(__package__ or "crawler.discovery").joinpath(MODEL_FILE).read_text(
        encoding="utf-8")
    return load_model(text)


def _trees(data: dict[str, Any], features: list[str]) -> Trees:
    return Trees(features=tuple(features), trees=tuple(data["trees"]),
                 classes=tuple(data["classes"]))


def _leaf(tree: dict[str, list[Any]], row: list[float]) -> tuple[float, list[tuple[int, float]]]:
    """The leaf value ``row`` reaches, and (feature, value change) at every split on the way."""
    feature, threshold, left, right = tree["f"], tree["t"], tree["l"], tree["r"]
    default_left, missing, value = tree["d"], tree["m"], tree["v"]
    node, path = 0, []
    while feature[node] >= 0:
        x = row[feature[node]]
        kind = missing[node]
        if math.isnan(x) and kind == 0:  # LightGBM "None": a missing value reads as zero
            x = 0.0
        if (kind == 2 and math.isnan(x)) or (kind == 1 and (math.isnan(x) or x == 0.0)):
            go = left[node] if default_left[node] else right[node]
        else:
            go = left[node] if x <= threshold[node] else right[node]
        path.append((feature[node], value[go] - value[node]))
        node = go
    return value[node], path


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)
