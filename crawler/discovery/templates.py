"""URL templates: a URL with its variable parts abstracted, so pages of one kind share a key.

``/ai/20241108/123456.shtml`` → ``/ai/{date}/{n}.shtml``; ``/view.php?id=88&cid=2`` →
``/view.php?cid={n}&id={n}``; ``/p/9f8e7d6c`` → ``/p/{hex}``; ``/news/kaiyuan-moxing-3`` →
``/news/{slug}``. Pure string work: no Scrapy, no network.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

_DATE = re.compile(r"(19|20)\d{2}(0[1-9]|1[0-2])([0-3]\d)?|(19|20)\d{2}-[01]\d(-[0-3]\d)?")
_HEX = re.compile(r"[0-9a-f]{6,}")
_SLUG = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+){2,}")
_NUMBER = re.compile(r"\d+")


def _segment(segment: str) -> str:
    """One path segment (or query value) with its variable part abstracted."""
    if not segment:
        return segment
    stem, dot, extension = segment.rpartition(".")
    if not dot or not extension.isalnum() or len(extension) > 5 or not stem:
        stem, dot, extension = segment, "", ""
    lowered = stem.lower()
    if _DATE.fullmatch(lowered):
        shape = "{date}"
    elif lowered.isdigit():
        shape = "{year}" if len(lowered) == 4 and lowered[:2] in ("19", "20") else "{n}"
    elif _HEX.fullmatch(lowered) and any(c.isdigit() for c in lowered) and any(
            c.isalpha() for c in lowered):
        shape = "{hex}"
    elif _SLUG.fullmatch(lowered) and len(lowered) >= 12:
        shape = "{slug}"
    else:
        # Words stay (they name sections: /ai/, /shuma/), digit runs inside them do not.
        shape = _NUMBER.sub("{n}", stem)
    return shape + (dot + extension.lower() if dot else "")


def url_template(url: str) -> str:
    """The template of ``url``: path segments and query values abstracted, query keys kept
    (sorted), host, scheme and fragment dropped."""
    parts = urlsplit(url)
    path = "/".join(_segment(s) for s in (parts.path or "/").split("/"))
    if not parts.query:
        return path
    pairs = sorted(parse_qsl(parts.query, keep_blank_values=True))
    query = "&".join(f"{key}={_segment(value) if value else ''}" for key, value in pairs)
    return f"{path}?{query}"


def family_template(url: str) -> str:
    """A coarser template: the last path segment abstracted even when it is a word, so
    ``/tag/kaiyuan`` and ``/tag/suanli`` (or ``/about`` and ``/contact``) are one family."""
    template = url_template(url)
    path, sep, query = template.partition("?")
    head, slash, last = path.rstrip("/").rpartition("/")
    if last and "{" not in last:
        stem, dot, extension = last.rpartition(".")
        last = "{word}" + (dot + extension if dot and stem else "")
    return head + slash + last + sep + query


def variant_rule(url: str, canonical: str) -> tuple[str, str] | None:
    """How ``url`` turns into ``canonical``: (what to replace, by what), from the part of the
    path and query the two do not share; None when they share nothing."""
    a, b = _target(url), _target(canonical)
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    removed, added = a[start:len(a) - end], b[start:len(b) - end]
    if not removed and not added:
        return None
    # Anchor the rule on the shared text before it, so /amp/ inside a slug is left alone.
    anchor = a[max(0, start - 1):start]
    return anchor + removed, anchor + added


def apply_rule(url: str, rule: tuple[str, str]) -> str | None:
    """``url`` rewritten by ``rule`` (None when the rule does not apply)."""
    parts = urlsplit(url)
    target = _target(url)
    old, new = rule
    if old not in target:
        return None
    rewritten = target.replace(old, new, 1)
    return f"{parts.scheme}://{parts.netloc}{rewritten}"


def _target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
