"""What the report shows, read from an archive's DuckDB views: one query per chart."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from archive import Archive
from archive.reading import duck_errors
from archive.stories import Story, stories

TOP_ENTITIES = 8
"""AI entities the report follows over time: those most articles mention."""
MISSING_FIELDS = ("author", "date", "category")
"""The fields whose absence the report charts per site over time."""


@dataclass(frozen=True, slots=True)
class Scope:
    """Which articles the report covers: published (or first seen) on or after ``since``,
    of one ``site`` or all."""

    since: date | None = None
    site: str | None = None

    def where(self, day: str = "coalesce(published_date, first_seen_at::DATE)") -> str:
        """A SQL condition on the ``articles`` view; values go in as ``$since``/``$site``."""
        conditions = ["TRUE"]
        if self.since is not None:
            conditions.append(f"{day} >= $since")
        if self.site is not None:
            conditions.append("site = $site")
        return " AND ".join(conditions)

    def params(self) -> dict[str, Any]:
        """The query parameters ``where`` names."""
        values: dict[str, Any] = {}
        if self.since is not None:
            values["since"] = self.since
        if self.site is not None:
            values["site"] = self.site
        return values


@dataclass(slots=True)
class ReportData:
    """Rows per chart, each a list of dicts."""

    per_day: list[dict[str, Any]] = field(default_factory=list)
    per_category: list[dict[str, Any]] = field(default_factory=list)
    authors: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    clusters: list[dict[str, Any]] = field(default_factory=list)
    missing: list[dict[str, Any]] = field(default_factory=list)
    runs: list[dict[str, Any]] = field(default_factory=list)
    newest: list[dict[str, Any]] = field(default_factory=list)
    entities: list[dict[str, Any]] = field(default_factory=list)
    """Articles per month of the most mentioned AI entities."""
    stories: list[Story] = field(default_factory=list)
    """The most widely carried stories, each with its outlets in order."""
    totals: dict[str, Any] = field(default_factory=dict)


# The articles view's columns the charts use (no text): worked out once per report into a
# temporary table, instead of once per chart.
_COLUMNS = ("site, category, authors, source, title, url, published_at, published_date, "
            "first_seen_at, dup_group, dup_members, is_canonical, entities")


def gather(archive: Archive, scope: Scope, *, top: int = 15, newest: int = 50) -> ReportData:
    """Read every chart's rows from ``archive``."""
    con = archive.to_duckdb()
    with closing(con), duck_errors(f"cannot read {archive.root}"):
        con.execute(f"CREATE TEMP TABLE report_articles AS SELECT {_COLUMNS} FROM articles")
        con.execute("CREATE TEMP VIEW report_stories AS "
                    "SELECT * FROM report_articles WHERE is_canonical")

        def rows(query: str, scope: Scope) -> list[dict[str, Any]]:
            wanted = {name: value for name, value in scope.params().items()
                      if f"${name}" in query}
            return list(con.sql(query, params=wanted).to_arrow_table().to_pylist())

        data = _gather(rows, scope, top=top, newest=newest)
    data.stories = stories(archive, since=scope.since, site=scope.site, limit=top)
    return data


def _gather(_rows: Callable[[str, Scope], list[dict[str, Any]]], scope: Scope, *, top: int,
            newest: int) -> ReportData:
    where = scope.where()
    data = ReportData()
    data.per_day = _rows(f"""
        SELECT coalesce(published_date, first_seen_at::DATE) AS day, site, count(*) AS articles
        FROM report_articles WHERE {where} GROUP BY ALL ORDER BY day, site""", scope)
    data.per_category = _rows(f"""
        SELECT coalesce(category, '(none)') AS category, count(*) AS articles FROM report_articles
        WHERE {where} GROUP BY ALL ORDER BY articles DESC, category LIMIT {top}""", scope)
    data.authors = _rows(f"""
        SELECT author, count(*) AS articles FROM (
            SELECT unnest(authors) AS author FROM report_articles WHERE {where})
        GROUP BY ALL ORDER BY articles DESC, author LIMIT {top}""", scope)
    data.sources = _rows(f"""
        SELECT source, count(*) AS articles FROM report_articles
        WHERE {where} AND source IS NOT NULL
        GROUP BY ALL ORDER BY articles DESC, source LIMIT {top}""", scope)
    data.clusters = _rows(f"""
        SELECT title, dup_members AS copies,
               (SELECT string_agg(DISTINCT a.site, ', ' ORDER BY a.site) FROM report_articles a
                WHERE a.dup_group = report_stories.dup_group) AS sites
        FROM report_stories WHERE dup_members > 1 AND {where}
        ORDER BY copies DESC, title LIMIT {top}""", scope)
    data.missing = _rows(f"""
        SELECT site, date_trunc('week', first_seen_at)::DATE AS week, count(*) AS articles,
               avg((len(authors) = 0)::INT) AS author,
               avg((published_at IS NULL)::INT) AS date,
               avg((category IS NULL)::INT) AS category
        FROM report_articles WHERE {where} GROUP BY ALL ORDER BY site, week""", scope)
    data.runs = _rows(f"""
        SELECT started_at, coalesce(site, spider) AS site, pages_fetched, articles_added,
               errors FROM crawl_runs
        WHERE started_at IS NOT NULL
          {'AND started_at::DATE >= $since' if scope.since else ''}
          {'AND coalesce(site, spider) = $site' if scope.site else ''}
        ORDER BY started_at""", scope)
    data.newest = _rows(f"""
        SELECT site, published_at, published_date, title, url, array_to_string(authors, ', ')
               AS authors, source, category
        FROM report_articles WHERE {where}
        ORDER BY published_at DESC NULLS LAST, first_seen_at DESC LIMIT {newest}""", scope)
    totals = _rows(f"""
        SELECT count(*) AS articles, count(DISTINCT dup_group) AS stories,
               count(DISTINCT site) AS sites
        FROM report_articles WHERE {where}""", scope)
    data.totals = totals[0] if totals else {}
    # The entities most articles mention, then their articles week by week.
    data.entities = _rows(f"""
        WITH mentioned AS (
            SELECT coalesce(published_date, first_seen_at::DATE) AS day, unnest(entities).id
                   AS entity FROM report_articles WHERE {where} AND entities IS NOT NULL),
        top_ids AS (SELECT entity FROM mentioned GROUP BY ALL
                    ORDER BY count(*) DESC, entity LIMIT {TOP_ENTITIES})
        SELECT date_trunc('month', day)::DATE AS month, entity, count(*) AS articles
        FROM mentioned SEMI JOIN top_ids USING (entity) GROUP BY ALL ORDER BY month, entity""",
        scope)
    return data
