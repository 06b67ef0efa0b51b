"""The Delta Lake archive: atomic batched appends, archived-URL lookups and readers."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.dataset as ds
from deltalake import DeltaTable, WriterProperties, write_deltalake
from deltalake.exceptions import DeltaError

from archive.errors import ArchiveError
from archive.schema import PARTITION_COLUMNS, SCHEMA, SCHEMA_VERSION

logger = logging.getLogger(__name__)

_WRITER = WriterProperties(compression="ZSTD", compression_level=3)


def url_hash(url: str) -> int:
    """A signed 64-bit hash of a URL (Delta Lake has no unsigned integers)."""
    digest = hashlib.blake2b(url.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class Archive:
    """A folder holding the article table; every read goes through the Delta log."""

    def __init__(self, root: str | Path) -> None:
        """Open (lazily) the archive at ``root``; nothing is created until the first append."""
        self.root = Path(root)
        self._known: set[int] | None = None

    def exists(self) -> bool:
        """Tell whether a table has been written here."""
        return DeltaTable.is_deltatable(str(self.root))

    def table(self) -> DeltaTable:
        """The Delta table, or ArchiveError when it is missing or unreadable."""
        if not self.exists():
            raise ArchiveError(f"no archive at {self.root}")
        try:
            return DeltaTable(str(self.root))
        except (DeltaError, OSError) as exc:
            raise ArchiveError(f"cannot open archive {self.root}: {_first_line(exc)}") from exc

    # ---- writing -----------------------------------------------------------------------------

    def append(self, rows: Iterable[Mapping[str, Any]]) -> int:
        """Append the rows whose URL is not archived yet, as one atomic commit; return the count."""
        known = self.archived_url_hashes()
        fresh: list[dict[str, Any]] = []
        for row in rows:
            record = _normalize(row)
            if record["url_hash"] in known:
                continue
            known.add(record["url_hash"])
            fresh.append(record)
        if not fresh:
            return 0
        table = pa.Table.from_pylist(fresh, schema=SCHEMA)
        self.root.mkdir(parents=True, exist_ok=True)
        try:
            write_deltalake(
                str(self.root), table, mode="append", partition_by=PARTITION_COLUMNS,
                writer_properties=_WRITER,
            )
        except (DeltaError, OSError) as exc:
            for record in fresh:
                known.discard(record["url_hash"])
            raise ArchiveError(f"append to {self.root} failed: {_first_line(exc)}") from exc
        logger.debug("archived %d rows in %s", len(fresh), self.root)
        return len(fresh)

    # ---- reading -----------------------------------------------------------------------------

    def archived_url_hashes(self, site: str | None = None) -> set[int]:
        """Hashes of every archived URL (cached for this object; appends keep it current)."""
        if self._known is None:
            self._known = set()
            if self.exists():
                column = self.dataset().to_table(columns=["url_hash"]).column("url_hash")
                self._known = set(column.to_pylist())
        if site is None:
            return self._known
        dataset = self.dataset()
        column = dataset.to_table(columns=["url_hash"], filter=ds.field("site") == site)
        return set(column.column("url_hash").to_pylist())

    def is_archived(self, url: str) -> bool:
        """Tell whether ``url`` is in the archive."""
        return url_hash(url) in self.archived_url_hashes()

    def dataset(self) -> ds.Dataset:
        """A pyarrow dataset over the current table version (empty when nothing is archived)."""
        if not self.exists():
            return ds.dataset(SCHEMA.empty_table())
        try:
            return self.table().to_pyarrow_dataset()
        except (DeltaError, OSError) as exc:
            raise ArchiveError(f"cannot read archive {self.root}: {_first_line(exc)}") from exc

    def to_arrow(self, columns: list[str] | None = None) -> pa.Table:
        """The whole table, or some columns, as an Arrow table."""
        try:
            return self.dataset().to_table(columns=columns)
        except (OSError, pa.ArrowException) as exc:
            raise ArchiveError(f"cannot read archive {self.root}: {_first_line(exc)}") from exc

    def to_pandas(self) -> Any:
        """The table as a pandas DataFrame."""
        return self.to_arrow().to_pandas()

    def to_polars(self) -> Any:
        """The table as a polars DataFrame."""
        import polars as pl

        return pl.from_arrow(self.to_arrow())

    def to_duckdb(self, con: duckdb.DuckDBPyConnection | None = None) -> duckdb.DuckDBPyConnection:
        """A DuckDB connection with the view ``articles`` over the archive."""
        con = con or duckdb.connect()
        con.register("articles", self.dataset())
        return con

    def query(self, sql: str) -> pa.Table:
        """Run DuckDB SQL over the ``articles`` view and return the result as Arrow."""
        con = self.to_duckdb()
        try:
            relation = con.sql(sql)
            # Statements that return no rows (SET, CREATE …) give no relation.
            return relation.to_arrow_table() if relation is not None else pa.table({})
        except duckdb.Error as exc:
            raise ArchiveError(f"query failed: {str(exc).splitlines()[0]}") from exc
        finally:
            con.close()

    def stats(self, newest: int = 5) -> dict[str, Any]:
        """Counts per site and category, and the newest titles."""
        con = self.to_duckdb()
        try:
            total = con.execute("SELECT count(*) FROM articles").fetchone()
            per_site = con.execute(
                "SELECT site, category, count(*) AS n FROM articles "
                "GROUP BY ALL ORDER BY site, n DESC, category"
            ).fetchall()
            latest = con.execute(
                "SELECT site, published_at, title FROM articles "
                f"ORDER BY published_at DESC NULLS LAST LIMIT {int(newest)}"
            ).fetchall()
        finally:
            con.close()
        return {"total": total[0] if total else 0, "per_site_category": per_site,
                "newest": latest}


def _first_line(exc: BaseException) -> str:
    """deltalake errors carry a Rust backtrace after the first line."""
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _normalize(row: Mapping[str, Any]) -> dict[str, Any]:
    """Fill the derived columns and check the required ones."""
    record = {name: row.get(name) for name in SCHEMA.names}
    if not record["url"] or not record["site"]:
        raise ArchiveError("a row needs url and site")
    fetched = record["fetched_at"] or datetime.now(UTC)
    record["fetched_at"] = fetched
    record["url_hash"] = record["url_hash"] if record["url_hash"] is not None else url_hash(
        record["url"])
    record["crawl_month"] = record["crawl_month"] or fetched.astimezone(UTC).strftime(
        "%Y-%m")
    record["schema_version"] = record["schema_version"] or SCHEMA_VERSION
    for name in ("authors", "editors", "breadcrumbs", "tags"):
        record[name] = list(record[name] or [])
    return record
