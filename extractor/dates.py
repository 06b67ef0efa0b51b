"""Publish and update dates: every date the page offers, scored, the best one kept.

Chinese pages: candidates come from the declared dates (JSON-LD, meta tags), the meta line under
the headline, labelled lines (`发布时间：`), ``<time>``, the URL, ``dateModified``, short date
lines, htmldate and a bare month. Each has a base score by where it stands; a date no later
than the fetch time, on the same local day as dates from other places, gains for each. The
winner's time of day comes from the best same-day candidate that printed one, a visible line
before a declared one (the truth of a page is what it prints). Other pages keep htmldate's
search (as trafilatura runs it), with a declared timestamp of the same day adding the time.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import htmldate

from extractor.datetext import (
    parse_date,
    parse_iso,
    parse_month_name_date,
    parse_year_month,
)
from extractor.page import ParsedPage, Regions, is_footer
from extractor.result import Candidate, FieldReport

logger = logging.getLogger(__name__)

_URL_DATE = re.compile(r"/(20\d{2})[-/_]?([01]\d)[-/_]?([0-3]\d)(?:/|\D)")
_PUBLISHED_META = (
    "article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
    "publish_date", "publication_date", "dc.date.issued", "dc.date", "date", "sailthru.date",
)
_MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "lastmod")
_UPDATED_LINE = re.compile(r"(?:更新时间|更新時間|更新于|最后更新|修改时间)\s*[:：]?\s*(.{4,30})")
_POSTED_LABEL = re.compile(
    r"\b(posted|published|gepostet|veröffentlicht|erschienen|publiziert)\b", re.IGNORECASE)
_PUBLISH_LABEL = re.compile(
    r"发布|發佈|發布|发表|發表|时间\s*[:：]|時間\s*[:：]|日期\s*[:：]|更新|posted|published", re.I)
# The role a label gives the date after it: published (the article's) or updated.
_ROLE_LABEL = re.compile(
    r"(?P<updated>更新时间|更新時間|更新于|更新於|最后更新|最後更新|修改时间|修改時間|"
    r"\b(?:last\s+)?(?:updated|modified|aktualisiert|geändert|mis\s+à\s+jour|actualizado)\b)"
    r"|(?P<published>发布|發佈|發布|发表|發表|首发|首發|"
    r"\b(?:first\s+)?(?:posted|published|veröffentlicht|erschienen|publiziert|publié|publicado)\b)",
    re.IGNORECASE)
_FULL_DATE = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}|\d{1,2}/\d{1,2}/\d{4}")
_CLOCK = re.compile(r"\d{1,2}\s*[:：时時]\s*\d{2}")

# 1. base scores by where a date stands: the page's own statements first
_BASE = {
    "json-ld": 5.0, "meta": 5.0, "header": 4.5, "labelled": 4.0, "time-element": 3.0,
    "url": 2.5, "modified": 2.0, "date-line": 1.5, "htmldate": 1.0, "month": 0.5,
}
_VISIBLE = frozenset(("header", "labelled", "date-line", "time-element"))
_AGREEMENT = 1.0
"""Added for each other kind of place that gives the same local day (at most two)."""


@dataclass(frozen=True, slots=True)
class _DateCandidate:
    value: datetime
    raw: str
    where: str
    has_time: bool


@dataclass(frozen=True, slots=True)
class PublishDate:
    """The chosen publish date, how it was printed, and the candidates behind it."""

    value: datetime | None
    raw: str | None
    has_time: bool
    report: FieldReport


def published_part(line: str) -> str | None:
    """The part of ``line`` a publish label governs when the line also holds an update label
    (`更新时间：… 发布时间：…`, `Updated … Published …`); the line itself when it has no
    update label; None when only updates are labelled."""
    labels = list(_ROLE_LABEL.finditer(line))
    if not any(m.group("updated") for m in labels):
        return line
    for index, label in enumerate(labels):
        if label.group("published"):
            end = labels[index + 1].start() if index + 1 < len(labels) else len(line)
            return line[label.start() : end]
    return None


def _declared(page: ParsedPage) -> list[tuple[str, str]]:
    return [(where, raw) for where, raw in (
        ("json-ld", page.ld_text("datePublished")), ("meta", page.meta(*_PUBLISHED_META)))
        if raw]


def _gather(page: ParsedPage, regions: Regions, now: datetime | None,
            tz: str) -> list[_DateCandidate]:
    found: list[_DateCandidate] = []

    def add(value: datetime | None, raw: str, where: str) -> None:
        if value is not None and (now is None or value <= now):
            found.append(_DateCandidate(value, raw, where, bool(_CLOCK.search(raw))
                                        or "T" in raw[10:13]))

    for where, raw in _declared(page):
        add(parse_iso(raw, tz=tz, now=now), raw, where)
    # The visible meta line: never a footer (copyright years) nor an update line.
    for line in regions.header:
        part = published_part(line)
        if is_footer(line) or part is None:
            continue
        found_date = parse_date(part, now=now, tz=tz)
        if found_date is not None:
            add(found_date.value, found_date.raw, "header")
            break
    for line in page.lines:
        part = published_part(line) if len(line) <= 120 and not is_footer(line) else None
        if part is not None and _PUBLISH_LABEL.search(line):
            found_date = parse_date(part, now=now, tz=tz)
            if found_date is not None:
                add(found_date.value, found_date.raw, "labelled")
                break
    for raw in page.tree.xpath("//time/@datetime")[:3]:
        add(parse_iso(str(raw), tz=tz, now=now), str(raw), "time-element")
    if page.url:
        match = _URL_DATE.search(page.url)
        if match:
            found_date = parse_date("-".join(match.groups()), now=now, tz=tz)
            if found_date is not None:
                add(found_date.value, match.group(0).strip("/"), "url")
    for modified in (page.ld_text("dateModified"), page.meta(*_MODIFIED_META, "dateupdate")):
        if modified:
            add(parse_iso(modified, tz=tz, now=now), modified, "modified")
    # A line that is a full date and little else (not a sentence that starts with one).
    for line in page.lines:
        if len(line) <= 40 and not is_footer(line):
            found_date = parse_date(line, now=now, tz=tz)
            if (found_date is not None and _FULL_DATE.search(found_date.raw)
                    and len(re.sub(r"\W", "", line.replace(found_date.raw, ""))) <= 12):
                add(found_date.value, found_date.raw, "date-line")
                break
    return found


def _local_day(value: datetime, tz: str) -> str:
    return value.astimezone(ZoneInfo(tz)).date().isoformat()


def _score(candidates: list[_DateCandidate], tz: str) -> list[tuple[float, str, _DateCandidate]]:
    scored = []
    for c in candidates:
        day = _local_day(c.value, tz)
        agreeing = {o.where for o in candidates
                    if o is not c and o.where != c.where and _local_day(o.value, tz) == day}
        bonus = _AGREEMENT * min(2, len(agreeing))
        why = f"{c.where} {_BASE[c.where]:+g}"
        if bonus:
            why += f", same day in {', '.join(sorted(agreeing))} {bonus:+g}"
        scored.append((_BASE[c.where] + bonus, why, c))
    return scored


def choose_published(page: ParsedPage, regions: Regions, *, now: datetime | None,
                     tz: str) -> PublishDate:
    """The publish date of a page: the best-scoring candidate, with its day's printed time."""
    if not page.is_chinese:
        return _latin_published(page, regions, now=now, tz=tz)
    candidates = _gather(page, regions, now, tz)
    if not candidates:
        # Last resorts, only when the page states nothing better.
        value, raw = _htmldate(page, now, tz, extensive=False)
        if value is not None and raw is not None:
            candidates.append(_DateCandidate(value, raw, "htmldate", False))
        else:
            for line in page.lines:
                month = parse_year_month(line, now=now, tz=tz) if len(line) <= 40 else None
                if month is not None and not is_footer(line):
                    candidates.append(_DateCandidate(month.value, month.raw, "month", False))
                    break
    scored = _score(candidates, tz)
    report_candidates = tuple(
        Candidate(c.value.isoformat(), score, c.where, why, c.raw) for score, why, c in scored)
    if not scored:
        return PublishDate(None, None, False, FieldReport(
            "published", (), report_candidates, "highest score"))
    _, _, best = max(scored, key=lambda s: s[0])
    value, raw, has_time = best.value, best.raw, best.has_time
    rule = "highest score"
    day = _local_day(best.value, tz)
    timed = [c for _, _, c in scored if c.has_time and _local_day(c.value, tz) == day]
    # The time of day as the page prints it: a visible line beats a declared timestamp.
    visible = [c for c in timed if c.where in _VISIBLE]
    source = visible[0] if visible else (timed[0] if timed and not has_time else None)
    if source is not None and source is not best:
        value, raw, has_time = source.value, source.raw, True
        rule += f"; time of day from {source.where}"
    return PublishDate(value, raw, has_time, FieldReport(
        "published", (value.isoformat(),), report_candidates, rule))


def _latin_published(page: ParsedPage, regions: Regions, *, now: datetime | None,
                     tz: str) -> PublishDate:
    """htmldate's search; a declared timestamp on the same day adds the time of day."""
    value, raw = _htmldate(page, now, tz, extensive=True)
    where = "htmldate"
    for _, candidate in _declared(page):
        exact = parse_iso(candidate, tz=tz, now=now)
        if value is not None and raw and exact is not None and candidate.startswith(raw[:10]):
            value, raw, where = exact, candidate, "meta"
            break
    if value is None:
        # htmldate reads numeric dates; a blog's `posted on 19. Mai 2010` line it misses.
        for line in page.lines:
            if len(line) <= 200 and _POSTED_LABEL.search(line):
                found = parse_month_name_date(line, now=now, tz=tz)
                if found is not None:
                    value, raw, where = found.value, found.raw, "labelled"
                    break
    chosen = (value.isoformat(),) if value is not None else ()
    candidates = tuple(Candidate(v, 1.0, where, "first strategy that found a date", raw or "")
                       for v in chosen)
    has_time = bool(raw and (_CLOCK.search(raw) or "T" in raw[10:13]))
    return PublishDate(value, raw, has_time, FieldReport(
        "published", chosen, candidates, "htmldate, then a declared same-day timestamp"))


def _htmldate(page: ParsedPage, now: datetime | None, tz: str,
              extensive: bool) -> tuple[datetime | None, str | None]:
    # The latest day a page can print is the fetch moment's day on the page's own calendar:
    # fetched at 08:30 in Tokyo (23:30 UTC the day before), a page of that morning prints
    # a day that the UTC day would refuse.
    latest = now.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d") if now else None
    try:
        # Given our tree, htmldate copies it before pruning instead of parsing the page again.
        found = htmldate.find_date(
            page.tree, url=page.url, original_date=True, extensive_search=extensive,
            max_date=latest, outputformat="%Y-%m-%d",
        )
    except (ValueError, TypeError) as exc:  # htmldate rejects some documents outright
        logger.debug("htmldate failed on %s: %s", page.url, exc)
        return None, None
    if not found:
        return None, None
    if found.endswith("-01-01") and re.search(
        rf"(?:©|&copy;|copyright|\(c\))[^<]{{0,40}}{found[:4]}", page.html, re.IGNORECASE
    ):
        return None, None  # a bare year from the copyright line is not a publish date
    return parse_iso(found, tz=tz, now=now), found


def find_updated(page: ParsedPage, *, now: datetime | None, tz: str) -> datetime | None:
    """The last-modified time the page states: declared, else an `更新时间` line."""
    for raw in (page.ld_text("dateModified"), page.meta(*_MODIFIED_META)):
        if raw:
            value = parse_iso(raw, tz=tz, now=now)
            if value is not None:
                return value
    for line in page.lines:
        match = _UPDATED_LINE.search(line) if len(line) <= 120 else None
        if match:
            found = parse_date(match.group(1), now=now, tz=tz)
            if found is not None:
                return found.value
    return None
