"""Markup a browser never shows: removed before body extraction."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

# A cheap look at the page source first: a page without these markers needs no tree walk.
_MARKERS = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|<[a-z][^>]*\shidden(?:[\s>=/])", re.IGNORECASE
)
_HIDING_STYLE = re.compile(
    r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)\b", re.IGNORECASE
)
_CANDIDATES = "//body//*[@hidden or @style]"
# React's streaming server rendering sends each finished part of the page in a `hidden` div
# (`<div hidden id="S:3">`) that a script then moves into place: on Next.js sites that is the
# article itself, with "Loading..." placeholders where it goes.
_STREAMED_SEGMENT = re.compile(r"^S:[0-9a-z]+$")


def may_hide_text(html: str) -> bool:
    """Whether ``html`` has any markup that hides elements (a quick test on the source)."""
    return _MARKERS.search(html) is not None


def drop_hidden(tree: HtmlElement) -> int:
    """Remove from ``tree`` the elements ``display:none``, ``visibility:hidden`` or ``hidden``
    hide, with their text (the tails that follow them stay); returns how many characters of
    text went with them (0: nothing hidden held text).

    Hidden text is not the article: collapsed menus, modal dialogs, templates, and on some
    Chinese portals spans of random characters planted inside paragraphs against copying.
    """
    hidden = [element for element in tree.xpath(_CANDIDATES) if _is_hidden(element)]
    removed = 0
    for element in hidden:
        if _inside_removed(element):
            continue
        removed += len("".join(element.itertext()).strip())
        element.drop_tree()
    return removed


def _is_hidden(element: HtmlElement) -> bool:
    if element.get("hidden") is not None:
        return not _STREAMED_SEGMENT.match(element.get("id") or "")
    return _HIDING_STYLE.search(element.get("style") or "") is not None


def _inside_removed(element: HtmlElement) -> bool:
    """Whether an ancestor was removed already (the element no longer reaches ``<html>``)."""
    node = element.getparent()
    while node is not None:
        if node.tag == "html":
            return False
        node = node.getparent()
    return True
