"""What a fetched page says about itself: its canonical URL, whether it continues another page,
and the same-site links worth following."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urldefrag

from scrapy.http import TextResponse

from archive.urls import identity_url, on_hosts
from crawler.links import feed_url

# Files no article is: images, styles, scripts, archives, media, documents.
_FILES = re.compile(r"\.(jpe?g|png|gif|webp|svg|ico|css|js|pdf|zip|rar|gz|exe|apk|mp[34]|"
                    r"avi|mov|docx?|xlsx?|pptx?|xml|rss|atom|json|txt)$", re.IGNORECASE)


def canonical_of(response: TextResponse) -> str | None:
    """The page's ``<link rel=canonical>`` (absolute), or None."""
    href = response.xpath("//head/link[contains(concat(' ', normalize-space(@rel), ' '), "
                          "' canonical ')]/@href").get()
    return feed_url(href, response.url) if href and href.strip() else None


def duplicate_target(response: TextResponse, hosts: tuple[str, ...]) -> str | None:
    """The other page of this site this one duplicates (print, AMP, mirror), or None."""
    canonical = canonical_of(response)
    if canonical is None or not on_hosts(canonical, hosts):
        return None
    mine, theirs = identity_url(response.url), identity_url(canonical)
    return None if mine.rstrip("/") == theirs.rstrip("/") else urldefrag(canonical)[0]


# `/1712_2.shtml`, `/1712-3.html`, `/story/88/2`, `/view?id=88&page=2`: page N of a URL.
_PAGE_SUFFIX = re.compile(r"^(?P<base>.+?)(?:[_-](?P<n>\d{1,2})(?P<ext>\.\w+)?|/(?P<m>\d{1,2})/?)$")
_PAGE_QUERY = re.compile(r"[?&](?:page|p|pn|pg)=(?P<n>\d{1,2})$")


def earlier_page(response: TextResponse, known: set[str]) -> str | None:
    """The first page of the article this page continues, or None.

    Said by ``rel=prev`` in the head, or by the URL: page 1's URL with a page number added
    (``_2``, ``-2``, ``/2``, ``&page=2``) when page 1 is an article this crawl archived
    (``known``) and this page links back to it.
    """
    prev = response.xpath("//head/link[contains(concat(' ', normalize-space(@rel), ' '),"
                          " ' prev ')]/@href").get()
    if prev and prev.strip():
        return response.urljoin(prev.strip())
    url = urldefrag(response.url)[0]
    first: str | None = None
    query = _PAGE_QUERY.search(url)
    if query and int(query.group("n")) >= 2:
        first = url[:query.start()] + ("?" if query.group(0).startswith("?") else "")
        first = first.rstrip("?&")
    else:
        match = _PAGE_SUFFIX.match(url)
        if match and int(match.group("n") or match.group("m")) >= 2:
            first = match.group("base") + (match.group("ext") or "")
    if first is None or first not in known:
        return None
    hrefs = response.xpath("//a/@href").getall()
    return first if first in {urldefrag(response.urljoin(h.strip()))[0] for h in hrefs} else None


def site_links(response: TextResponse, hosts: tuple[str, ...]) -> Iterator[str]:
    """Same-site http(s) links of the page, without fragments, files or repeats."""
    seen: set[str] = set()
    for href in response.xpath("//a/@href").getall():
        href = href.strip()
        if not href or href.startswith(("javascript:", "mailto:", "tel:", "#")):
            continue
        url = urldefrag(response.urljoin(href))[0]
        if url in seen or not on_hosts(url, hosts) or _FILES.search(url.split("?", 1)[0]):
            continue
        seen.add(url)
        yield url
