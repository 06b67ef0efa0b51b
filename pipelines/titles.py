"""The headline: the visible ``<h1>`` the declared titles agree with, without site suffixes."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

# Separators between a headline and the site or section names around it. A hyphen counts only
# with spaces around it (Wi-Fi); an underscore counts bare (`标题_科技_腾讯网`).
# Between Chinese text a bare hyphen separates too (`标题-搜狐财经`).
_SEPARATOR = re.compile(
    r"\s+[|｜\-–—·•»:]{1,2}\s+|\s*[_｜|]\s*|\s+/\s+"
    r"|(?<=[\u4e00-\u9fff”》」）])\s*[-–—]\s*(?=[\u4e00-\u9fff])"
)
_CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
_NON_WORD = re.compile(r"\W+")


def _norm(text: str) -> str:
    return _NON_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())


def _size(text: str) -> int:
    """Length in words, a CJK character counting as half a word."""
    cjk = len(_CJK.findall(text))
    return len(re.findall(r"[^\W\u3040-\u30ff\u4e00-\u9fff]+", text)) + cjk // 2


def strip_site_name(title: str, site_name: str | None = None) -> str:
    """Remove leading and trailing site or section names from a ``<title>``-like string."""
    parts = [p for p in _SEPARATOR.split(title.strip()) if p.strip()]
    if len(parts) <= 1:
        return title.strip()
    site = _norm(site_name or "")
    core = max(parts, key=_size)
    start = parts.index(core)
    # Keep neighbours of the longest part unless they look like names: short, or the site's.
    end = start + 1
    while end < len(parts) and not _is_name(parts[end], core, site):
        end += 1
    while start > 0 and not _is_name(parts[start - 1], core, site):
        start -= 1
    kept = parts[start:end]
    if len(kept) == 1:
        return kept[0].strip()
    # Rejoin with the separators the title used between the kept parts.
    first, last = kept[0], kept[-1]
    return title[title.index(first) : title.rindex(last) + len(last)].strip()


def _is_name(part: str, core: str, site: str) -> bool:
    return (bool(site) and _norm(part) == site) or _size(part) <= max(3, _size(core) // 3)


def _looks_like_site_name(heading: str, declared: Sequence[str], site_name: str | None) -> bool:
    norm = _norm(heading)
    if not norm:
        return True
    if site_name and norm == _norm(site_name):
        return True
    for title in declared:
        parts = [_norm(p) for p in _SEPARATOR.split(title) if p.strip()]
        if len(parts) > 1 and norm in parts[1:] + parts[:1] and norm != _norm(
            strip_site_name(title, site_name)
        ):
            return True
    return False


def choose_title(
    title_tag: str | None,
    headings: Sequence[str],
    og_title: str | None = None,
    ld_headline: str | None = None,
    site_name: str | None = None,
    subheadings: Sequence[str] = (),
) -> str | None:
    """Pick the article's headline.

    1. the longest ``<h1>`` (else ``<h2>``) contained in a declared title (JSON-LD, og:title,
       ``<title>``) that is not the site's own name;
    2. else an ``<h1>`` of real length, even when the declared titles say otherwise;
    3. else the declared title with the site names stripped.
    """
    declared = [" ".join(t.split()) for t in (ld_headline, og_title, title_tag) if t and t.strip()]
    stripped = strip_site_name(declared[0], site_name) if declared else None
    smallest = min(3, _size(stripped)) if stripped else 3
    for group in (headings, subheadings):
        agreeing = [
            h for h in (" ".join(h.split()) for h in group if h and h.strip())
            if _size(h) >= smallest
            and any(_norm(h) in _norm(d) for d in declared)
            and not _looks_like_site_name(h, declared, site_name)
        ]
        if agreeing:
            return max(agreeing, key=_size)
    for heading in (" ".join(h.split()) for h in headings if h and h.strip()):
        if _looks_like_site_name(heading, declared, site_name):
            continue
        # A one- or two-word heading beside a longer declared title is a logo or a section.
        if stripped and _size(heading) < 3 and _size(stripped) > _size(heading):
            continue
        return heading
    return stripped or (" ".join(headings[0].split()) if headings else None)
