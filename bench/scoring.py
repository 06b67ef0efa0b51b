"""Scores of the extraction benchmark, as ../shared/bench/README.md defines them."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Each Han ideograph or kana is its own token; other \w runs are tokens as they are.
_TOKEN = re.compile(rf"[{_CJK}]|(?:(?![{_CJK}])\w)+")
_NON_WORD = re.compile(r"\W+")
_SPACE = re.compile(r"\s+")


def tokens(text: str | None) -> list[str]:
    """Benchmark tokens of ``text``."""
    return _TOKEN.findall(text or "")


def shingles(words: Sequence[str], size: int = 4) -> Counter[tuple[str, ...]]:
    """Multiset of ``size``-token shingles (the whole text when it is shorter)."""
    if len(words) < size:
        return Counter([tuple(words)]) if words else Counter()
    return Counter(tuple(words[i : i + size]) for i in range(len(words) - size + 1))


@dataclass
class BodyScore:
    """Accumulates the Zyte shingle metric and bag-of-words F1 over pages."""

    precisions: list[float] = field(default_factory=list)
    recalls: list[float] = field(default_factory=list)
    bow_f1s: list[float] = field(default_factory=list)

    def add(self, predicted: str | None, truth: str) -> None:
        """Score one page."""
        pred_tokens, true_tokens = tokens(predicted), tokens(truth)
        pred, true = shingles(pred_tokens), shingles(true_tokens)
        tp = sum((pred & true).values())
        if pred:
            self.precisions.append(tp / sum(pred.values()))
        if true:
            self.recalls.append(tp / sum(true.values()))
            bag_pred = Counter(t.lower() for t in pred_tokens)
            bag_true = Counter(t.lower() for t in true_tokens)
            overlap = sum((bag_pred & bag_true).values())
            p = overlap / sum(bag_pred.values()) if bag_pred else 0.0
            r = overlap / sum(bag_true.values())
            self.bow_f1s.append(2 * p * r / (p + r) if p + r else 0.0)

    @property
    def precision(self) -> float:
        """Mean precision over pages where the extractor returned tokens."""
        return _mean(self.precisions)

    @property
    def recall(self) -> float:
        """Mean recall over pages with truth tokens."""
        return _mean(self.recalls)

    @property
    def f1(self) -> float:
        """F1 of the two means."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def bow_f1(self) -> float:
        """Macro-averaged bag-of-words F1."""
        return _mean(self.bow_f1s)


@dataclass
class SnippetScore:
    """``with`` snippets found are TP, missing FN; ``without`` snippets found are FP."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: str | None, with_: Iterable[str], without: Iterable[str]) -> None:
        """Score one page."""
        text = _SPACE.sub("", predicted or "")
        for snippet in with_:
            if _SPACE.sub("", snippet) in text:
                self.tp += 1
            else:
                self.fn += 1
        self.fp += sum(1 for s in without if _SPACE.sub("", s) and _SPACE.sub("", s) in text)

    @property
    def precision(self) -> float:
        """TP / (TP + FP)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        """TP / (TP + FN)."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        """F1 of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def normalize_title(title: str | None) -> str:
    """NFKC, casefold, every non-word character dropped."""
    return _NON_WORD.sub("", unicodedata.normalize("NFKC", title or "").casefold())


def title_matches(predicted: str | None, truth: str) -> bool:
    """Strict title equality after normalization."""
    return bool(predicted) and normalize_title(predicted) == normalize_title(truth)


def author_matches(predicted: str | None, truth: str) -> bool:
    """Lenient: an annotated name inside the prediction, or the prediction inside the truth."""
    pred = normalize_title(predicted)
    if not pred:
        return False
    names = [normalize_title(n) for n in re.split(r"[;；]", truth)]
    whole = normalize_title(truth)
    return any(n and n in pred for n in names) or pred in whole


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _person_key(name: str) -> str:
    return normalize_title(name)


def _same_person(predicted: str, truth: str) -> bool:
    """One name contains the other (`記者張三` and `張三`)."""
    a, b = _person_key(predicted), _person_key(truth)
    return bool(a) and bool(b) and (a in b or b in a)


_JOINED_NAMES = re.compile(r"\s*;\s*|\s+(?:and|und|et|y|e)\s+|\s*&\s*|,\s+(?:and\s+)?", re.I)


def split_annotated_names(annotation: str) -> list[str]:
    """The people of a joined author annotation: `A und B`, `A, B & C`, `A; B` (first line only,
    `By ` dropped); a comma only separates parts of two words or more (`Smith, John` and
    `Jane Roe, MD` stay one name)."""
    line = annotation.strip().splitlines()[0] if annotation.strip() else ""
    line = re.sub(r"^\s*by\s+", "", line, flags=re.I).strip()
    parts = [p.strip() for p in _JOINED_NAMES.split(line) if p and p.strip()]
    if len(parts) > 1 and all(len(p.split()) >= 2 for p in parts):
        return parts
    halves = [p.strip() for p in re.split(r"\s*;\s*|\s+(?:and|und|et|y)\s+|\s*&\s*", line,
                                          flags=re.I) if p.strip()]
    return halves if len(halves) > 1 and all(len(p.split()) >= 2 for p in halves) else [line]


def people_set_exact(predicted: Sequence[str], truth: Sequence[str]) -> bool:
    """Every annotated person predicted and nothing else, order free (zh-news README)."""
    predicted = [p for p in predicted if _person_key(p)]
    if len(predicted) != len(truth):
        return False
    unmatched = list(truth)
    for name in predicted:
        match = next((t for t in unmatched if _same_person(name, t)), None)
        if match is None:
            return False
        unmatched.remove(match)
    return not unmatched


def people_overlap(predicted: Sequence[str], truth: Sequence[str]) -> tuple[int, int, int]:
    """(true positives, predicted count, annotated count) for name-level F1."""
    predicted = [p for p in predicted if _person_key(p)]
    unmatched = list(truth)
    tp = 0
    for name in predicted:
        match = next((t for t in unmatched if _same_person(name, t)), None)
        if match is not None:
            unmatched.remove(match)
            tp += 1
    return tp, len(predicted), len(truth)


def source_matches(predicted: str | None, truth: str) -> bool:
    """The predicted and annotated outlet contain one another after normalization."""
    a, b = normalize_title(predicted), normalize_title(truth)
    return bool(a) and bool(b) and (a in b or b in a)
