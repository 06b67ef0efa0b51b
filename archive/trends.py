"""How often the archive's articles mention AI entities, period by period (the ``entities``
column, latest versions, by the publish day as printed, else the fetch day)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from archive.errors import ArchiveError

if TYPE_CHECKING:
    from archive.reading import ArchiveReading

PERIODS = ("day", "week", "month")
"""The periods trends are counted by (weeks start on Monday)."""

_MENTIONS = """
SELECT coalesce(published_date, fetched_at::DATE) AS day, site, dup_group, unnest(entities) AS e
FROM articles WHERE entities IS NOT NULL"""


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """One entity in one period."""

    entity: str
    period: date
    """The period's first day."""
    mentions: int
    """Times the entity's names appear in the period's articles."""
    articles: int
    """Articles that mention it."""
    stories: int
    """Distinct stories among them (reprints of one story count once)."""


def _where(site: str | None, since: date | None,
           until: date | None) -> tuple[str, dict[str, object]]:
    """The filter of a query over ``_MENTIONS`` and its parameters."""
    clauses: list[str] = []
    params: dict[str, object] = {}
    for clause, name, value in (("site = $site", "site", site),
                                ("day >= $since", "since", since),
                                ("day < $until", "until", until)):
        if value is not None:
            clauses.append(clause)
            params[name] = value
    return (" AND " + " AND ".join(clauses) if clauses else ""), params


def trends(archive: ArchiveReading, entities: Sequence[str], *, by: str = "week",
           site: str | None = None, since: date | None = None,
           until: date | None = None) -> list[TrendPoint]:
    """Mentions, articles and stories of each of ``entities`` (ids) per period, oldest first;
    periods without a mention are left out."""
    if by not in PERIODS:
        raise ArchiveError(f"period must be one of {', '.join(PERIODS)}, not {by!r}")
    where, params = _where(site, since, until)
    rows = archive.sql(
        f"SELECT e.id AS entity, CAST(date_trunc('{by}', day) AS DATE) AS period, "
        "sum(e.mentions)::BIGINT AS mentions, count(*) AS articles, "
        "count(DISTINCT dup_group) AS stories "
        f"FROM ({_MENTIONS}) WHERE list_contains($ids, e.id){where} "
        "GROUP BY ALL ORDER BY period, entity",
        params={"ids": list(entities), **params}).to_pylist()
    return [TrendPoint(**row) for row in rows]


def top_entities(archive: ArchiveReading, *, limit: int = 10, site: str | None = None,
                 since: date | None = None, until: date | None = None) -> list[tuple[str, int]]:
    """The ``limit`` entities mentioned by the most articles: (id, articles)."""
    where, params = _where(site, since, until)
    rows = archive.sql(
        f"SELECT e.id AS entity, count(*) AS articles FROM ({_MENTIONS}) WHERE true{where} "
        f"GROUP BY ALL ORDER BY articles DESC, entity LIMIT {int(limit)}",
        params=params).to_pylist()
    return [(row["entity"], row["articles"]) for row in rows]
