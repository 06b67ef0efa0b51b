"""What a discovery crawl learns about a site as it goes: which URL templates hold articles,
which hold listings worth reading, which are duplicates of other pages, and how to skip them.

Shape rules (``crawler.links``) are only the prior; every fetched page, judged by its content,
moves its template's figures. Pure bookkeeping: the spider feeds it, the gate asks it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from crawler.discovery.templates import (
    apply_rule,
    family_template,
    url_template,
    variant_rule,
)
from crawler.links import NOT_ARTICLE_PATH, is_pagination_url, looks_like_article_url

PRIOR_WEIGHT = 2.0
"""How many fetched pages the shape prior counts for."""
LISTING_PRIOR_LINKS = 3.0
"""New article links a page of an unknown template is expected to bring."""
RULE_VOTES = 2
"""Duplicates that must agree on a rewrite before links are rewritten without fetching."""
EVIDENCE_PAGES = 3
"""Pages of a template (or family) judged before its share of articles overrides a verdict."""
MIN_ARTICLE_SHARE = 1 / 3
"""A template whose judged pages hold fewer articles than this stops being archived."""
CHROME_PAGES = 5
"""Pages whose links must be counted before a link on most of them reads as site chrome."""
CHROME_SHARE = 0.5
"""A URL linked from at least this share of the pages seen is the site's chrome (home, about,
contact, sections): not an article unless the page classifier is sure (``CHROME_DOUBT``)."""
CHROME_DOUBT = 0.5
"""Below this article probability, a page of the site's chrome is not archived."""


@dataclass
class TemplateStats:
    """What the crawl saw of one template."""

    prior: float
    fetched: int = 0
    articles: int = 0
    duplicates: int = 0
    new_links: int = 0
    rules: Counter[tuple[str, str]] = field(default_factory=Counter)

    @property
    def article_odds(self) -> float:
        """Chance that the next page of this template is an article."""
        return (self.articles + PRIOR_WEIGHT * self.prior) / (self.fetched + PRIOR_WEIGHT)

    @property
    def link_yield(self) -> float:
        """New article links one page of this template is expected to bring."""
        return (self.new_links + PRIOR_WEIGHT * LISTING_PRIOR_LINKS) / (
            self.fetched + PRIOR_WEIGHT)

    @property
    def spent(self) -> bool:
        """Pages of it gave neither articles nor new links (or only duplicates)."""
        if self.fetched >= 2 and self.articles == 0 and self.new_links == 0:
            return True
        return self.fetched >= 3 and self.duplicates == self.fetched

    @property
    def mostly_not_articles(self) -> bool:
        """Enough of its pages were judged, and few of them were articles."""
        return (self.fetched >= EVIDENCE_PAGES
                and self.articles < MIN_ARTICLE_SHARE * self.fetched)

    @property
    def rule(self) -> tuple[str, str] | None:
        """The rewrite its duplicates agree on, once they agree often enough."""
        if not self.rules:
            return None
        rule, votes = self.rules.most_common(1)[0]
        return rule if votes >= RULE_VOTES and votes == sum(self.rules.values()) else None


def shape_prior(url: str) -> float:
    """The prior chance that ``url`` is an article, from its shape alone."""
    if is_pagination_url(url) or NOT_ARTICLE_PATH.search(urlsplit(url).path or "/"):
        return 0.1
    return 0.6 if looks_like_article_url(url) else 0.3


@dataclass
class SiteLearner:
    """Templates of one site and the links seen so far."""

    max_pages: int = 5000
    templates: dict[str, TemplateStats] = field(default_factory=dict)
    families: dict[str, TemplateStats] = field(default_factory=dict)
    """The same figures per family (``family_template``): a hundred tag pages are one kind
    of page even though each tag's word makes a template of its own."""
    seen: set[str] = field(default_factory=set)
    articles: set[str] = field(default_factory=set)
    """URLs this crawl found to be articles."""
    pages: int = 0
    inbound: Counter[str] = field(default_factory=Counter)
    """How many fetched pages linked to each URL."""
    linking_pages: int = 0

    def linked(self, urls: list[str]) -> None:
        """Count the distinct same-site links of one fetched page."""
        self.linking_pages += 1
        self.inbound.update(set(urls))

    def site_chrome(self, url: str) -> bool:
        """Whether ``url`` is linked from most pages seen so far (menus, headers, footers)."""
        return (self.linking_pages >= CHROME_PAGES
                and self.inbound[url] >= CHROME_SHARE * self.linking_pages)

    def stats(self, url: str) -> TemplateStats:
        """The figures of ``url``'s template (created with its shape prior)."""
        return _entry(self.templates, url_template(url), url)

    def family(self, url: str) -> TemplateStats:
        """The figures of ``url``'s family of templates."""
        return _entry(self.families, family_template(url), url)

    def first_sight(self, url: str) -> bool:
        """Remember ``url``; True the first time."""
        if url in self.seen:
            return False
        self.seen.add(url)
        return True

    def rewrite(self, url: str) -> str:
        """``url`` turned into the page it duplicates, when its template's duplicates agree."""
        rule = self.stats(url).rule
        rewritten = apply_rule(url, rule) if rule else None
        return rewritten or url

    def worth(self, url: str) -> bool:
        """Whether fetching ``url`` still pays: its template is not spent, the budget not used."""
        family = self.family(url)
        family_spent = family.fetched >= 3 and family.articles == 0 and family.new_links == 0
        return self.pages < self.max_pages and not self.stats(url).spent and not family_spent

    def priority(self, url: str) -> int:
        """Scheduling priority: likely articles first, then pages that bring new links."""
        stats = self.stats(url)
        if stats.article_odds >= 0.3:
            return 20 + int(80 * stats.article_odds)
        return int(min(19.0, 3 * stats.link_yield))

    def likely_article(self, url: str) -> bool:
        """True when ``url``'s template more likely holds articles than not."""
        return self.stats(url).article_odds >= 0.3

    def overruled(self, url: str) -> bool:
        """Whether the crawl's own evidence says not to archive a page of ``url``'s kind, even
        one judged an article: its template or family of templates is mostly non-articles."""
        return self.stats(url).mostly_not_articles or self.family(url).mostly_not_articles

    def fetched(self, url: str, *, article: bool, new_links: int = 0,
                duplicate_of: str | None = None) -> None:
        """Record what a fetched page turned out to be."""
        self.pages += 1
        if article:
            self.articles.add(url)
        for stats in (self.stats(url), self.family(url)):
            stats.fetched += 1
            stats.new_links += new_links
            if article:
                stats.articles += 1
            if duplicate_of is not None:
                stats.duplicates += 1
        if duplicate_of is not None:
            rule = variant_rule(url, duplicate_of)
            if rule is not None:
                self.stats(url).rules[rule] += 1

    def summary(self) -> list[tuple[str, int, int, int, int]]:
        """(template, fetched, articles, duplicates, new links), most fetched first."""
        rows = [(k, s.fetched, s.articles, s.duplicates, s.new_links)
                for k, s in self.templates.items() if s.fetched]
        return sorted(rows, key=lambda r: -r[1])


def _entry(book: dict[str, TemplateStats], key: str, url: str) -> TemplateStats:
    """``book[key]``, created with ``url``'s shape prior the first time."""
    found = book.get(key)
    if found is None:
        found = book[key] = TemplateStats(prior=shape_prior(url))
    return found
