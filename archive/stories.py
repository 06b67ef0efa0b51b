"""Where a story came from: each near-duplicate cluster as a chain of outlets, the first
first, each reprint with its delay, and how many independent sources carried it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from archive.reading import ArchiveReading


@dataclass(frozen=True, slots=True)
class Carrier:
    """One article of a story: who ran it, when, and whom it credits."""

    site: str
    url: str
    published_at: datetime | None
    delay_hours: float | None
    """Hours after the story's first article (None when either time is unknown)."""
    source: str | None
    """The outlet it credits (来源), if any."""


@dataclass(frozen=True, slots=True)
class Story:
    """One story the archive holds several articles of."""

    dup_group: int
    title: str
    first: Carrier
    """The earliest published article: the first outlet the archive saw carry it."""
    outlets: int
    """Distinct sites that ran it."""
    sources: int
    """Independent sources: the sites that ran it crediting no one (their own reporting); when
    every article credits someone, the distinct outlets credited."""
    origin: str
    """Where it started: the source most of its articles credit, else the first outlet."""
    carriers: list[Carrier] = field(default_factory=list)
    """Every article, earliest first."""

    @property
    def spread_hours(self) -> float | None:
        """Hours from the first article to the last."""
        delays = [c.delay_hours for c in self.carriers if c.delay_hours is not None]
        return max(delays) if delays else None


def stories(archive: ArchiveReading, *, since: date | None = None, site: str | None = None,
            limit: int = 20, min_outlets: int = 2) -> list[Story]:
    """The stories carried by at least ``min_outlets`` sites (with an article published on
    or after ``since``; one ``site`` among them), the most widely carried first."""
    clauses = ["dup_members > 1"]
    params: dict[str, object] = {}
    if since is not None:
        clauses.append("coalesce(published_at, fetched_at) >= $since")
        params["since"] = since
    if site is not None:
        clauses.append("site = $site")
        params["site"] = site
    rows = archive.sql(
        "WITH chosen AS (SELECT DISTINCT dup_group FROM articles WHERE "
        + " AND ".join(clauses) + ") "
        "SELECT dup_group, url, site, title, published_at, source, is_canonical "
        "FROM articles SEMI JOIN chosen USING (dup_group) "
        "ORDER BY dup_group, published_at NULLS LAST, fetched_at, url",
        params=params).to_pylist()
    groups: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row["dup_group"], []).append(row)
    found = [_story(group, members) for group, members in groups.items()]
    found = [s for s in found if s.outlets >= min_outlets]
    found.sort(key=lambda s: (-s.outlets, -len(s.carriers), s.first.published_at is None,
                              s.first.published_at.timestamp() if s.first.published_at else 0))
    return found[:limit]


def _story(group: int, members: list[dict[str, Any]]) -> Story:
    """One cluster's articles (earliest first) as a story."""
    start = members[0]["published_at"]
    carriers = [Carrier(
        site=m["site"], url=m["url"], published_at=m["published_at"],
        delay_hours=(round((m["published_at"] - start).total_seconds() / 3600, 2)
                     if start is not None and m["published_at"] is not None else None),
        source=(m["source"] or "").strip() or None) for m in members]
    credited = Counter(c.source for c in carriers if c.source)
    canonical = next((m for m in members if m["is_canonical"]), members[0])
    return Story(
        dup_group=group, title=canonical["title"] or "", first=carriers[0],
        outlets=len({c.site for c in carriers}),
        sources=len({c.site for c in carriers if not c.source}) or len(credited),
        origin=credited.most_common(1)[0][0] if credited else carriers[0].site,
        carriers=carriers)
