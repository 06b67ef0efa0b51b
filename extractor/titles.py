"""The headline: the visible ``<h1>`` the declared titles agree with, without site suffixes."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from extractor.result import Candidate, FieldReport
from extractor.script import HAN, KANA, fold

if TYPE_CHECKING:
    from extractor.page import ParsedPage

# Separators between a headline and the site or section names around it. A hyphen counts only
# with spaces around it (Wi-Fi); an underscore counts bare (`标题_科技_腾讯网`).
# Between Chinese text a bare hyphen separates too (`标题-搜狐财经`).
_SEPARATOR = re.compile(
    r"\s+[|｜\-–—·•»:]{1,2}\s+|\s*[_｜|]\s*|\s+/\s+"
    r"|(?<=[\u4e00-\u9fff”》」）！？])\s*[-–—]\s*(?=[\u4e00-\u9fff])"
)
_PIPE = re.compile(r"\s[|｜]\s")
_CJK = re.compile(f"[{KANA}{HAN}]")




_SMALL_WORDS = re.compile(r"\b(?:the|of|for|and|a|an|on|in)\b|&", re.IGNORECASE)
_HOST_NOISE = frozenset(("www", "m", "en", "news", "blog", "com", "org", "net", "co", "gov", "edu"))


def site_names(site_name: str | None, url: str | None = None) -> tuple[str, ...]:
    """The names a site goes by, normalized: as declared, the declared name's first segment
    (`Site - tagline`), and its host's main label (`partnershipstudentsuccess`)."""
    names: list[str] = []
    if site_name:
        names.append(fold(site_name))
        first = _SEPARATOR.split(site_name.strip())[0]
        names.append(fold(first))
    if url:
        host = urlsplit(url).hostname or ""
        labels = [label for label in host.split(".")[:-1] if label not in _HOST_NOISE]
        if labels:
            names.append(max(labels, key=len).replace("-", ""))
    return tuple(name for name in dict.fromkeys(names) if len(name) >= 3)


def title_parts(title: str) -> list[str]:
    """The parts of a title its separators split, folded (`标题｜示例网_手机版` → three): what a
    site repeats around every headline is found among them."""
    return [fold(p) for p in _SEPARATOR.split(title.strip()) if p.strip()]


def strip_affixes(title: str, affixes: Sequence[str]) -> str:
    """``title`` without leading or trailing parts that are ``affixes`` (folded), as a crawl
    learned them from the site's other pages (`｜示例网_手机版`); never down to nothing."""
    parts = [p for p in _SEPARATOR.split(title.strip()) if p.strip()]
    start, end = 0, len(parts)
    while end - start > 1 and fold(parts[end - 1]) in affixes:
        end -= 1
    while end - start > 1 and fold(parts[start]) in affixes:
        start += 1
    if (start, end) == (0, len(parts)):
        return title.strip()
    first, last = parts[start], parts[end - 1]
    head = title.index(first)
    return title[head : title.index(last, head) + len(last)].strip()


def _is_site(part: str, names: Sequence[str]) -> bool:
    """Whether a title part is the site's name (`The Partnership for Student Success` on
    partnershipstudentsuccess.org), not a headline."""
    norm = fold(part)
    bare = fold(_SMALL_WORDS.sub("", part))
    return bool(norm) and any(norm == name or bare == name for name in names)


def _size(text: str) -> int:
    """Length in words, a CJK character counting as half a word."""
    cjk = len(_CJK.findall(text))
    return len(re.findall(rf"[^\W{KANA}{HAN}]+", text)) + cjk // 2


def strip_site_name(title: str, site_name: str | None = None,
                    names: Sequence[str] = ()) -> str:
    """Remove leading and trailing site or section names from a ``<title>``-like string.

    ``names`` are the site's names as ``site_names`` gives them; ``site_name`` adds one.
    """
    parts = [p for p in _SEPARATOR.split(title.strip()) if p.strip()]
    if len(parts) <= 1:
        return title.strip()
    names = (*names, *site_names(site_name))
    # The headline is the longest part that is not the site's own name.
    core = max([p for p in parts if not _is_site(p, names)] or parts, key=_size)
    start = parts.index(core)
    # Keep neighbours of the longest part unless they look like names: short, or the site's.
    end = start + 1
    while end < len(parts) and not _is_name(parts[end], core, names):
        end += 1
    while start > 0 and not _is_name(parts[start - 1], core, names):
        start -= 1
    kept = parts[start:end]
    if len(kept) == 1:
        return kept[0].strip()
    # Rejoin with the separators the title used between the kept parts.
    first, last = kept[0], kept[-1]
    return title[title.index(first) : title.rindex(last) + len(last)].strip()


def _is_name(part: str, core: str, names: Sequence[str]) -> bool:
    return _is_site(part, names) or _size(part) <= max(3, _size(core) // 3)


def _looks_like_site_name(heading: str, declared: Sequence[str], names: Sequence[str]) -> bool:
    norm = fold(heading)
    if not norm or _is_site(heading, names):
        return True
    for title in declared:
        parts = [fold(p) for p in _SEPARATOR.split(title) if p.strip()]
        if len(parts) < 2 or norm not in parts[1:] + parts[:1]:
            continue
        # A headline of some length opening the title (`Headline | Longer tagline`).
        if norm == parts[0] and _size(heading) >= 4:
            continue
        if norm != fold(strip_site_name(title, names=names)):
            return True
    return False


def _clean_heading(heading: str, names: Sequence[str]) -> str:
    """A heading with its whitespace squeezed, without a permalink mark (`¶`) or a `| Section`
    glued to it (a pipe in a headline is a label separator, as in `<title>`)."""
    heading = " ".join(heading.split()).rstrip("¶🔗 ")  # not `#`: `Learning C#`
    return strip_site_name(heading, names=names) if _PIPE.search(heading) else heading


_KICKER = re.compile(r"^\s*[【\[〔][^】\]〕]{1,12}[】\]〕]\s*")


def _agreed_title(declared: Sequence[str], names: Sequence[str]) -> str | None:
    """The declared title with site names stripped; when two declared titles split into parts,
    the part they share (og:title `Headline - teaser`, <title> `Site - Headline`)."""
    if not declared:
        return None
    first = strip_site_name(declared[0], names=names)
    if len(declared) < 2:
        return first
    split = [[p.strip() for p in _SEPARATOR.split(d) if p.strip()] for d in declared]
    if len(split[0]) < 2:
        return first
    others = {fold(p) for parts in split[1:] for p in parts}
    shared = [p for p in split[0] if fold(p) in others and not _is_site(p, names)]
    if shared and fold(first) not in others and fold(first) not in map(fold, declared[1:]):
        return max(shared, key=_size)
    return first


def _agreeing_part(heading: str, declared: Sequence[str]) -> str:
    """The heading without a bracketed kicker (`【记者即时播报】`, `[独家]`) that no declared
    title carries: the headline is what the heading and the declared titles share."""
    kicker = _KICKER.match(heading)
    if kicker is None or any(fold(heading) in fold(d) for d in declared):
        return heading
    return heading[kicker.end():].strip()


def choose_title(
    title_tag: str | None,
    headings: Sequence[str],
    og_title: str | None = None,
    ld_headline: str | None = None,
    site_name: str | None = None,
    subheadings: Sequence[str] = (),
    url: str | None = None,
    description: str | None = None,
    lines: Sequence[str] = (),
    minor_headings: Sequence[str] = (),
) -> str | None:
    """Pick the article's headline.

    1. the longest ``<h1>`` (else ``<h2>``) contained in a declared title (JSON-LD, og:title,
       ``<title>``) that is not the site's own name;
    2. else an ``<h1>`` of real length, even when the declared titles say otherwise;
    3. else the declared title with the site names stripped; when every declared title is
       only the site's name, a visible line the page's ``description`` agrees with.
    """
    declared = [" ".join(t.split()) for t in (ld_headline, og_title, title_tag) if t and t.strip()]
    if declared and site_name and all(_only_site(t, site_name) for t in declared):
        # `<title>公共電視台 新聞網</title>`, og:title the site again: the headline is what the
        # description and a visible line share.
        agreed = _described_line(description, lines)
        if agreed:
            return agreed
    if site_name and fold(site_name) in map(fold, declared):
        site_name = None  # a CMS that fills og:site_name with the page's title
    names = site_names(site_name, url)
    stripped = _agreed_title(declared, names)
    smallest = min(3, _size(stripped)) if stripped else 3
    for group in (headings, subheadings):
        agreeing = [
            h for h in (_agreeing_part(_clean_heading(h, names), declared)
                        for h in group if h and h.strip())
            if _size(h) >= smallest
            and any(fold(h) in fold(d) for d in declared)
            and not _looks_like_site_name(h, declared, names)
        ]
        if agreeing:
            return max(agreeing, key=_size)
    for heading in (_clean_heading(h, names) for h in headings if h and h.strip()):
        if _looks_like_site_name(heading, declared, names):
            continue
        if stripped and fold(stripped) and fold(stripped) in fold(heading) and (
                _size(heading) > 3 * _size(stripped)
                or re.fullmatch(r"[\W\d_]{1,4}", fold(heading).replace(fold(stripped), "", 1))):
            # An <h1> wrapping half the page, or the headline with a count glued to it
            # (`第二章 失乡号的船长241`): the declared title is the headline.
            return stripped
        kicker = _KICKER.match(heading)
        if kicker and stripped and fold(heading[kicker.end():]) == fold(stripped):
            return heading[kicker.end():].strip()  # `【记者即时播报】满记甜品…`
        # A one- or two-word heading beside a longer declared title is a logo or a section.
        if stripped and _size(heading) < 3 and _size(stripped) > _size(heading):
            continue
        if stripped and _size(stripped) >= 4 and fold(heading).endswith(fold(stripped)):
            # A kicker in the heading before the headline the page declares:
            # `Grenzschließungen Deutschland, Frankreich und…`, `Covid-19: Lässt sich…`.
            return stripped
        return heading
    if stripped:
        # No <h1>: a lesser heading that reads as the declared title, a word or a count
        # apart (`内蒙古9部门：确保…` shown, `内蒙古确保…` declared), is the headline as shown.
        close = [h for h in (" ".join(h.split()) for h in (*subheadings, *minor_headings))
                 if _size(h) >= 4 and _similar(h, stripped)]
        return close[0] if close else stripped
    return " ".join(headings[0].split()) if headings else None


SIMILAR_MIN = 0.85
"""A heading and a declared title this alike (difflib's ratio of their folded forms) agree."""


def _similar(heading: str, title: str) -> bool:
    a, b = fold(heading), fold(title)
    return bool(a) and bool(b) and difflib.SequenceMatcher(None, a, b).ratio() >= SIMILAR_MIN


def _only_site(title: str, site_name: str) -> bool:
    """Whether a declared title names only the site (`公視新聞網`, `公共電視台 新聞網`)."""
    folded, name = fold(title), fold(site_name)
    if not folded or not name:
        return False
    # Another form of a Han name: short, and made of the name's characters (`公共電視台 新聞網`
    # for `公視新聞網`); Latin letters are too few for their set to tell anything.
    return folded == name or (_CJK.search(name) is not None and len(folded) <= 2 * len(name)
                              and len(set(name) & set(folded)) >= SITE_FORM_SHARE * len(set(name)))


SITE_FORM_SHARE = 0.8
"""Share of the site name's characters a short title must hold to be a form of the name."""


DESCRIBED_MAX = 80
"""A line longer than this is a paragraph, not a headline the description repeats."""


def _described_line(description: str | None, lines: Sequence[str]) -> str | None:
    """The first short visible line the description equals or opens with."""
    wanted = fold(description or "")
    if not wanted:
        return None
    for line in lines:
        folded = fold(line)
        if folded and len(line) <= DESCRIBED_MAX and _size(line) >= 3 and (
                folded == wanted or wanted.startswith(folded)):
            return " ".join(line.split())
    return None


def title_report(page: ParsedPage, chosen: str | None) -> FieldReport:
    """The titles a page declares and the headings it shows, and which one became the title."""
    offered = [
        ("json-ld", page.ld_text("headline")), ("og:title", page.meta("og:title")),
        ("title-tag", page.tree.findtext(".//title")),
        *(("h1", h) for h in page.headings),
    ]
    candidates = []
    for where, value in offered:
        if not value or not value.strip():
            continue
        text = " ".join(value.split())
        is_chosen = chosen is not None and (text == chosen or fold(chosen) in fold(text))
        why = ("the headline (declared titles agree, site names cut)" if text == chosen
               else "holds the headline, with site or section names" if is_chosen
               else "not the headline")
        candidates.append(Candidate(text, 1.0 if is_chosen else 0.0, where, why, text[:80]))
    return FieldReport("title", (chosen,) if chosen else (), tuple(candidates),
                       "the <h1> a declared title agrees with, site names stripped")
