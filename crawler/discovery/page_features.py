"""What a page's structure says about its type, as numbers a learned model can weigh.

Every feature is meant to carry across sites and languages: how text, links, headings and
dates are laid out (an article has one long run of paragraphs and few links; a listing repeats
sibling records each holding a link; a forum repeats dated posts), what the markup declares
(``og:type``, JSON-LD and microdata types: evidence, not verdicts), forms and code blocks, and
the URL's shape as a weak hint (missing, ``nan``, when the page's address is unknown).

Text is measured in UTF-8 bytes, so a Chinese character (3 bytes) weighs about what a short
English word does and one threshold serves both scripts. One parse and one bottom-up pass over
the tree; pure lxml, no Scrapy.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlsplit

import lxml.html
from lxml import etree

from crawler.links import NOT_ARTICLE_PATH, is_pagination_url, looks_like_article_url

# Tags whose text is never shown as page content.
_HIDDEN = frozenset(("script", "style", "noscript", "template", "svg", "head", "title", "meta",
                     "link", "iframe", "object", "button", "select", "option", "textarea"))
# Inline tags: their text belongs to the block around them (links excepted).
_INLINE = frozenset(("b", "strong", "em", "i", "u", "span", "font", "br", "small", "sup", "sub",
                     "mark", "abbr", "cite", "q", "code", "time", "label", "wbr", "s", "del",
                     "ins", "big", "tt", "var", "kbd", "img"))
_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
# Tags counted as they are, by the count they add to.
_COUNTED_TAGS = {"article": "article_elements", "img": "images", "table": "tables",
                 "ul": "lists", "ol": "lists", "pre": "code_blocks", "time": "time_elements",
                 "form": "forms"}
# Own (non-link) text of at least this many bytes makes a block a paragraph.
_PARAGRAPH_BYTES = 120
_LONG_PARAGRAPH_BYTES = 400
# A record region: at least this many same-shaped siblings, most of them holding a link.
_MIN_RECORDS = 3

_ARTICLE_TYPES = frozenset((
    "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
    "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "report",
    "scholarlyarticle", "liveblogposting", "socialmediaposting", "posting"))
_TYPE_GROUPS: dict[str, frozenset[str]] = {
    "article": _ARTICLE_TYPES,
    "listing": frozenset(("itemlist", "collectionpage", "searchresultspage", "blog", "dataset")),
    "product": frozenset(("product", "offer", "aggregateoffer", "productgroup", "individualproduct",
                          "softwareapplication", "mobileapplication", "course", "book")),
    "forum": frozenset(("discussionforumposting", "qapage", "question", "answer", "comment")),
    "profile": frozenset(("profilepage", "person")),
    "organization": frozenset(("organization", "localbusiness", "corporation", "store",
                               "educationalorganization", "professionalservice", "service",
                               "contactpage", "aboutpage")),
    "howto": frozenset(("techarticle", "howto", "faqpage", "apireference")),
    "event": frozenset(("event",)),
}
_OG_TYPES = ("article", "website", "product", "profile", "other")

# Dates as pages print them. Each pattern opens with a lookahead on its first character: Python's
# engine otherwise tries every alternative at every position (4 ms a page against 0.4 ms).
_DATE = re.compile(
    r"(?=\d)(?<!\d)(?:"
    r"(?:19|20)\d{2}\s?[-/.年]\s?[01]?\d\s?[-/.月]\s?[0-3]?\d|"
    r"[0-3]?\d[./][01]?\d[./](?:19|20)\d{2}|"
    r"[01]?\d月[0-3]?\d日|"
    r"[0-3]?\d\.?\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?,?\s+(?:19|20)\d{2}|"
    r"\d+\s?(?:分钟|小时|天|周|个月)前|\d+\s+(?:minutes?|hours?|days?|weeks?|months?)\s+ago\b)|"
    r"(?=[ADFJMNOS])\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+[0-3]?\d"
    r"(?:st|nd|rd|th)?,?\s+(?:19|20)\d{2}")
# Phone numbers as pages print them: 718-717-1111, 844.770.0652, +44 20 7946 0958, 010-12345678.
_PHONE = re.compile(r"(?=[\d+(])(?<!\d)(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,4}\)|\d{2,4})[ .-]"
                    r"\d{3,4}[ .-]?\d{3,4}(?!\d)")
_PRICE = re.compile(r"(?=[$€£¥￥\d])(?:[$€£¥￥]\s?\d|\d(?:[.,]\d{2})?\s?(?:元|USD|EUR|€))")
# Words of class and id attributes (matched as substrings: a regex per element cost 2.6 ms a page).
_CLASS_WORDS = {
    "comment": ("comment", "reply", "respon", "评论", "留言"),
    "button": ("btn", "button", "cta"),
    "user": ("avatar", "user", "member", "profile", "signature"),
    "nav": ("nav", "menu", "sidebar", "breadcrumb"),
}

FEATURES: tuple[str, ...] = (
    # text and links
    "text_log_bytes", "link_share", "links_log", "paragraphs", "long_paragraphs",
    "longest_paragraph_log", "top_block_share", "main_paragraphs", "main_link_share",
    "p_paragraphs",
    # repeated records (listings, search results, forum posts)
    "records", "record_share", "records_with_summary", "record_groups", "headline_records",
    "summary_share", "dated_records", "teasers", "teaser_share", "headline_then_text",
    "headline_then_text_share", "posts", "headline_links",
    "headline_link_share",
    "linked_headings", "linked_heading_share",
    # the main block: the smallest element holding most of the paragraphs
    "main_share", "main_depth", "main_records", "paragraph_run",
    # headings and layout
    "h1", "h2", "h3", "headline_at", "h1_bytes", "title_bytes", "title_has_h1",
    "date_near_headline", "article_elements", "images_log",
    "tables", "lists_log", "code_blocks", "nav_blocks",
    # dates
    "dates", "date_density", "time_elements", "declared_date",
    # forms, prices, comments, people
    "forms", "text_inputs", "textareas", "search_inputs", "buttons", "button_links", "contacts",
    "phones", "prices",
    "comment_blocks", "user_blocks", "author_marks",
    # declared types
    *(f"og_{kind}" for kind in _OG_TYPES), *(f"type_{group}" for group in _TYPE_GROUPS),
    "rel_next_prev",
    # the URL (nan when unknown)
    "url_depth", "url_root", "url_query_keys", "url_last_bytes", "url_last_dashes",
    "url_digits", "url_dated", "url_extension", "url_trailing_slash", "url_article_shaped",
    "url_pagination", "url_not_article_path", "url_query_echoed", "url_segment_echoed",
)


def page_features(html: str, url: str | None) -> dict[str, float]:
    """The features of ``html`` (served at ``url``, when known), one value per ``FEATURES``."""
    try:
        tree = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        tree = lxml.html.document_fromstring("<html><body></body></html>")
    found: dict[str, float] = {}
    found.update(_markup_features(tree))
    title = _squash(" ".join(tree.xpath("//title//text()")))
    for element in tree.iter(*_DROPPED):
        element.drop_tree()
    body = tree.find("body")
    if body is None:
        body = tree
    layout = _Layout(body)
    found.update(layout.features())
    found.update(_text_features(body, layout.h1))
    h1_text = _squash(layout.h1.text_content()) if layout.h1 is not None else ""
    found["h1_bytes"] = float(len(h1_text.encode("utf-8")))
    found["title_bytes"] = float(len(title.encode("utf-8")))
    found["title_has_h1"] = float(bool(h1_text) and h1_text in title)
    found.update(_url_features(url, title + " " + h1_text, layout.input_values))
    return {name: found.get(name, 0.0) for name in FEATURES}


_DROPPED = ("script", "style", "noscript", "template", "svg")
# A link text at least this long reads as a headline, not a menu entry (10 Han characters,
# 30 Latin letters).
_HEADLINE_BYTES = 30
# Non-link text at least this long in a record is a summary.
_SUMMARY_BYTES = 100
# The main block holds at least this share of the page's paragraph text.
_MAIN_SHARE = 0.6


@dataclass
class _Records:
    """The largest group of same-shaped sibling records under one element."""

    element: lxml.html.HtmlElement
    members: list[lxml.html.HtmlElement]
    text: int
    headlines: int
    summaries: int
    summary_text: int
    teasers: int = 0
    """Members that open with a headline link and go on with a summary: an article's teaser."""
    teaser_text: int = 0


class _Layout:
    """Text, links, paragraphs and repeated records of a page body, in one bottom-up pass."""

    def __init__(self, body: lxml.html.HtmlElement) -> None:
        self.h1: lxml.html.HtmlElement | None = None
        self.input_values: list[str] = []
        self.counts: dict[str, float] = dict.fromkeys(
            ("h1", "h2", "h3", "headings", "linked_headings", "article_elements", "images",
             "tables", "lists", "code_blocks", "nav_blocks", "forms", "text_inputs", "textareas",
             "search_inputs", "buttons", "button_links", "contacts", "comment_blocks",
             "user_blocks", "author_marks", "time_elements"), 0.0)
        self.paragraphs: list[int] = []  # own-text bytes of each paragraph-long block
        self.p_paragraphs = 0
        self.run = 0  # the longest run of sibling paragraphs
        self.headline_links = self.headline_link_text = 0
        self.groups: list[_Records] = []
        # Per element: subtree text, link text, links, inline text, longest link, paragraphs.
        self.text: dict[lxml.html.HtmlElement, int] = {}
        self.linked: dict[lxml.html.HtmlElement, int] = {}
        self.anchors: dict[lxml.html.HtmlElement, int] = {}
        self.inline: dict[lxml.html.HtmlElement, int] = {}
        self.longest_link: dict[lxml.html.HtmlElement, int] = {}
        self.paragraph_text: dict[lxml.html.HtmlElement, int] = {}
        self.paragraph_count: dict[lxml.html.HtmlElement, int] = {}
        self.body = body
        self.elements = [e for e in body.iter() if isinstance(e.tag, str)]
        for element in reversed(self.elements):
            self._measure(element)
        self.main, self.main_depth = self._main_block()
        self.alternations = self._headline_then_text()

    def _measure(self, element: lxml.html.HtmlElement) -> None:
        """Figures of ``element`` from its children's (which are measured already)."""
        tag = element.tag
        if tag in _HIDDEN:
            for book in (self.text, self.linked, self.anchors, self.inline, self.longest_link,
                         self.paragraph_text, self.paragraph_count):
                book[element] = 0
            self._count_control(element)
            return
        own = _bytes(element.text)
        total, links, link_count, inline_total, longest = own, 0, 0, own, 0
        paragraph_text = paragraph_count = run = 0
        for child in element:
            tail = _bytes(child.tail)
            total += tail
            inline_total += tail
            if not isinstance(child.tag, str):
                continue
            total += self.text[child]
            links += self.linked[child]
            link_count += self.anchors[child]
            longest = max(longest, self.longest_link[child])
            paragraph_text += self.paragraph_text[child]
            paragraph_count += self.paragraph_count[child]
            if child.tag in _INLINE:
                inline_total += self.inline[child]
            if child.tag not in _INLINE and self.inline[child] >= _PARAGRAPH_BYTES:
                run += 1
                self.run = max(self.run, run)
            elif self.text[child]:
                run = 0
        if tag == "a" and element.get("href") is not None:
            links, link_count, inline_total = total, link_count + 1, 0
            longest = max(longest, total)
            if total >= _HEADLINE_BYTES:
                self.headline_links += 1
                self.headline_link_text += total
        if tag not in _INLINE and tag != "a" and inline_total >= _PARAGRAPH_BYTES:
            self.paragraphs.append(inline_total)
            self.p_paragraphs += tag == "p"
            paragraph_text += inline_total
            paragraph_count += 1
        self.text[element], self.linked[element], self.anchors[element] = total, links, link_count
        self.inline[element], self.longest_link[element] = inline_total, longest
        self.paragraph_text[element] = paragraph_text
        self.paragraph_count[element] = paragraph_count
        self._count_tag(element)
        self._find_records(element)

    def _headline_then_text(self) -> int:
        """How often, in reading order, a headline link is followed by a paragraph before the
        next headline link: a list of teasers, however its items are wrapped (`li`, `dt`/`dd`,
        bare `h4`/`p` siblings, table rows). An article's long links sit in related lists
        after its paragraphs, or inside them (the paragraph comes first)."""
        count, pending = 0, False
        for element in self.elements:
            tag = element.tag
            if tag == "a" and self.text[element] >= _HEADLINE_BYTES:
                pending = True
            elif pending and tag not in _INLINE and tag != "a" \
                    and self.inline[element] >= _PARAGRAPH_BYTES:
                count += 1
                pending = False
        return count

    def _main_block(self) -> tuple[lxml.html.HtmlElement, int]:
        """The smallest element holding most of the page's paragraph text, and its depth."""
        node, depth = self.body, 0
        goal = _MAIN_SHARE * self.paragraph_text[node]
        while goal > 0:
            inner = [c for c in node if isinstance(c.tag, str)
                     and self.paragraph_text.get(c, 0) >= goal]
            if not inner:
                break
            node, depth = inner[0], depth + 1
        return node, depth

    def _count_tag(self, element: lxml.html.HtmlElement) -> None:
        tag = element.tag
        counts = self.counts
        if tag in ("h1", "h2", "h3"):
            counts[tag] += 1
            if tag == "h1":
                self.h1 = element  # the pass runs backwards: the first h1 comes last
        if tag in _HEADINGS:
            counts["headings"] += 1
            if self.anchors[element]:
                counts["linked_headings"] += 1
        if tag == "a":
            href = (element.get("href") or "").lower()
            if href.startswith(("tel:", "mailto:")):
                counts["contacts"] += 1
            if _marked((element.get("class") or "").lower(), "button"):
                counts["button_links"] += 1
        elif tag in _COUNTED_TAGS:
            counts[_COUNTED_TAGS[tag]] += 1
        elif tag == "input":
            kind = (element.get("type") or "text").lower()
            if kind in ("text", "search", "email"):
                counts["text_inputs"] += 1
                value = (element.get("value") or "").strip()
                if value:
                    self.input_values.append(value)
            if kind == "search":
                counts["search_inputs"] += 1
        if element.get("role") == "search":
            counts["search_inputs"] += 1
        rel = (element.get("rel") or "").lower()
        marks = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
        if "author" in rel or "author" in marks or (element.get("itemprop") or "") == "author":
            counts["author_marks"] += 1
        if tag in ("nav", "aside") or _marked(marks, "nav"):
            counts["nav_blocks"] += 1
        if _marked(marks, "comment"):
            counts["comment_blocks"] += 1
        if _marked(marks, "user"):
            counts["user_blocks"] += 1

    def _count_control(self, element: lxml.html.HtmlElement) -> None:
        if element.tag == "textarea":
            self.counts["textareas"] += 1
        elif element.tag == "button":
            self.counts["buttons"] += 1

    def _find_records(self, element: lxml.html.HtmlElement) -> None:
        """Same-shaped children that each hold a link: the items of a list of pages."""
        children = [c for c in element if isinstance(c.tag, str) and c.tag not in _HIDDEN]
        if len(children) < _MIN_RECORDS:
            return
        shapes: dict[tuple[str, str], list[lxml.html.HtmlElement]] = {}
        for child in children:
            shapes.setdefault((child.tag, child.get("class") or ""), []).append(child)
        group = max(shapes.values(), key=len)
        members = [c for c in group if self.anchors[c] and self.text[c]]
        if len(members) < _MIN_RECORDS or len(members) * 5 < len(group) * 3:
            return
        summaries = [c for c in members
                     if self.text[c] - self.linked[c] >= _SUMMARY_BYTES]
        teasers = [c for c in summaries
                   if self.longest_link[c] >= _HEADLINE_BYTES and _opens_with_link(c)]
        self.groups.append(_Records(
            element, members, sum(self.text[c] for c in members),
            sum(self.longest_link[c] >= _HEADLINE_BYTES for c in members), len(summaries),
            sum(self.text[c] - self.linked[c] for c in summaries), len(teasers),
            sum(self.text[c] for c in teasers)))

    def features(self) -> dict[str, float]:
        """The layout's features, by name."""
        counts, total = self.counts, max(1, self.text[self.body])
        paragraphs, main = self.paragraphs, self.main
        groups = self.groups
        headline_group = max(groups, key=lambda g: g.headlines, default=None)
        dated = 0
        if headline_group is not None and headline_group.headlines >= _MIN_RECORDS:
            dated = sum(bool(_DATE.search(_spaced_text(m)))
                        for m in headline_group.members[:60])
        # Posts of a thread: records with a summary-long text and a date, but no headline link.
        summary_group = max(groups, key=lambda g: g.summaries, default=None)
        posts = 0
        if summary_group is not None and summary_group.summaries >= 2:
            posts = sum(self.longest_link[m] < _HEADLINE_BYTES
                        and self.text[m] - self.linked[m] >= _SUMMARY_BYTES
                        and bool(_DATE.search(_spaced_text(m)))
                        for m in summary_group.members[:60])
        in_main = [g for g in groups if g.element is main or main in g.element.iterancestors()]
        return {
            "text_log_bytes": math.log1p(self.text[self.body]),
            "link_share": self.linked[self.body] / total,
            "links_log": math.log1p(self.anchors[self.body]),
            "paragraphs": float(len(paragraphs)),
            "long_paragraphs": float(sum(p >= _LONG_PARAGRAPH_BYTES for p in paragraphs)),
            "longest_paragraph_log": math.log1p(max(paragraphs, default=0)),
            "top_block_share": max(paragraphs, default=0) / total,
            "main_paragraphs": float(self.paragraph_count[main]),
            "main_link_share": self.linked[main] / max(1, self.text[main]),
            "main_share": self.text[main] / total,
            "main_depth": float(self.main_depth),
            "main_records": float(max((g.headlines for g in in_main), default=0)),
            "paragraph_run": float(self.run),
            "p_paragraphs": float(self.p_paragraphs),
            "records": float(max((len(g.members) for g in groups), default=0)),
            "record_share": max((g.text for g in groups), default=0) / total,
            "records_with_summary": float(max((g.summaries for g in groups), default=0)),
            "record_groups": float(len(groups)),
            "headline_records": float(headline_group.headlines if headline_group else 0),
            "summary_share": max((g.summary_text for g in groups), default=0) / total,
            "dated_records": float(dated),
            "teasers": float(max((g.teasers for g in groups), default=0)),
            "headline_then_text": float(self.alternations),
            "headline_then_text_share": self.alternations / max(1, len(paragraphs)),
            "teaser_share": max((g.teaser_text for g in groups), default=0) / total,
            "posts": float(posts),
            "headline_links": float(self.headline_links),
            "headline_link_share": self.headline_link_text / total,
            "linked_headings": counts["linked_headings"],
            "linked_heading_share": counts["linked_headings"] / max(1.0, counts["headings"]),
            "h1": counts["h1"], "h2": counts["h2"], "h3": counts["h3"],
            "article_elements": counts["article_elements"],
            "images_log": math.log1p(counts["images"]),
            "tables": counts["tables"],
            "lists_log": math.log1p(counts["lists"]),
            "code_blocks": counts["code_blocks"],
            "nav_blocks": counts["nav_blocks"],
            "time_elements": counts["time_elements"],
            "forms": counts["forms"], "text_inputs": counts["text_inputs"],
            "textareas": counts["textareas"], "search_inputs": counts["search_inputs"],
            "buttons": counts["buttons"], "button_links": counts["button_links"],
            "contacts": counts["contacts"],
            "comment_blocks": counts["comment_blocks"], "user_blocks": counts["user_blocks"],
            "author_marks": counts["author_marks"],
        }


_HEADLINE_MARK = "\ue000"  # a private-use character no page prints


def _opens_with_link(record: lxml.html.HtmlElement) -> bool:
    """Whether the first text of ``record`` is a link's (a teaser opens with its headline)."""
    return bool(_first_text_linked(record, inside=False))


def _first_text_linked(element: lxml.html.HtmlElement, *, inside: bool) -> bool | None:
    """Whether the first text under ``element`` (in reading order) lies in a link; None when
    it holds no text."""
    inside = inside or element.tag == "a"
    if element.text and element.text.strip():
        return inside
    for child in element:
        if isinstance(child.tag, str) and child.tag not in _HIDDEN:
            found = _first_text_linked(child, inside=inside)
            if found is not None:
                return found
        if child.tail and child.tail.strip():
            return inside
    return None


def _text_features(body: lxml.html.HtmlElement,
                   h1: lxml.html.HtmlElement | None) -> dict[str, float]:
    """Dates and prices in the visible text, and where the headline stands in it."""
    if h1 is not None:
        h1.text = _HEADLINE_MARK + (h1.text or "")
    text = _spaced_text(body)
    at = text.find(_HEADLINE_MARK) if h1 is not None else -1
    dates = len(_DATE.findall(text))
    found = {
        "dates": float(dates),
        "date_density": dates * 1000 / max(1, len(text.encode("utf-8"))),
        "prices": float(len(_PRICE.findall(text))),
        "phones": float(len(_PHONE.findall(text))),
        "headline_at": at / max(1, len(text)) if at >= 0 else -1.0,
        "date_near_headline": 0.0,
    }
    if at >= 0:
        # A byline's date stands just under the headline (or just above it).
        near = text[max(0, at - 150):at + len(_spaced_text(h1) if h1 is not None else "") + 400]
        found["date_near_headline"] = float(bool(_DATE.search(near)))
    return found


def _markup_features(tree: lxml.html.HtmlElement) -> dict[str, float]:
    """Declared types (og:type, JSON-LD, microdata), a declared date and rel=next/prev."""
    found: dict[str, float] = {}
    og = " ".join(tree.xpath("//meta[@property='og:type']/@content")).strip().lower()
    kind = og.split(".")[0].split(":")[0] if og else ""
    if kind:
        found[f"og_{kind if kind in _OG_TYPES else 'other'}"] = 1.0
    types = _declared_types(tree)
    for group, members in _TYPE_GROUPS.items():
        found[f"type_{group}"] = float(bool(types & members))
    found["declared_date"] = float(bool(tree.xpath(
        "//meta[@property='article:published_time' or @itemprop='datePublished' or "
        "@name='pubdate' or @name='publishdate' or @name='date']/@content | "
        "//*[@itemprop='datePublished']")) or "datepublished" in types)
    found["rel_next_prev"] = float(bool(tree.xpath(
        "//link[@rel='next' or @rel='prev'] | //a[@rel='next' or @rel='prev']")))
    return found


def _declared_types(tree: lxml.html.HtmlElement) -> set[str]:
    """Lower-cased schema.org types of JSON-LD and microdata (and ``datepublished`` if given)."""
    found: set[str] = set()
    for itemtype in tree.xpath("//*[@itemtype]/@itemtype"):
        found.update(t.rstrip("/").rsplit("/", 1)[-1].lower() for t in itemtype.split())
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        try:
            data = json.loads(script)
        except ValueError:
            continue
        stack = [data]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                kind = node.get("@type")
                for name in kind if isinstance(kind, list) else [kind]:
                    if isinstance(name, str):
                        found.add(name.rsplit("/", 1)[-1].lower())
                if "datePublished" in node:
                    found.add("datepublished")
                stack.extend(v for k, v in node.items() if k in ("@graph", "mainEntity"))
    return found


def _url_features(url: str | None, heading: str, input_values: list[str]) -> dict[str, float]:
    """The URL's shape, and whether the page echoes its query or last segment (nan: no URL)."""
    names = [n for n in FEATURES if n.startswith("url_")]
    if not url:
        return dict.fromkeys(names, math.nan)
    parts = urlsplit(url)
    path = parts.path or "/"
    segments = [s for s in path.split("/") if s]
    last = unquote(segments[-1]) if segments else ""
    stem, dot, extension = last.rpartition(".")
    query = parse_qsl(parts.query)
    squashed = _squash(heading).lower() + " " + " ".join(_squash(v).lower() for v in input_values)
    echoed = any(len(value) >= 2 and not value.isdigit() and _squash(value).lower() in squashed
                 for _, value in query)
    word = (stem if dot else last).lower()
    segment_echoed = (len(word) >= 2 and not any(c.isdigit() for c in word)
                      and _squash(word.replace("-", " ").replace("_", " ")) in squashed)
    return {
        "url_depth": float(len(segments)),
        "url_root": float(not segments and not query),
        "url_query_keys": float(len(query)),
        "url_last_bytes": float(len(last.encode("utf-8"))),
        "url_last_dashes": float(last.count("-") + last.count("_")),
        "url_digits": sum(c.isdigit() for c in path + parts.query) / max(
            1, len(path + parts.query)),
        "url_dated": float(bool(re.search(r"(19|20)\d{2}[/-]?[01]\d", path))),
        "url_extension": float(bool(dot) and extension.lower() in (
            "html", "htm", "shtml", "php", "asp", "aspx", "jsp")),
        "url_trailing_slash": float(path.endswith("/") and path != "/"),
        "url_article_shaped": float(looks_like_article_url(url)),
        "url_pagination": float(is_pagination_url(url)),
        "url_not_article_path": float(bool(NOT_ARTICLE_PATH.search(path))),
        "url_query_echoed": float(echoed),
        "url_segment_echoed": float(segment_echoed),
    }


def _spaced_text(element: lxml.html.HtmlElement) -> str:
    """The text under ``element``, a space between pieces (``mira_k<span>Feb 11`` must not
    read as one word, or no date pattern finds its word boundary)."""
    return " ".join(element.itertext())


def _marked(marks: str, kind: str) -> bool:
    """Whether class/id text ``marks`` holds one of ``kind``'s words."""
    return len(marks) > 1 and any(word in marks for word in _CLASS_WORDS[kind])


def _bytes(text: str | None) -> int:
    """Bytes of ``text`` without its whitespace (UTF-8: a Han character counts 3)."""
    if not text:
        return 0
    return len("".join(text.split()).encode("utf-8"))


def _squash(text: str) -> str:
    return "".join(text.split())
