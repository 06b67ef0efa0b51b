"""The article's body: trafilatura on what a reader sees, then our line rules for Chinese pages."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Sequence

import trafilatura
import trafilatura.utils
from lxml.html import HtmlElement
from trafilatura.settings import Extractor

from extractor import html_meta
from extractor.boilerplate import clean_lines
from extractor.hidden import drop_hidden, may_hide_text

# The same for trafilatura's own parser (a module global): the same output on all 1,046
# benchmark pages, 9 % less time.
html_meta.use_plain_elements(trafilatura.utils.HTML_PARSER)

_OPTIONS = Extractor(output_format="txt", comments=False, tables=True, dedup=False)
_PRECISE_OPTIONS = Extractor(
    output_format="txt", precision=True, comments=False, tables=True, dedup=False
)
# Chinese portals still lay pages out with tables: their cells are navigation, not data.
_CHINESE_OPTIONS = Extractor(output_format="txt", comments=False, tables=False, dedup=False)
_CHINESE_PRECISE_OPTIONS = Extractor(
    output_format="txt", precision=True, comments=False, tables=False, dedup=False
)
LINK_CHECK_CHARS = 3000
"""Bodies up to this long are checked for being mostly link text (see ``LINK_SHARE``)."""
LINK_SHARE = 0.4
"""A short body with this share of its characters on lines that are link texts is navigation
around the article: it is extracted again in precision mode."""
TABLE_FALLBACK_CHARS = 200
"""A Chinese page with less text than this outside tables is extracted again with tables."""
GARBLED_SHARE = 0.2
"""A body line with more than this share of replacement characters (U+FFFD) is dropped."""
SHORT_TEXT_CHARS = 500
"""Below this, trafilatura's default mode falls back to whole-page text that leaks navigation:
such pages are extracted again in precision mode."""
_POST_HEADER = re.compile(r"(?:发表于|发表时间\s*[:：]?|回复于)\s*\d{4}\s*[-/年]")


def body_lines(html: str, tree: HtmlElement, lines: Sequence[str], url: str | None, *,
               is_chinese: bool, min_chars: int) -> list[str]:
    """The article's paragraphs before cleaning: trafilatura's text on the visible page, one
    paragraph per line, garbled lines and forum replies left out."""
    body = _visible_body(html, tree, url, is_chinese=is_chinese, min_chars=min_chars)
    paragraphs = _without_replies(
        [" ".join(line.split()) for line in body.split("\n")
         if line.strip() and not _garbled(line)],
        lines,
    )
    return _trim_link_edges(paragraphs, _anchor_texts(tree))


LINK_COVER_SHARE = 0.5
"""A line whose characters are this much link text is a link (a related-story item)."""
_EDGE_SCAN = 60
_FILLER_CHARS = 10
_LIST_MARK = re.compile(r"^[-・•·■□◆◇▪►>*\s]+")
_STAMP = re.compile(r"[\[【(（]?\s*\d{1,4}[-/.:年月]\d{1,2}(?:[-/.:月日]\d{1,2})?[日]?"
                    r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*[\]】)）]?")
_PROSE = re.compile(r"[。！？!?；;]")


def _anchor_texts(tree: HtmlElement) -> list[str]:
    """The page's link texts of four characters or more, longest first."""
    texts = {" ".join(a.text_content().split()) for a in tree.iter("a")}
    return sorted((t for t in texts if len(t) >= 4), key=len, reverse=True)


def _is_link_line(line: str, anchors: Sequence[str]) -> bool:
    core = _STAMP.sub("", _LIST_MARK.sub("", line)).strip()
    if not core:
        return False
    covered = 0
    rest = core
    for anchor in anchors:
        if anchor in rest:
            covered += len(anchor)
            rest = rest.replace(anchor, "", 1)
            if covered >= LINK_COVER_SHARE * len(core):
                return True
    return False


def _is_filler(line: str) -> bool:
    """A list's heading or a stamp between its items: `更多科技新聞`, `- [21:26] 01-17`."""
    core = _STAMP.sub("", _LIST_MARK.sub("", line)).strip()
    return len(core) <= _FILLER_CHARS and not _PROSE.search(core)


def _trim_link_edges(paragraphs: list[str], anchors: Sequence[str]) -> list[str]:
    """Cut runs of link lines (related stories, more news) from both ends of the body.

    A run is cut when it holds two link lines or more; short headings and stamps between
    them go with it. The first line of prose stops the run.
    """
    def run_length(lines: Sequence[str]) -> int:
        links = cut = 0
        for index, line in enumerate(lines[:_EDGE_SCAN]):
            if _is_link_line(line, anchors):
                links += 1
                cut = index + 1
            elif not _is_filler(line):
                break
        return cut if links >= 2 else 0

    tail = run_length(paragraphs[::-1])
    kept = paragraphs[: len(paragraphs) - tail] if tail else paragraphs
    head = run_length(kept)
    return kept[head:] if head < len(kept) else kept


def clean_body(paragraphs: Iterable[str], *, title: str | None, meta_lines: Iterable[str]) -> str:
    """The body text: boilerplate, meta lines, the repeated headline and repeats removed."""
    return "\n".join(clean_lines(paragraphs, title=title, meta_lines=meta_lines))


def _visible_body(html: str, tree: HtmlElement, url: str | None, *, is_chinese: bool,
                  min_chars: int) -> str:
    """The body from what a reader sees: hidden elements removed before trafilatura runs.

    ``tree`` is our own parse of ``html``, used when trafilatura turns the page down.
    """
    # A copy of our parse rather than trafilatura's own (3× cheaper; each extraction pass
    # copies the tree it is given).
    page = copy.deepcopy(tree)
    hidden_chars = drop_hidden(page) if may_hide_text(html) else 0
    body = _body(page, html, url, is_chinese=is_chinese, min_chars=min_chars)
    wanted = 4 * max(len(body), min_chars)
    # The article itself may be what the page hides until a script shows it: the page as
    # served is extracted again when its hidden text could make the body that much longer
    # (on zh-news the second pass ran on 39 of 196 pages and won on 1; its cost was 22 % of
    # the extraction time).
    if len(body) < SHORT_TEXT_CHARS and len(body) + hidden_chars >= wanted:
        served = _body(copy.deepcopy(tree), html, url,
                       is_chinese=is_chinese, min_chars=min_chars)
        if len(served) >= wanted:
            return served
    return body


def _body(page: str | HtmlElement, html: str, url: str | None, *, is_chinese: bool,
          min_chars: int) -> str:
    """trafilatura's text; short results again in precision mode, which leaks no navigation.

    ``page`` is the source or a parsed tree of it, ``html`` the source.
    """
    options, precise_options = (
        (_CHINESE_OPTIONS, _CHINESE_PRECISE_OPTIONS) if is_chinese
        else (_OPTIONS, _PRECISE_OPTIONS)
    )
    body = trafilatura.extract(page, url=url, options=options) or ""
    if len(body) < SHORT_TEXT_CHARS or _mostly_links(body, page):
        precise = trafilatura.extract(page, url=url, options=precise_options) or ""
        if len(precise) >= min_chars:
            body = precise
    if is_chinese and len(body) < TABLE_FALLBACK_CHARS and _has_table(html):
        # Little outside tables: the article itself may sit in a layout cell.
        tabled = trafilatura.extract(page, url=url, options=_PRECISE_OPTIONS) or ""
        if len(tabled) >= 2 * max(len(body), min_chars):
            body = _table_cells(tabled)
    return body


def _mostly_links(body: str, page: str | HtmlElement) -> bool:
    """Whether most of ``body`` is the text of the page's links: trafilatura's whole-page
    fallback around a short article (a 60-character 快讯 inside a portal's menus and lists)."""
    if len(body) > LINK_CHECK_CHARS or isinstance(page, str):
        return False
    anchors = {" ".join(a.text_content().split()) for a in page.iter("a")}
    lines = [" ".join(line.split()) for line in body.split("\n") if line.strip()]
    linked = sum(len(line) for line in lines if line in anchors)
    return linked >= LINK_SHARE * sum(map(len, lines))


def _garbled(line: str) -> bool:
    """A line that is mostly U+FFFD: bytes lost to a wrong decode before the page reached us
    (archived copies, broken proxies). No reader can use it; keeping it only pads the text."""
    return line.count("\ufffd") > GARBLED_SHARE * len(line)


def _has_table(html: str) -> bool:
    """A cheap look for a ``<table>`` before paying for a third extraction pass."""
    return re.search(r"<table[\s>]", html, re.IGNORECASE) is not None


def _without_replies(body_lines: list[str], lines: Sequence[str]) -> list[str]:
    """Drop text that only appears after the second post header (`X 发表于 2024-3-10`):
    on forum threads and comment lists those are replies, not the article."""
    headers = [i for i, line in enumerate(lines) if len(line) <= 120 and _POST_HEADER.search(line)]
    if len(headers) < 2:
        return body_lines
    before = set(lines[: headers[1]])
    replies = {line for line in lines[headers[1] :] if line not in before}
    return [line for line in body_lines if line not in replies]


def _table_cells(text: str) -> str:
    """trafilatura's ``| a | b |`` rows as one line per non-empty cell."""
    lines: list[str] = []
    for line in text.split("\n"):
        stripped = line.strip()
        if not (stripped.startswith("|") and stripped.endswith("|")):
            lines.append(line)
            continue
        for cell in re.split(r"(?<!\\)\|", stripped.strip("|")):
            cell = cell.replace("\\|", "|").strip()
            if cell and not re.fullmatch(r"[-:\s]+", cell):
                lines.append(cell)
    return "\n".join(lines)


