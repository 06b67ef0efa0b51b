"""What a fetched page says about itself: its canonical URL, whether it continues another page,
and the same-site links worth following."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urldefrag

from scrapy.http import TextResponse

from crawler.links import feed_url, same_site

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
    if canonical is None or not same_site(canonical, hosts):
        return None
    mine, theirs = urldefrag(response.url)[0], urldefrag(canonical)[0]
    return None if mine.rstrip("/") == theirs.rstrip("/") else theirs


def continues_other_page(response: TextResponse) -> bool:
    """True for a later page of a paginated article (``rel=prev`` in its head)."""
    return bool(response.xpath("//head/link[contains(concat(' ', normalize-space(@rel), ' '),"
                               " ' prev ')]/@href").get())


def site_links(response: TextResponse, hosts: tuple[str, ...]) -> Iterator[str]:
    """Same-site http(s) links of the page, without fragments, files or repeats."""
    seen: set[str] = set()
    for href in response.xpath("//a/@href").getall():
        href = href.strip()
        if not href or href.startswith(("javascript:", "mailto:", "tel:", "#")):
            continue
        url = urldefrag(response.urljoin(href))[0]
        if url in seen or not same_site(url, hosts) or _FILES.search(url.split("?", 1)[0]):
            continue
        seen.add(url)
        yield url
