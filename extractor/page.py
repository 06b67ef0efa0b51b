"""The page parsed once: tree, metas, JSON-LD, text lines, and the regions credits sit in.

Every field strategy reads a ``ParsedPage`` (what the markup says) and a ``Regions`` (where the
headline, the lines around it, the article's first and last paragraphs are), so nothing parses
the page twice and every strategy sees the same lines.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement

from extractor import html_meta
from extractor.script import han_share
from extractor.titles import site_names

_FOOTER = re.compile(r"copyright|©|版权所有|版權所有|icp", re.IGNORECASE)
HEADER_LINES = 4
"""Lines under the headline that may hold its meta line (author, date, source)."""
ABOVE_LINES = 2
"""Lines above the headline that may hold it (some templates print the date first)."""
EDGE_LINES = 3
"""Paragraphs at the end of the body searched for closing credits."""
AFTER_LINES = 3
"""Page lines after the body searched for a closing credit."""
LEAD_LINES = 8
"""Paragraphs at the start of the body searched for a dateline (related links and captions
often come first)."""
PROSE_MIN = 40
"""A paragraph ending a sentence is prose at this length, or with two sentences."""
_SENTENCE_MARKS = re.compile(r"[。！？!?]")
_SENTENCE_END = re.compile(r"[。！？!?][”」』\"]?\s*(?:[（(][^（()）]{1,40}[)）])?\s*$")


def is_footer(line: str) -> bool:
    """A copyright or ICP licence line: its years and names are not the article's."""
    return _FOOTER.search(line) is not None


@dataclass(slots=True)
class ParsedPage:
    """One page's source, tree and the markup facts every field strategy reads."""

    html: str
    """The decoded source."""
    encoding: str
    """The charset the source was decoded from."""
    url: str | None
    tree: HtmlElement
    metas: dict[str, str]
    """``<meta>`` values by lowercased name/property/itemprop."""
    ld: list[dict[str, Any]]
    """JSON-LD objects, ``@graph`` members flattened."""
    lines: list[str]
    """Visible text, one line per block element."""
    headings: list[str]
    """Texts of the first ``<h1>`` elements."""
    is_chinese: bool
    """Whether a fifth of the visible text or more is Han."""
    site_name: str | None = None
    """``og:site_name`` or ``application-name``."""
    names_of_site: tuple[str, ...] = field(default=())
    """The site's own names, normalised (see ``titles.site_names``)."""

    def meta(self, *names: str) -> str | None:
        """First non-empty ``<meta>`` value among ``names``."""
        return html_meta.meta_content(self.metas, *names)

    def ld_text(self, key: str) -> str | None:
        """A JSON-LD string value of an article-like object, stripped."""
        value = html_meta.ld_value(self.ld, key)
        return value.strip() if isinstance(value, str) and value.strip() else None


def parse_page(html: str, encoding: str, url: str | None) -> ParsedPage:
    """Parse ``html`` once (raises ``ValueError``/``TypeError`` when lxml refuses it)."""
    tree = html_meta.parse_html(html)
    lines = html_meta.text_lines(tree)
    metas = html_meta.meta_index(tree)
    site_name = html_meta.meta_content(metas, "og:site_name", "application-name")
    return ParsedPage(
        html=html, encoding=encoding, url=url, tree=tree, metas=metas,
        ld=html_meta.json_ld(tree), lines=lines, headings=html_meta.headings(tree),
        is_chinese=han_share("".join(lines)[:20000]) > 0.2, site_name=site_name,
        names_of_site=site_names(site_name, url),
    )


@dataclass(frozen=True, slots=True)
class Regions:
    """Where a page's credits sit, once the headline and the body are known."""

    title_index: int | None
    """Index in ``ParsedPage.lines`` of the headline's line, None when not found."""
    under_title: list[str]
    """Short lines just under the headline (the meta line's home)."""
    above_title: list[str]
    """Short lines just above the headline."""
    body: list[str]
    """The article's paragraphs, as the body extractor kept them."""
    span: tuple[int, int] | None = None
    """First and last index in ``ParsedPage.lines`` of the article (headline to last
    paragraph), None when neither could be placed."""
    after: list[str] = field(default_factory=list)
    """The page lines just after the article's last paragraph (the body extractor sometimes
    stops one paragraph short of the closing credit)."""

    def near_article(self, index: int, after: int = 8) -> bool:
        """Whether page line ``index`` lies in the article or up to ``after`` lines past it
        (credits close articles; sidebars credit other articles)."""
        if self.span is None:
            return True
        return self.span[0] - ABOVE_LINES <= index <= self.span[1] + after

    @property
    def header(self) -> list[str]:
        """Lines under, then above, the headline."""
        return self.under_title + self.above_title

    @property
    def lead(self) -> list[str]:
        """The body's first paragraphs (datelines: `新华社北京1月5日电（记者 …）`)."""
        return self.body[:LEAD_LINES]

    @property
    def tail(self) -> list[str]:
        """The body's last paragraphs (closing credits: `（记者 张三）`, `（责任编辑：X）`)."""
        return self.body[-EDGE_LINES:]

    @property
    def last_prose(self) -> str | None:
        """The body's last paragraph that ends a sentence, when a list the body extractor kept
        (related headlines, teasers) follows it beyond ``tail``: credits close the prose."""
        for offset, line in enumerate(reversed(self.body)):
            # Prose, not a teaser headline that ends in a question mark.
            if _SENTENCE_END.search(line) and (len(line) >= PROSE_MIN
                                               or len(_SENTENCE_MARKS.findall(line)) >= 2):
                return line if offset >= EDGE_LINES else None
        return None


def find_regions(lines: Sequence[str], title: str | None, body: list[str]) -> Regions:
    """The headline's position and the lines around it; without a headline, the first 40
    short lines stand in for the header."""
    index = next((i for i, line in enumerate(lines) if title and line == title), None)
    if index is None:
        index = next((i for i, line in enumerate(lines) if title and title in line), None)
    first = _line_of(lines, body[0]) if body else None
    last = _line_of(lines, body[-1], start=first or 0) if body else None
    start = index if index is not None else first
    span = (start, max(last, start)) if start is not None and last is not None else None
    after_body = list(lines[span[1] + 1 : span[1] + 1 + AFTER_LINES]) if span else []
    if index is None:
        header = [line for line in lines[:40] if len(line) <= 120 and not is_footer(line)]
        return Regions(None, header, [], body, span, after_body)
    after = lines[index + 1 : index + 1 + HEADER_LINES]
    before = lines[max(0, index - ABOVE_LINES) : index]
    return Regions(
        index,
        [line for line in after if len(line) <= 120 and not is_footer(line)],
        [line for line in before if len(line) <= 120 and not is_footer(line)],
        body,
        span,
        after_body,
    )


def _line_of(lines: Sequence[str], paragraph: str, start: int = 0) -> int | None:
    """Index of the page line holding ``paragraph`` (trafilatura joins or trims lines)."""
    head = paragraph[:20]
    for i in range(start, len(lines)):
        if lines[i] == paragraph or (head and head in lines[i]):
            return i
    return None
