"""Reading the archive: DuckDB views over its tables, SQL, and Arrow, pandas and Polars readers.

Every read goes through the Delta logs, never a glob over the folder; every DuckDB error
leaves as one ``ArchiveError`` (``duck_errors``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from archive import tables
from archive.errors import ArchiveError
from archive.location import Location
from archive.schema import SCHEMA, TABLES, duck_type
from archive.tables import AsOf

if TYPE_CHECKING:
    # Imported where used: pyarrow.dataset loads pandas (0.18 s a process).
    import pyarrow.dataset as ds


@contextmanager
def duck_errors(what: str) -> Iterator[None]:
    """Raise a DuckDB error of the block as an ArchiveError: ``what: <DuckDB's first line>``
    (its later lines are DuckDB's context, not the problem)."""
    try:
        yield
    except duckdb.Error as exc:
        raise ArchiveError(f"{what}: {str(exc).splitlines()[0]}") from exc


_READING = frozenset(("SELECT", "EXPLAIN"))
"""Statement types a sandboxed query may run: the sandbox lets DuckDB touch the archive's data
files, and a ``COPY … TO`` one of them would overwrite it."""


def reading_only(query: str) -> None:
    """Refuse a sandboxed query that is empty or holds a statement that is no SELECT."""
    with duck_errors("query failed"):
        kinds = [statement.type.name for statement in duckdb.extract_statements(query)]
    if not kinds:
        raise ArchiveError("query is empty: give a SELECT statement")
    refused = sorted({kind for kind in kinds if kind not in _READING})
    if refused:
        raise ArchiveError(f"query runs SELECT statements only, not {', '.join(refused)}: "
                           "nothing is written through it (`ainews export` writes files)")


class ArchiveReading:
    """The readers of an archive (``archive.store.Archive`` has them all)."""

    root: Location
    paths: dict[str, Location]

    def _dataset(self, name: str, as_of: AsOf = None) -> ds.Dataset:
        table = TABLES[name]
        return tables.dataset(self.paths[name], table.schema,
                              as_of if table.time_travel else None)

    def dataset(self, as_of: AsOf = None) -> ds.Dataset:
        """The ``articles`` table (every version) as a pyarrow dataset."""
        return self._dataset("articles", as_of)

    def to_duckdb(self, con: duckdb.DuckDBPyConnection | None = None,
                  as_of: AsOf = None, *, sandbox: bool = False,
                  writable: Sequence[str | Path] = ()) -> duckdb.DuckDBPyConnection:
        """A DuckDB connection with the views ``articles`` (latest version per URL, with
        ``dup_group`` and ``is_canonical``), ``article_versions``, ``stories`` (one row per
        duplicate cluster), ``pages`` and ``crawl_runs``.

        ``sandbox``: once the views exist, the connection may read only the archive's data
        files and write only ``writable``: no ``read_csv('/etc/passwd')``, ``COPY … TO``
        elsewhere, ``ATTACH`` or extension installs (for SQL a user types into the CLI).
        """
        if con is None:
            con = duckdb.connect()
            # Timestamps come out labelled "UTC", as Delta, Parquet and Polars spell it; the
            # session default is the machine's zone name (often "Etc/UTC"), which Polars
            # treats as another zone and refuses to join.
            con.execute("SET TimeZone = 'UTC'")
        try:
            with duck_errors(f"cannot read {self.root}"):
                read = self._create_views(con, as_of)
                if sandbox:
                    paths = [*read, *(str(Path(p).resolve()) for p in writable)]
                    listing = ", ".join("'" + p.replace("'", "''") + "'" for p in paths)
                    con.execute(f"SET allowed_paths = [{listing}]")
                    con.execute("SET enable_external_access = false")
                    con.execute("SET lock_configuration = true")
        except ArchiveError:
            con.close()
            raise
        return con

    def _create_views(self, con: duckdb.DuckDBPyConnection, as_of: AsOf) -> list[str]:
        """Create the views; return the data files they read."""
        read = [path for name, table in TABLES.items() for path in self._scan(
            con, table.view, self.paths[name], table.schema,
            as_of if table.time_travel else None)]
        present = {row[0] for row in con.execute("DESCRIBE _versions").fetchall()}
        # An archive of an older schema still reads: absent columns come back as NULL.
        extra = "".join(f", NULL::{duck_type(f.type)} AS {f.name}"
                        for f in SCHEMA if f.name not in present)
        con.execute(f"CREATE VIEW article_versions AS SELECT *{extra} FROM _versions")
        # The latest version of each URL: every row but those a newer version of their URL
        # supersedes (ties both kept, for `verify` to name). Found among the URLs with more
        # than one row on the key columns alone, so a query pays for the columns it names:
        # `count(*)` over 100,000 articles reads no text (0.05 s, was 0.9 s and 950 MB with
        # a window over whole rows; docs/benchmarks.md).
        con.execute("""
            CREATE VIEW _superseded AS
            SELECT url_hash, coalesce(version, 1) AS version, fetched_at
            FROM article_versions
            WHERE url_hash IN (
                SELECT url_hash FROM article_versions GROUP BY url_hash HAVING count(*) > 1)
            QUALIFY rank() OVER (
                PARTITION BY url_hash ORDER BY coalesce(version, 1) DESC, fetched_at DESC) > 1
        """)
        con.execute("""
            CREATE VIEW _latest AS
            SELECT * FROM article_versions v ANTI JOIN _superseded s
            ON v.url_hash = s.url_hash AND coalesce(v.version, 1) = s.version
               AND v.fetched_at IS NOT DISTINCT FROM s.fetched_at
        """)
        con.execute("""
            CREATE VIEW _dedup AS
            SELECT url_hash, arg_max(dup_group, rowid) AS dup_group FROM (
                SELECT url_hash, dup_group, row_number() OVER () AS rowid FROM _dedup_table)
            GROUP BY url_hash
        """)
        # Each latest URL's cluster, its canonical member (the earliest) and the cluster's
        # size, from key columns only; joined to the whole rows once.
        con.execute("""
            CREATE VIEW _clusters AS
            SELECT url_hash, dup_group,
                   arg_min(url_hash, (moment, url_hash)) OVER cluster AS canonical_hash,
                   count(*) OVER cluster AS members
            FROM (SELECT l.url_hash, coalesce(d.dup_group, l.url_hash) AS dup_group,
                         coalesce(l.published_at, l.first_seen_at, l.fetched_at) AS moment
                  FROM _latest l LEFT JOIN _dedup d USING (url_hash))
            WINDOW cluster AS (PARTITION BY dup_group)
        """)
        con.execute("""
            CREATE VIEW articles AS
            SELECT l.*, c.dup_group, l.url_hash = c.canonical_hash AS is_canonical,
                   c.members AS dup_members
            FROM _latest l JOIN _clusters c USING (url_hash)
        """)
        con.execute("CREATE VIEW stories AS SELECT * FROM articles WHERE is_canonical")
        return read

    @staticmethod
    def _scan(con: duckdb.DuckDBPyConnection, name: str, path: Location, schema: pa.Schema,
              as_of: AsOf = None) -> list[str]:
        """View ``name`` over the data files the Delta log lists (DuckDB's own Parquet reader:
        many times faster than a pyarrow dataset over hundreds of partitions); return them."""
        if not tables.is_table(path):
            if as_of is not None:
                raise ArchiveError(f"no table at {path}")
            _empty_view(con, name, schema)
            return []
        table = tables.open_table(path, as_of)
        files = table.file_uris()
        if not files:
            _empty_view(con, name, schema)
            return []
        if not path.is_local:
            # DuckDB reaches S3 only through its httpfs extension, which it downloads on first
            # use: read through delta-rs's own object store instead (the Arrow dataset).
            con.register(name, table.to_pyarrow_dataset())
            return []
        # Matching columns by name costs a footer read per file up front: only needed when some
        # files predate a column (the log has no statistics of that column for them).
        actions = tables.add_actions(table)
        newest = f"null_count.{schema.names[-1]}"
        by_name = newest not in actions.column_names or actions[newest].null_count > 0
        listing = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
        con.execute(
            f"CREATE VIEW {name} AS SELECT * FROM read_parquet([{listing}], "
            "hive_partitioning = true, hive_types_autocast = false, "
            f"union_by_name = {str(by_name).lower()})")
        return [f.removeprefix("file://") for f in files]

    def sql(self, query: str, as_of: AsOf = None, *, sandbox: bool = False,
            params: Mapping[str, Any] | None = None) -> pa.Table:
        """Run DuckDB SQL over the views (see ``to_duckdb``) and return Arrow; ``sandbox``
        keeps the query from reading or writing anything but the archive's views; ``params``
        fill ``$name`` placeholders."""
        if sandbox:
            reading_only(query)
        con = self.to_duckdb(as_of=as_of, sandbox=sandbox)
        with closing(con), duck_errors("query failed"):
            relation = con.sql(query, params=dict(params) if params else None)
            # Statements that return no rows (SET, CREATE …) give no relation.
            return relation.to_arrow_table() if relation is not None else pa.table({})

    def to_arrow(self, *, site: str | None = None, category: str | None = None,
                 since: datetime | None = None, until: datetime | None = None,
                 columns: Sequence[str] | None = None, as_of: AsOf = None) -> pa.Table:
        """Latest article versions as Arrow; filters are pushed down to partitions and files."""
        where, params = [], []
        for clause, value in (("site = ?", site), ("category = ?", category),
                              ("published_at >= ?", since), ("published_at < ?", until)):
            if value is not None:
                where.append(clause)
                params.append(value)
        select = ", ".join(f'"{c}"' for c in columns) if columns else "*"
        query = f"SELECT {select} FROM articles" + (
            f" WHERE {' AND '.join(where)}" if where else "")
        con = self.to_duckdb(as_of=as_of)
        with closing(con), duck_errors("read failed"):
            return con.sql(query, params=params).to_arrow_table()

    def to_pandas(self, **filters: Any) -> Any:
        """Latest article versions as a pandas DataFrame (same filters as ``to_arrow``)."""
        return self.to_arrow(**filters).to_pandas()

    def to_polars(self, **filters: Any) -> Any:
        """Latest article versions as a polars DataFrame (same filters as ``to_arrow``)."""
        import polars as pl

        return pl.from_arrow(self.to_arrow(**filters))

    def stats(self, newest: int = 5) -> dict[str, Any]:
        """Counts per site, category and month, the duplicates' share and the newest titles."""
        con = self.to_duckdb()
        with closing(con), duck_errors(f"cannot read {self.root}"):
            def rows(query: str) -> list[tuple[Any, ...]]:
                return con.execute(query).fetchall()

            # The articles view once, with the five columns the figures need (no text): each
            # query below would otherwise work the whole view out again.
            con.execute("CREATE TEMP TABLE _stats AS SELECT site, category, published_at, "
                        "title, dup_group FROM articles")
            total = rows("SELECT count(*), count(DISTINCT dup_group) FROM _stats")[0]
            return {
                "total": total[0],
                "stories": total[1],
                "duplicate_share": (1 - total[1] / total[0]) if total[0] else 0.0,
                "versions": rows("SELECT count(*) FROM article_versions")[0][0],
                "per_site_category": rows(
                    "SELECT site, category, count(*) AS n FROM _stats "
                    "GROUP BY ALL ORDER BY site, n DESC, category"),
                "per_month": rows(
                    "SELECT strftime(published_at, '%Y-%m') AS month, count(*) FROM _stats "
                    "GROUP BY 1 ORDER BY 1 DESC NULLS LAST LIMIT 24"),
                "newest": rows(
                    "SELECT site, published_at, title FROM _stats "
                    f"ORDER BY published_at DESC NULLS LAST LIMIT {int(newest)}"),
            }


def _empty_view(con: duckdb.DuckDBPyConnection, name: str, schema: pa.Schema) -> None:
    """View ``name``: no rows, the columns of ``schema`` (in SQL: registering an empty Arrow
    table makes DuckDB import pandas, 0.15 s of a one-off query)."""
    columns = ", ".join(f'NULL::{duck_type(f.type)} AS "{f.name}"' for f in schema)
    con.execute(f"CREATE VIEW {name} AS SELECT {columns} WHERE false")
