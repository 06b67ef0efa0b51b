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
    """Start of the newest crawl of ``site`` that ran to its end, or None.

    None also when the archive holds fewer articles of the site than its crawls added (a lost
    log entry, a data file set aside by a repair): the next crawl must walk every listing and
    sitemap entry again, or those articles would never be fetched again.
    """
    import pyarrow.compute as pc
    import pyarrow.dataset as ds

    from archive import tables
    from archive.schema import RUNS_SCHEMA

    # Straight from the small crawl_runs table: the SQL views would open every table's log.
    if not tables.is_table(archive.runs_path):
        return None
    runs = tables.dataset(archive.runs_path, RUNS_SCHEMA).to_table(
        columns=["started_at", "finish_reason", "articles_added"],
        filter=ds.field("site") == site)
    finished = runs.filter(pc.equal(runs.column("finish_reason"), "finished"))
    value = pc.max(finished.column("started_at")).as_py() if finished.num_rows else None
    if not isinstance(value, datetime):
        return None
    added = pc.sum(runs.column("articles_added")).as_py() or 0
    return value if _archived_count(archive, site) >= added else None


def _archived_count(archive: Archive, site: str) -> int:
    import pyarrow.compute as pc
    import pyarrow.dataset as ds

    from archive import tables
    from archive.schema import SCHEMA

    if not tables.is_table(archive.articles_path):
        return 0
    try:
        hashes = tables.dataset(archive.articles_path, SCHEMA).to_table(
            columns=["url_hash"], filter=ds.field("site") == site).column("url_hash")
    except OSError:  # an unreadable data file: `verify` names it; walk everything meanwhile
        return 0
    return int(pc.count_distinct(hashes).as_py())


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
