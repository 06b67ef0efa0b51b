"""Export the ``articles`` view (or a query over it) as plain Parquet, JSON Lines or CSV, and
the raw pages behind it as WARC."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb

from archive.errors import ArchiveError
from archive.store import Archive
from archive.tables import AsOf

FORMATS = ("parquet", "jsonl", "csv", "warc")


def export(archive: Archive, out: str | Path, *, fmt: str = "parquet", where: str | None = None,
           view: str = "articles", as_of: AsOf = None, sandbox: bool = True) -> int:
    """Write the latest articles (filtered by a SQL ``where``) to ``out``; return the row count.

    ``sandbox`` (the default): the query may read only the archive and write only ``out``'s
    staging file, whatever ``where`` holds.
    """
    if fmt not in FORMATS:
        raise ArchiveError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    if view not in ("articles", "article_versions", "stories"):
        raise ArchiveError(f"unknown view {view!r}")
    out = Path(out)
    if out.is_dir():
        raise ArchiveError(f"--out {out} is a folder; name the file to write")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ArchiveError(f"cannot create {out.parent}: {exc.strerror or exc}") from None
    if fmt == "warc":
        return _export_warc(archive, out, where=where, view=view, as_of=as_of)
    # Text formats print times as every command does: ISO 8601 with the offset (the
    # connection's zone is UTC), CSV to the second, JSON as stored.
    options = {"parquet": "FORMAT parquet, COMPRESSION zstd",
               "jsonl": "FORMAT json, TIMESTAMPFORMAT '%Y-%m-%dT%H:%M:%S.%f+00:00'",
               "csv": "FORMAT csv, HEADER, TIMESTAMPFORMAT '%Y-%m-%dT%H:%M:%S+00:00'"}[fmt]

    def write(relation: duckdb.DuckDBPyRelation, partial: Path,
              con: duckdb.DuckDBPyConnection) -> int:
        count = relation.aggregate("count(*)").fetchall()[0]
        target = str(partial.resolve()).replace("'", "''")
        relation.create_view("_export", replace=True)
        con.execute(f"COPY (SELECT * FROM _export) TO '{target}' ({options})")
        return int(count[0]) if count else 0

    return _staged(archive, out, view, where, as_of, write, sandbox=sandbox)


def _staged(archive: Archive, out: Path, view: str, where: str | None, as_of: AsOf,
            write: Callable[[duckdb.DuckDBPyRelation, Path, duckdb.DuckDBPyConnection], int],
            *, sandbox: bool = True) -> int:
    """Run ``write`` over the chosen rows into a file next to ``out``, then rename it: a
    failed export never leaves half a file."""
    partial = out.with_name(f".{out.name}.partial")
    con = archive.to_duckdb(as_of=as_of, sandbox=sandbox, writable=[partial])
    try:
        relation = con.table(view)
        if where:
            # Parsed as one expression, never pasted into SQL: `1=1; DROP …` is a syntax error.
            relation = relation.filter(where)
        count = write(relation, partial, con)
        partial.replace(out)
    except (duckdb.Error, OSError) as exc:
        partial.unlink(missing_ok=True)
        raise ArchiveError(f"export failed: {str(exc).splitlines()[0]}") from exc
    finally:
        con.close()
    return count


def _export_warc(archive: Archive, out: Path, *, where: str | None, view: str,
                 as_of: AsOf) -> int:
    """Every stored response of the chosen articles as gzipped WARC; the page count."""
    from archive.warc import write_pages

    def write(chosen: duckdb.DuckDBPyRelation, partial: Path,
              con: duckdb.DuckDBPyConnection) -> int:
        chosen.select("url_hash").create_view("_chosen", replace=True)
        reader = con.sql("SELECT * FROM pages SEMI JOIN _chosen USING (url_hash) "
                         "ORDER BY fetched_at, url").to_arrow_reader(500)
        with partial.open("wb") as stream:
            return sum(write_pages(batch.to_pylist(), stream) for batch in reader)

    return _staged(archive, out, view, where, as_of, write)
