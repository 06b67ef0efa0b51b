"""What the next crawl of a site needs from the archive: its last finished run, what to revisit."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING

from archive.results import Revisit

# pyarrow and the table helpers are imported inside the functions: a crawl process that has
# its archive served by another process unpickles `Revisit`s from here without loading them.
if TYPE_CHECKING:
    from archive.store import Archive

__all__ = ["Revisit", "last_finished_crawl", "revisit_candidates"]


def last_finished_crawl(archive: Archive, site: str) -> datetime | None:
    """Start of the newest crawl of ``site`` that ran to its end, or None."""
    import pyarrow.compute as pc
    import pyarrow.dataset as ds

    from archive import tables
    from archive.schema import RUNS_SCHEMA

    # Straight from the small crawl_runs table: the SQL views would open every table's log.
    if not tables.is_table(archive.runs_path):
        return None
    runs = tables.dataset(archive.runs_path, RUNS_SCHEMA).to_table(
        columns=["started_at"],
        filter=(ds.field("site") == site) & (ds.field("finish_reason") == "finished"))
    value = pc.max(runs.column("started_at")).as_py() if runs.num_rows else None
    return value if isinstance(value, datetime) else None


def revisit_candidates(archive: Archive, site: str, since: datetime,
                       limit: int = 500) -> list[Revisit]:
    """Up to ``limit`` articles of ``site`` published (or first seen) since ``since``, newest
    first."""
    from archive import tables

    if not archive.exists():
        return []
    with_pages = tables.is_table(archive.pages_path)
    validators = (
        "(SELECT url, arg_max(headers, fetched_at) AS headers FROM pages GROUP BY url)"
        if with_pages else "(SELECT NULL::VARCHAR AS url, NULL::VARCHAR AS headers)"
    )
    table = archive.sql(
        f"SELECT a.url, p.headers FROM articles a LEFT JOIN {validators} p USING (url) "
        f"WHERE a.site = {_quote(site)} "
        f"AND coalesce(a.published_at, a.first_seen_at) >= '{since.isoformat()}'::TIMESTAMPTZ "
        f"ORDER BY coalesce(a.published_at, a.first_seen_at) DESC LIMIT {int(limit)}"
    )
    found = []
    for url, headers in zip(table.column("url").to_pylist(), table.column("headers").to_pylist(),
                            strict=True):
        fields = _header_fields(headers)
        found.append(Revisit(url, fields.get("etag"), fields.get("last-modified")))
    return found


def _header_fields(headers: str | None) -> dict[str, str]:
    if not headers:
        return {}
    try:
        data = json.loads(headers)
    except ValueError:
        return {}
    return {str(k).lower(): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
