"""Tell an article page from a listing, tag, navigation or stub page, before extraction."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from crawler.links import is_pagination_url, looks_like_article_url

_ARTICLE_TYPES = frozenset(
    ("article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
     "techarticle", "report", "scholarlyarticle", "liveblogposting")
)
_LISTING_TYPES = frozenset(("itemlist", "collectionpage", "searchresultspage", "profilepage"))
_DATE = re.compile(r"(19|20)\d{2}[-/.年]\s?[01]?\d[-/.月]\s?[0-3]?\d|\d+\s?(分钟|小时|天)前|刚刚")
# Any way a page may print when it was published, for telling dated pages from undated ones
# (``_DATE`` counts dates: a listing prints many).
_ANY_DATE = re.compile(
    r"(19|20)\d{2}[-/.年]\s?[01]?\d[-/.月]\s?[0-3]?\d|[01]?\d月[0-3]?\d日|"
    r"\d+\s?(分钟|小时|天|周|个月|年)前|刚刚|昨天\s?\d|前天\s?\d|\(\d{2}-\d{2}\)|"
    r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? [0-3]?\d, (19|20)\d{2}")
_DROP_TAGS = ("script", "style", "noscript", "template", "svg")
# Block text of at least this many characters counts as a body paragraph.
_PARAGRAPH_CHARS = 40
# A page scoring at least this is an article.
_THRESHOLD = 2


@dataclass(frozen=True, slots=True)
class PageVerdict:
    """Whether a page is an article, its score and the signals behind it."""

    is_article: bool
    score: int
    reasons: tuple[str, ...]

    @property
    def reason(self) -> str:
        """The signals as one line, for logs and stats."""
        return ", ".join(self.reasons) or "no signal"


def classify_page(html: str, url: str) -> PageVerdict:
    """Score ``html`` on URL shape, og:type, JSON-LD, text and link density and dated lines."""
    try:
        tree = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return PageVerdict(False, -10, ("unparsable",))
    signals: list[tuple[int, str]] = []
    signals += _url_signals(url)
    signals += _markup_signals(tree)
    for element in tree.iter(*_DROP_TAGS):
        element.drop_tree()
    signals += _text_signals(tree, url)
    score = sum(weight for weight, _ in signals)
    reasons = tuple(f"{name}{weight:+d}" for weight, name in signals if weight)
    return PageVerdict(score >= _THRESHOLD, score, reasons)


def _url_signals(url: str) -> list[tuple[int, str]]:
    if is_pagination_url(url):
        # A hint, not a verdict: WordPress's /?p=123 is a post, /list?p=2 a listing page.
        return [(-1, "pagination-shaped url")]
    return [(1, "article-shaped url")] if looks_like_article_url(url) else []


def _markup_signals(tree: lxml.html.HtmlElement) -> list[tuple[int, str]]:
    signals: list[tuple[int, str]] = []
    og_type = " ".join(tree.xpath("//meta[@property='og:type']/@content")).strip().lower()
    if og_type == "article":
        signals.append((3, "og:type article"))
    types = _jsonld_types(tree)
    if types & _ARTICLE_TYPES:
        signals.append((4, "json-ld article"))
    elif types & _LISTING_TYPES:
        signals.append((-3, "json-ld listing"))
    return signals


def _jsonld_types(tree: lxml.html.HtmlElement) -> set[str]:
    found: set[str] = set()
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
                        found.add(name.lower())
                stack.extend(v for k, v in node.items() if k == "@graph")
    return found


def _text_signals(tree: lxml.html.HtmlElement, url: str) -> list[tuple[int, str]]:
    body = tree.find("body")
    if body is None:
        return [(-3, "no body")]
    text = _squash(body.text_content())
    if not text:
        return [(-3, "empty body")]
    link_text = sum(len(_squash(a.text_content())) for a in body.iter("a"))
    density = link_text / len(text)
    paragraphs, longest = _paragraphs(body)
    headline_links = sum(
        1 for a in body.xpath(".//h2//a[@href] | .//h3//a[@href] | .//h4//a[@href]")
        if looks_like_article_url(urljoin(url, a.get("href", "")))
    )
    dates = len(_DATE.findall(text))
    signals: list[tuple[int, str]] = []
    if density > 0.5:
        signals.append((-2, "link-dense"))
    elif density < 0.25:
        signals.append((1, "text-dense"))
    if paragraphs >= 8:
        signals.append((3, "many body paragraphs"))
    elif paragraphs >= 3:
        signals.append((2, "body paragraphs"))
    elif paragraphs == 0:
        signals.append((-2, "no paragraph"))
    if headline_links >= max(3, paragraphs // 2):
        signals.append((-3, "linked headlines"))
    if longest >= 400:
        signals.append((2, "very long paragraph"))
    elif longest >= 150:
        signals.append((1, "long paragraph"))
    if 1 <= dates <= 3:
        signals.append((1, "dated line"))
    elif dates >= 6:
        signals.append((-1, "many dates"))
    elif (dates == 0 and paragraphs < 5 and longest < 150 and not _ANY_DATE.search(text)
          and not _declared_date(tree)):
        # A few mid-length paragraphs and no date anywhere: an about, topic, author or search
        # page. (Long articles without a date are left alone: feature pages, foreign sites.)
        signals.append((-2, "short and undated"))
    return signals


def _declared_date(tree: lxml.html.HtmlElement) -> bool:
    """A publish date in the markup: ``<time datetime>``, article:published_time, JSON-LD."""
    return bool(tree.xpath("//time[@datetime] | //meta[@property='article:published_time' or "
                           "@itemprop='datePublished' or @name='pubdate' or @name='publishdate']"
                           )) or any("datePublished" in (s or "") for s in tree.xpath(
                               "//script[@type='application/ld+json']/text()"))


def _paragraphs(body: lxml.html.HtmlElement) -> tuple[int, int]:
    """How many blocks have paragraph-long own text (links excluded), and the longest."""
    count = longest = 0
    for block in body.iter("p", "div", "section", "td", "li", "blockquote"):
        own = "".join(block.xpath("text()")) + "".join(
            child.text_content() + (child.tail or "")
            for child in block if child.tag in ("b", "strong", "em", "i", "span", "br", "font")
        )
        # Text after each link counts too, the link text itself does not.
        own += "".join(child.tail or "" for child in block if child.tag == "a")
        length = len(_squash(own))
        longest = max(longest, length)
        if length >= _PARAGRAPH_CHARS:
            count += 1
    return count, longest


def _squash(text: str) -> str:
    return "".join(text.split())
