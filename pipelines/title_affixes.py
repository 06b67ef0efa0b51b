"""A site's title affixes, learned in a crawl from the titles of its other pages.

Every page of a site repeats its affix around the headline (`标题｜示例网_手机版`); the
extractor cuts the site's names it knows, and this learns the affixes it does not: a title
part repeated on most of a site's pages is no headline, and is cut where it opens or closes one.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from extractor.titles import strip_affixes, title_parts

AFFIX_MIN_PAGES = 3
"""A title part must recur in this many of a site's titles to be learned as its affix."""
AFFIX_SHARE = 0.6
"""...and at least this share of the titles seen on the site."""


class TitleAffixes:
    """Counts of the parts of each site's titles, and the affixes they show."""

    def __init__(self) -> None:
        """Nothing seen yet."""
        self._titles: Counter[str] = Counter()
        self._parts: defaultdict[str, Counter[str]] = defaultdict(Counter)

    def observe(self, site: str, title_raw: str | None) -> None:
        """Count one page's ``<title>`` of ``site``."""
        if not title_raw or not title_raw.strip():
            return
        self._titles[site] += 1
        parts = title_parts(title_raw)
        if len(parts) >= 2:
            self._parts[site].update(set(parts))

    def of(self, site: str) -> frozenset[str]:
        """The affixes learned for ``site`` so far (folded)."""
        seen = self._titles[site]
        floor = max(AFFIX_MIN_PAGES, AFFIX_SHARE * seen)
        return frozenset(part for part, count in self._parts[site].items() if count >= floor)

    def clean(self, site: str, title: str | None) -> str | None:
        """``title`` without the affixes learned for ``site``."""
        affixes = self.of(site)
        return strip_affixes(title, tuple(affixes)) if title and affixes else title
