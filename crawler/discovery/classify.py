"""Is a fetched page an article? The learned page-type model's verdict, with its reasons.

The features (``page_features``) describe the page's layout; the model (``page_model``, trained
on real labelled pages by ``scripts/page_training.py``) weighs them. Two rules stand above the
model: a page that echoes its own query string in its heading or search box is a search result
page, however long its summaries; and a page with almost no visible text (a script-drawn app,
an error stub) is no article to extract.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from crawler.discovery.page_features import page_features
from crawler.discovery.page_model import PageModel, committed_model

ARTICLE = "article"
MIN_TEXT_BYTES = 200
"""Less visible text than this (about 70 Han characters) is no article, whatever its markup."""
REASONS = 4
"""How many features a verdict names (those that moved the article score most)."""


@dataclass(frozen=True, slots=True)
class PageVerdict:
    """Whether a page is an article, its likeliest type and the features behind the verdict."""

    is_article: bool
    probability: float
    """The model's chance that the page is an article."""
    page_type: str
    """``article``, or the likeliest of listing, collection, forum, product, documentation,
    service."""
    type_probability: float
    """The model's chance of ``page_type`` among the non-article types (1.0 for articles)."""
    reasons: tuple[tuple[str, float, float], ...]
    """(feature, its value, how far it moved the article log-odds), strongest first."""
    rule: str | None = None
    """A rule that overrode the model (``search page``, ``no text``), or None."""

    @property
    def reason(self) -> str:
        """The verdict and its reasons as one line, for logs, stats and ``--explain``."""
        head = f"{self.page_type} p(article)={self.probability:.2f}"
        if self.rule:
            head += f" [{self.rule}]"
        named = ", ".join(f"{name}={_short(value)} {delta:+.2f}"
                          for name, value, delta in self.reasons)
        return f"{head}: {named}" if named else head


def classify_page(html: str, url: str | None, model: PageModel | None = None) -> PageVerdict:
    """Judge ``html`` (served at ``url``, or None when unknown) with ``model`` (the committed
    one by default)."""
    return classify_features(page_features(html, url), model)


def classify_features(features: dict[str, float], model: PageModel | None = None
                      ) -> PageVerdict:
    """The verdict on a page whose ``features`` were measured already."""
    model = model or committed_model()
    row = [features[name] for name in model.features]
    probability, contributions = model.article_odds(row)
    strongest = sorted(contributions.items(), key=lambda item: -abs(item[1]))[:REASONS]
    reasons = tuple((name, features[name], delta) for name, delta in strongest)
    rule = None
    if features["text_log_bytes"] < math.log1p(MIN_TEXT_BYTES):
        rule = "no text"
    elif features.get("url_query_echoed") == 1.0:
        rule = "search page"
    is_article = probability >= model.threshold and rule is None
    if is_article:
        return PageVerdict(True, probability, ARTICLE, 1.0, reasons)
    kinds = model.kind.probabilities(row)
    if rule == "search page":
        kinds = {"listing": 1.0}
    kind, chance = max(kinds.items(), key=lambda item: item[1])
    return PageVerdict(False, probability, kind, chance, reasons, rule)


def _short(value: float) -> str:
    if math.isnan(value):
        return "?"
    return str(int(value)) if value == int(value) else f"{value:.2f}"
