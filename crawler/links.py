"""Link judgement for discovery: article-shaped URLs, pagination links, feed autodiscovery."""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin, urlsplit

NEXT_TEXTS = frozenset(("下一页", "下页", "后页", "下一頁", "next", "next page", "›", "»", ">"))

# Paths that are never one article: sections, tags, authors, search, accounts, static files.
NOT_ARTICLE_PATH = re.compile(
    r"/(tags?|category|categories|column|topics?|author|authors|user|users|search|login|"
    r"register|signup|about|contact|help|feed|rss|list|lists|page|special|video)(/|\.|$)|"
    r"[/_](list|index)(_\d+)?\.s?html?$|"
    r"\.(xml|jpe?g|png|gif|webp|svg|css|js|pdf|zip|rar|exe|apk|mp4|mp3)$",
    re.IGNORECASE,
)
# Shapes of article paths on Chinese news sites and blogs.
_ARTICLE_SHAPES = (
    re.compile(r"/(19|20)\d{2}[/-]?[01]\d([/-]?[0-3]\d)?/"),  # /2024/11/08/, /20241108/, /2024-11/
    re.compile(r"/\d{4,}(\.s?html?)?/?$"),  # /news/1000.html, /archives/2000, /p/2123456
    re.compile(r"/[\w-]*\d[\w-]{3,}\.s?html?$"),  # /a/abc123def.html
    re.compile(r"(/\d+){3,}\.s?html?$"),  # /0/812/345.htm
    re.compile(r"/(article|articles|news|post|posts|p|archives|detail|content)/[\w-]{6,}/?$"),
    re.compile(r"/[a-z0-9]+(-[a-z0-9]+){3,}/?$"),  # slug-with-four-or-more-words
)
# URLs that page through a listing.
_PAGINATION = re.compile(
    r"(/page/\d+/?$|[?&](page|p|pn|paged)=\d+(&|$)|[/_-](list|index)[_-]\d+\.s?html?$|"
    r"/list/\d+\.s?html?$)",
    re.IGNORECASE,
)
_FEED_TYPES = frozenset(("application/rss+xml", "application/atom+xml", "application/feed+json"))


def looks_like_article_url(url: str) -> bool:
    """Tell from its shape alone whether ``url`` is probably one article page."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if path == "/" or NOT_ARTICLE_PATH.search(path) or is_pagination_url(url):
        return False
    return any(shape.search(path) for shape in _ARTICLE_SHAPES)


def is_pagination_url(url: str) -> bool:
    """True for ``/page/2/``, ``?page=2``, ``list_2.html``, ``index_3.shtml`` and the like."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    return _PAGINATION.search(target) is not None


def is_next_link(rel: str, text: str) -> bool:
    """True for a link marked ``rel=next`` or labelled 下一页 / next / »."""
    return "next" in rel.lower().split() or text.strip().lower() in NEXT_TEXTS


def is_feed_link(rel: str, media_type: str) -> bool:
    """True for ``<link rel="alternate" type="application/rss+xml">`` and its Atom/JSON kin."""
    return "alternate" in rel.lower().split() and media_type.strip().lower() in _FEED_TYPES


def sitemaps_in_robots(robots_txt: str, robots_url: str) -> list[str]:
    """The ``Sitemap:`` URLs a robots.txt names, relative ones resolved against it."""
    found = []
    for line in robots_txt.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip().lower() == "sitemap" and value.strip():
            found.append(feed_url(value, robots_url))
    return found


def feed_url(raw: str, base: str) -> str:
    """An absolute URL from a feed's, sitemap's or robots.txt's text.

    The XML parser decodes entities once; a URL inside CDATA, or escaped twice by its
    generator, still reads ``?id=88&amp;cid=2`` and would be fetched as a junk query.
    """
    text = raw.strip()
    for _ in range(3):
        if "&amp;" not in text and "&#" not in text:
            break
        text = html.unescape(text)
    return urljoin(base, text)
