"""Metadata read straight from the HTML: meta tags, JSON-LD, title, breadcrumb, tags, text lines."""

from __future__ import annotations

import copy
import json
import re
import threading
from collections.abc import Mapping
from typing import Any

from lxml import etree
from lxml import html as lxml_html
from lxml.html import HtmlElement

_BLOCK_TAGS = frozenset(
    (
        "address article aside blockquote br dd div dl dt figcaption figure footer form h1 h2 "
        "h3 h4 h5 h6 header hr li main nav ol p pre section table td th tr ul title"
    ).split()
)
_INLINE_TAGS = frozenset(("span", "strong", "b", "em", "i", "label", "font", "a"))
_SKIP_TAGS = frozenset(("script", "style", "noscript", "template", "svg", "head"))
_CRUMB_HINT = re.compile(
    r"crumb|position|location|weizhi|daohang|mianbao|(?:^|[-_\s])path(?:$|[-_\s])", re.I
)
_CRUMB_LABEL = re.compile(r"^\s*(?:当前位置|您的位置|你的位置|所在位置|位置)\s*[:：]\s*")
_CRUMB_SPLIT = re.compile(r"\s*(?:[|｜>＞›»→/]|&gt;)\s*")
_CRUMB_TAIL = frozenset(("正文", "详情", "内容", "文章", "正文内容", "阅读"))


_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)


_PARSERS = threading.local()  # an lxml parser must not be used by two threads at once


def use_plain_elements(parser: lxml_html.HTMLParser) -> None:
    """Make every element ``parser`` builds a plain ``HtmlElement``, its class chosen in C.

    lxml.html's parsers pick each element's class (form, input, label...) in a Python
    function, called whenever an element is touched from Python: about a tenth of
    trafilatura's time on a portal page. Nothing here uses the form classes.
    """
    parser.set_element_class_lookup(etree.ElementDefaultClassLookup(
        element=HtmlElement, comment=lxml_html.HtmlComment,
        pi=lxml_html.HtmlProcessingInstruction, entity=lxml_html.HtmlEntity,
    ))


def _parser() -> lxml_html.HTMLParser:
    """This thread's parser: lxml.html's, comments and processing instructions left out."""
    parser: lxml_html.HTMLParser | None = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = lxml_html.HTMLParser(remove_comments=True, remove_pis=True)
        use_plain_elements(parser)
        _PARSERS.parser = parser
    return parser


def parse_html(html: str) -> HtmlElement:
    """Parse a page, tolerating the broken markup news sites serve."""
    # lxml refuses a decoded string that still declares its encoding (XHTML pages).
    return lxml_html.document_fromstring(
        _XML_DECLARATION.sub("", html, count=1), parser=_parser()
    )


def meta_index(tree: HtmlElement) -> dict[str, str]:
    """Every ``<meta>`` value by lowercased name/property/itemprop, the first one winning."""
    index: dict[str, str] = {}
    for meta in tree.iter("meta"):
        content = (meta.get("content") or "").strip()
        if not content:
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = (meta.get(attr) or "").strip().lower()
            if key and key not in index:
                index[key] = content
    return index


def meta_content(metas: Mapping[str, str], *names: str) -> str | None:
    """First non-empty meta value among ``names`` (a ``meta_index`` lookup)."""
    for name in names:
        value = metas.get(name.lower())
        if value:
            return value
    return None


def json_ld(tree: HtmlElement) -> list[dict[str, Any]]:
    """Every JSON-LD object on the page, ``@graph`` members flattened."""
    objects: list[dict[str, Any]] = []
    for script in tree.xpath('//script[@type="application/ld+json"]/text()'):
        try:
            data = json.loads(script)
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, dict):
                objects.append(item)
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(graph)
    return objects


def ld_value(objects: list[dict[str, Any]], key: str) -> Any:
    """First value of ``key`` in an article-like JSON-LD object."""
    for obj in objects:
        kind = obj.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if any(isinstance(k, str) and ("Article" in k or k in ("WebPage", "Posting", "BlogPosting"))
               for k in kinds) and obj.get(key):
            return obj[key]
    return None


def node_text(element: HtmlElement) -> str:
    """Whitespace-normalized visible text of an element."""
    return " ".join("".join(element.itertext()).split())


_TEMPLATE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")


def _heading_text(element: HtmlElement) -> str:
    """Text of a heading without the ``<time>``, ``<script>`` and ``<style>`` elements in
    it; a ``<br>`` is a space."""
    if (element.find(".//time") is None and element.find(".//br") is None
            and element.find(".//script") is None and element.find(".//style") is None):
        return node_text(element)
    heading = copy.deepcopy(element)
    for code in [*heading.iter("script"), *heading.iter("style")]:
        code.drop_tree()  # an ad script inside the <h1> is no part of the headline
    for time in list(heading.iter("time")):
        time.drop_tree()  # keeps the text after the element
    for br in heading.iter("br"):
        br.tail = " " + (br.tail or "")  # `Top MBA Programs<br>Your Guide` is two phrases
    return node_text(heading)


def headings(tree: HtmlElement, tag: str = "h1", limit: int = 5) -> list[str]:
    """Texts of the page's first ``<h1>`` (or ``tag``) elements with content.

    A ``<time>`` inside a heading is the post's date, not its title; a heading still holding
    ``{{ placeholders }}`` is a client-side template nobody rendered.
    """
    texts: list[str] = []
    for element in tree.iter(tag):
        text = _heading_text(element)
        if text and text not in texts and not _TEMPLATE.search(text):
            texts.append(text)
            if len(texts) >= limit:
                break
    return texts


def breadcrumbs(tree: HtmlElement, title: str | None) -> list[str]:
    """The breadcrumb path, from a crumb-like element or a ``当前位置:`` line."""
    for element in _crumb_candidates(tree):
        text = node_text(element)
        if not text or len(text) > 200:
            continue
        parts = [p.strip() for p in _CRUMB_SPLIT.split(_CRUMB_LABEL.sub("", text))]
        parts = [p for p in parts if p and p != title and len(p) <= 30]
        while parts and parts[-1] in _CRUMB_TAIL:
            parts.pop()
        if len(parts) >= 2 or (parts and _CRUMB_LABEL.match(text)):
            return parts
    return []


def _crumb_candidates(tree: HtmlElement) -> list[HtmlElement]:
    """Elements named like a breadcrumb, or holding a ``当前位置`` label, in document order."""
    found: dict[HtmlElement, None] = {}
    for element in tree.xpath("//*[@class or @id]"):
        hint = f"{element.get('class', '')} {element.get('id', '')}"
        if element.tag not in ("body", "html") and _CRUMB_HINT.search(hint):
            found[element] = None
    for text in tree.xpath("//body//text()[contains(., '位置')]"):
        if _CRUMB_LABEL.match(str(text)):
            parent = text.getparent()
            # The label often sits in its own <span>; the path is in the element around it.
            if parent is not None and parent.tag in _INLINE_TAGS and parent.getparent() is not None:
                parent = parent.getparent()
            if parent is not None and parent.tag not in ("body", "html"):
                found[parent] = None
    return sorted(found, key=lambda e: e.sourceline or 0)


def tags(tree: HtmlElement, metas: Mapping[str, str]) -> list[str]:
    """Article tags: ``rel=tag`` links, tag boxes, ``article:tag`` or the keywords meta."""
    found: list[str] = [node_text(a) for a in tree.xpath('//a[contains(@rel, "tag")]')]
    if not found:
        for box in tree.xpath('//*[contains(@class, "tag") and not(self::body)]'):
            found.extend(node_text(a) for a in box.iter("a"))
            if found:
                break
    if not found:
        found = [str(v) for v in tree.xpath('//meta[@property="article:tag"]/@content')]
    if not found:
        keywords = meta_content(metas, "keywords", "news_keywords")
        if keywords:
            found = re.split(r"\s*[,，、;；]\s*", keywords)
    unique: list[str] = []
    for tag in found:
        tag = tag.strip().lstrip("#")
        if tag and len(tag) <= 30 and tag not in unique:
            unique.append(tag)
    return unique[:20]


def text_lines(tree: HtmlElement) -> list[str]:
    """The page's visible text as lines, one per block element, like a naive extractor."""
    body = tree.find("body")
    root = body if body is not None else tree
    chunks: list[str] = []
    append = chunks.append
    # lxml's walker runs in C and holds no Python stack: hostile pages nest thousands deep.
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        tag = element.tag
        skipped = not isinstance(tag, str) or tag in _SKIP_TAGS
        if event == "start":
            if skipped:
                walker.skip_subtree()  # its "end" still comes, for the tail
                continue
            if tag in _BLOCK_TAGS:
                append("\n")
            append(element.text or "")
            continue
        if not skipped and tag in _BLOCK_TAGS:
            append("\n")
        if element is not root:
            append(element.tail or "")
    return [" ".join(line.split()) for line in "".join(chunks).split("\n") if line.strip()]
