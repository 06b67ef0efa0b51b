"""The archive: article versions, raw pages, crawl runs and duplicate clusters as Delta tables."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pyarrow as pa
import pyarrow.dataset as ds

from archive import dedup, locks, tables
from archive.errors import ArchiveError
from archive.location import Location
from archive.results import AppendResult
from archive.schema import (
    DEDUP_SCHEMA,
    PAGES_SCHEMA,
    PARTITION_COLUMNS,
    RUNS_SCHEMA,
    SCHEMA,
    duck_type,
)
from archive.tables import AsOf
from archive.urlset import UrlHashSet, article_hash, url_hash
from archive.version import SCHEMA_VERSION

logger = logging.getLogger(__name__)
T = TypeVar("T")

_CONTENT_FIELDS = ("title", "authors", "editors", "published_at", "updated_at", "category",
                   "breadcrumbs", "tags", "source", "lang", "text")


def content_sha256(row: Mapping[str, Any]) -> str:
    """Hash of everything extraction decides: a change here makes a new version."""
    values = {name: _jsonable(row.get(name)) for name in _CONTENT_FIELDS}
    payload = json.dumps(values, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


_READING = frozenset(("SELECT", "EXPLAIN"))
"""Statement types a sandboxed query may run: the sandbox lets DuckDB touch the archive's data
files, and a ``COPY … TO`` one of them would overwrite it."""


def _reading_only(query: str) -> None:
    """Refuse a sandboxed query that is empty or holds a statement that is no SELECT."""
    try:
        kinds = [statement.type.name for statement in duckdb.extract_statements(query)]
    except duckdb.Error as exc:
        raise ArchiveError(f"query failed: {str(exc).splitlines()[0]}") from exc
    if not kinds:
        raise ArchiveError("query is empty: give a SELECT statement")
    refused = sorted({kind for kind in kinds if kind not in _READING})
    if refused:
        raise ArchiveError(f"query runs SELECT statements only, not {', '.join(refused)}: "
                           "nothing is written through it (`ainews export` writes files)")


class Archive:
    """A folder of Delta tables: ``articles``, ``pages``, ``crawl_runs`` and ``dedup``.

    Every read goes through the Delta logs, never a glob over the folder.
    """

    def __init__(self, root: str | Path | Location) -> None:
        """Open (lazily) the archive at ``root`` (a folder or ``s3://bucket/prefix``); tables
        are created by their first append."""
        self.root = Location(root)
        self.articles_path = self.root / "articles"
        self.pages_path = self.root / "pages"
        self.runs_path = self.root / "crawl_runs"
        self.dedup_path = self.root / "dedup"
        self._known: UrlHashSet | None = None
        self._known_version: int | None = None
        """The articles table's version ``_known`` reflects: another writer's commit since
        means it must be read again before the next append."""
        self._lsh: dedup.LshIndex | None = None
        self._pages_ahead: set[tuple[int, str]] = set()
        """Pages committed by an append whose articles commit then failed: a retry of the
        batch must not store them again."""

    def run(self, function: Callable[..., T], *args: Any) -> T:
        """``function(self, *args)``: the same call an ``ArchiveProcess`` runs in its process,
        so crawl code is written once for an archive here or one served by another process."""
        return function(self, *args)

    def check_writable(self) -> None:
        """ArchiveError naming why nothing could be written here (not a folder, read-only, no
        space), found before a crawl spends its time on pages it could not store."""
        if not self.root.is_local:
            self._check_remote_writable()
            return
        root = self.root.local_path
        probe = root / f".write-probe-{os.getpid()}"
        self.refuse_first_layout()
        if root.exists() and not root.is_dir():
            raise ArchiveError(f"the archive {self.root} is a file, not a folder")
        try:
            root.mkdir(parents=True, exist_ok=True)
            with probe.open("wb") as handle:
                handle.write(b"\0" * 65536)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            raise ArchiveError(f"cannot write to the archive {self.root}: "
                               f"{exc.strerror or exc}") from None
        finally:
            with contextlib.suppress(OSError):
                probe.unlink()

    def _check_remote_writable(self) -> None:
        probe = self.root / f"_probes/write-{os.getpid()}-{os.urandom(4).hex()}"
        try:
            probe.write_bytes(b"ainews")
            probe.unlink()
        except (OSError, ArchiveError) as exc:
            raise ArchiveError(f"cannot write to the archive {self.root}: "
                               f"{str(exc).splitlines()[0]}") from None

    def writer_lock(self, keys: Iterable[str], *, what: str,
                    shared: bool = False) -> AbstractContextManager[None]:
        """Hold the archive's lock for each key (a site name, a host and port) for the block:
        two crawls of one site into one archive would store every article twice.

        ``shared``: the workers of one Redis frontier hold it together (their leases keep two
        of them off one URL) and still keep a crawl on its own out. On object storage the
        locks are leased claim objects in ``_locks/`` (see ``locks.leased``).
        """
        if not self.root.is_local:
            return locks.leased(self.root / "_locks", keys, what=what, shared=shared)
        return locks.exclusive(self.root.local_path / "_locks", keys, what=what, shared=shared)

    def existing_tables(self) -> dict[str, Location]:
        """The archive's tables that exist, by name (``articles``, ``pages``, …)."""
        paths = {"articles": self.articles_path, "pages": self.pages_path,
                 "crawl_runs": self.runs_path, "dedup": self.dedup_path}
        return {name: path for name, path in paths.items() if tables.is_table(path)}

    def exists(self) -> bool:
        """Tell whether articles have been written here."""
        return tables.is_table(self.articles_path)

    def first_layout(self) -> bool:
        """Whether this is an archive of the first layout (schema 1): the root itself is the
        articles table. ``maintain`` moves it into the current layout; nothing else reads or
        writes it, so no command starts a second archive beside it."""
        return not self.exists() and tables.is_table(self.root)

    def refuse_first_layout(self) -> None:
        """ArchiveError with the command that migrates a first-layout archive."""
        if self.first_layout():
            raise ArchiveError(f"{self.root} is an archive of the first layout (schema 1): run "
                               f"`ainews --archive {self.root} maintain` to migrate it")

    # ---- writing -----------------------------------------------------------------------------

    def append(
        self, rows: Iterable[Mapping[str, Any]], pages: Iterable[Mapping[str, Any]] = (), *,
        cluster: bool = True,
    ) -> AppendResult:
        """Append new articles and changed versions as one commit; unchanged rows are skipped.

        ``pages`` are raw responses (see ``PAGES_SCHEMA``); those of written rows are stored too.
        ``cluster=False`` leaves duplicate clustering to a later ``assign_missing_duplicates``
        (bulk imports).
        """
        records = [_normalize(row) for row in rows]
        if not records:
            return AppendResult()
        before = tables.version(self.articles_path)
        if self._known is not None and before != self._known_version:
            # Another writer committed since: its rows must count, or a second copy of an
            # unchanged version would be stored.
            self._known = None
        known = self.archived_url_hashes()
        latest = self._latest_versions([r["url_hash"] for r in records if r["url_hash"] in known])
        fresh: list[dict[str, Any]] = []
        added = updated = unchanged = 0
        for record in records:
            previous = latest.get(record["url_hash"])
            if previous is None:
                record["version"], record["first_seen_at"] = 1, record["fetched_at"]
                added += 1
            elif _keep_first_relative_date(record, previous) or (
                    previous["content_sha256"] == record["content_sha256"]):
                unchanged += 1
                continue
            else:
                record["version"] = previous["version"] + 1
                record["first_seen_at"] = previous["first_seen_at"]
                updated += 1
            latest[record["url_hash"]] = record
            fresh.append(record)
        if fresh:
            # Raw pages first: a crash between the commits leaves at worst a page without its
            # article (fetched again next time), never an article without its page.
            written = {r["url"]: r["url_hash"] for r in fresh}
            # A page is keyed like its article (its canonical may name another URL).
            keyed = [{**p, "url_hash": written[p["url"]]} for p in pages
                     if p.get("url") in written]
            due = [p for p in keyed if _page_key(p) not in self._pages_ahead]
            self.append_pages(due)
            self._pages_ahead.update(map(_page_key, due))
            tables.append(self.articles_path, pa.Table.from_pylist(fresh, schema=SCHEMA),
                          PARTITION_COLUMNS)
            self._pages_ahead.clear()
            for record in fresh:
                known.add(record["url_hash"])
            after = tables.version(self.articles_path)
            # Only our commit in between: the set is current; otherwise read it again.
            self._known_version = after if after == (-1 if before is None else before) + 1 else None
            if cluster:
                try:
                    self._assign_duplicates(fresh)
                except ArchiveError as exc:
                    # The articles are committed: failing the append now would count them as
                    # lost. `verify` names the unclustered ones and `maintain` clusters them.
                    logger.warning("clustering deferred to `ainews maintain`: %s",
                                   str(exc).splitlines()[0])
        logger.debug("archive %s: %d added, %d updated, %d unchanged", self.root, added, updated,
                     unchanged)
        return AppendResult(added, updated, unchanged)

    def append_pages(self, pages: Sequence[Mapping[str, Any]]) -> int:
        """Store raw responses as one commit."""
        if not pages:
            return 0
        rows = []
        for page in pages:
            row = {name: page.get(name) for name in PAGES_SCHEMA.names}
            if row["url_hash"] is None:
                row["url_hash"] = url_hash(str(row["url"]))
            row["crawl_month"] = row["crawl_month"] or _month(row["fetched_at"])
            if isinstance(row["headers"], Mapping):
                row["headers"] = json.dumps(row["headers"], ensure_ascii=False)
            rows.append(row)
        tables.append(self.pages_path, pa.Table.from_pylist(rows, schema=PAGES_SCHEMA),
                      PARTITION_COLUMNS)
        return len(rows)

    def record_run(self, run: Mapping[str, Any]) -> None:
        """Append one ``crawl_runs`` row."""
        row = {name: run.get(name) for name in RUNS_SCHEMA.names}
        for name in ("dropped_by_reason", "http_status_counts"):
            if isinstance(row[name], Mapping):
                row[name] = json.dumps(row[name], ensure_ascii=False, sort_keys=True)
        tables.append(self.runs_path, pa.Table.from_pylist([row], schema=RUNS_SCHEMA))

    def _latest_versions(self, hashes: Sequence[int]) -> dict[int, dict[str, Any]]:
        if not hashes:
            return {}
        wanted = pa.table({"url_hash": pa.array(sorted(set(hashes)), pa.int64())})
        con = self.to_duckdb()
        try:
            con.register("_wanted", wanted)
            found = con.sql(
                "SELECT url_hash, coalesce(version, 1) AS version, content_sha256, "
                "coalesce(first_seen_at, fetched_at) AS first_seen_at, published_at, "
                "published_raw, published_date FROM _latest "
                "SEMI JOIN _wanted USING (url_hash)").to_arrow_table().to_pylist()
        except duckdb.Error as exc:
            raise ArchiveError(f"cannot read {self.root}: {str(exc).splitlines()[0]}") from exc
        finally:
            con.close()
        return {row["url_hash"]: row for row in found}

    def _assign_duplicates(self, records: Sequence[Mapping[str, Any]]) -> None:
        """Give each new or changed row the cluster of its most similar archived text.

        Identical texts have identical signatures, so exact copies are found the same way.
        """
        index = self._lsh_index()
        # Before the lookups, so `has_recent` below still means "added in this batch".
        index.compact()
        signatures = [dedup.signature(r.get("text") or "") for r in records]
        keys = [dedup.band_keys(sig) for sig in signatures]
        archived = [index.candidates(row_keys) for row_keys in keys]
        known = self._signatures({h for found in archived for h, _ in found})
        rows: list[dict[str, Any]] = []
        for record, sig, row_keys, found in zip(records, signatures, keys, archived, strict=True):
            # Archived candidates were looked up before this batch; in-batch ones come now.
            fresh = []
            if index.has_recent:
                seen = set(found)
                fresh = [pair for pair in index.candidates(row_keys) if pair not in seen]
            pairs = [(group, known[h]) for h, group in [*found, *fresh] if h in known]
            group = dedup.best_match(sig, pairs)
            group = group if group is not None else record["url_hash"]
            index.add(row_keys, record["url_hash"], group)
            known[record["url_hash"]] = sig
            rows.append({"url_hash": record["url_hash"], "dup_group": group,
                         "text_sha256": record.get("text_sha256"),
                         "published_at": record.get("published_at"),
                         "signature": dedup.to_bytes(sig), "bands": row_keys})
        tables.append(self.dedup_path, pa.Table.from_pylist(rows, schema=DEDUP_SCHEMA))

    def _lsh_index(self) -> dedup.LshIndex:
        """The band-key index of every clustered row, loaded once per Archive object."""
        if self._lsh is None:
            table = self._dataset("dedup").to_table(columns=["url_hash", "dup_group", "bands"])
            self._lsh = dedup.LshIndex.from_table(table)
        return self._lsh

    def _signatures(self, hashes: set[int]) -> dict[int, Any]:
        if not hashes:
            return {}
        table = self._dataset("dedup").to_table(
            columns=["url_hash", "signature"], filter=ds.field("url_hash").isin(list(hashes)))
        return {h: dedup.from_bytes(sig) for h, sig in zip(
            table.column("url_hash").to_pylist(), table.column("signature").to_pylist(),
            strict=True) if sig is not None}

    def rebuild_duplicates(self) -> int:
        """Recompute every cluster from the latest article versions; return the cluster count."""
        latest = self.sql(
            "SELECT url_hash, text, text_sha256, published_at FROM _latest "
            "ORDER BY coalesce(published_at, fetched_at), url_hash")
        rows = latest.to_pylist()
        signatures = [dedup.signature(r["text"] or "") for r in rows]
        clusters = dedup.cluster(signatures, [r["text_sha256"] for r in rows])
        out = [{"url_hash": r["url_hash"], "dup_group": rows[c]["url_hash"],
                "text_sha256": r["text_sha256"], "published_at": r["published_at"],
                "signature": dedup.to_bytes(sig), "bands": dedup.band_keys(sig)}
               for r, c, sig in zip(rows, clusters, signatures, strict=True)]
        tables.overwrite(self.dedup_path, pa.Table.from_pylist(out, schema=DEDUP_SCHEMA))
        self._lsh = None
        return len(set(clusters))

    def assign_missing_duplicates(self) -> int:
        """Cluster archived rows that have no ``dedup`` row yet (a crawl killed between commits)."""
        con = self.to_duckdb()
        done = 0
        try:
            reader = con.sql(
                "SELECT url_hash, text, text_sha256, published_at FROM _latest "
                "ANTI JOIN _dedup USING (url_hash)").to_arrow_reader(10_000)
            # Streamed in chunks, unsorted: the texts of a large archive do not fit in memory as
            # Python objects, and the canonical member is chosen by date in the views anyway.
            for batch in reader:
                rows = batch.to_pylist()
                self._assign_duplicates(rows)
                done += len(rows)
        except duckdb.Error as exc:
            raise ArchiveError(f"clustering failed: {str(exc).splitlines()[0]}") from exc
        finally:
            con.close()
        return done

    # ---- reading -----------------------------------------------------------------------------

    def archived_url_hashes(self) -> UrlHashSet:
        """Hashes of every archived URL (loaded once per object; appends keep it current)."""
        if self._known is None:
            self._known_version = tables.version(self.articles_path)
            # Straight from the articles' files (DuckDB reads one column of every partition
            # fast): a separate index could lag behind after a crash and let URLs in twice.
            con = duckdb.connect()
            try:
                self._scan(con, "_versions", self.articles_path, SCHEMA)
                hashes = con.sql("SELECT DISTINCT url_hash FROM _versions").fetchnumpy()
            except duckdb.Error as exc:
                raise ArchiveError(f"cannot read {self.root}: {str(exc).splitlines()[0]}") \
                    from exc
            finally:
                con.close()
            self._known = UrlHashSet(hashes["url_hash"])
        return self._known

    def is_archived(self, url: str) -> bool:
        """Tell whether ``url`` is in the archive."""
        return url_hash(url) in self.archived_url_hashes()

    def _dataset(self, name: str, as_of: AsOf = None) -> ds.Dataset:
        path, schema = {
            "articles": (self.articles_path, SCHEMA),
            "pages": (self.pages_path, PAGES_SCHEMA),
            "crawl_runs": (self.runs_path, RUNS_SCHEMA),
            "dedup": (self.dedup_path, DEDUP_SCHEMA),
        }[name]
        # Time travel applies to the article table; the others are read as they are now.
        return tables.dataset(path, schema, as_of if name == "articles" else None)

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
            read = self._create_views(con, as_of)
            if sandbox:
                paths = [*read, *(str(Path(p).resolve()) for p in writable)]
                listing = ", ".join("'" + p.replace("'", "''") + "'" for p in paths)
                con.execute(f"SET allowed_paths = [{listing}]")
                con.execute("SET enable_external_access = false")
                con.execute("SET lock_configuration = true")
        except duckdb.Error as exc:
            con.close()
            raise ArchiveError(f"cannot read {self.root}: {str(exc).splitlines()[0]}") from exc
        return con

    def _create_views(self, con: duckdb.DuckDBPyConnection, as_of: AsOf) -> list[str]:
        """Create the views; return the data files they read."""
        read = [
            *self._scan(con, "_versions", self.articles_path, SCHEMA, as_of),
            *self._scan(con, "_dedup_table", self.dedup_path, DEDUP_SCHEMA),
            *self._scan(con, "pages", self.pages_path, PAGES_SCHEMA),
            *self._scan(con, "crawl_runs", self.runs_path, RUNS_SCHEMA),
        ]
        present = {row[0] for row in con.execute("DESCRIBE _versions").fetchall()}
        # An archive of an older schema still reads: absent columns come back as NULL.
        extra = "".join(f", NULL::{duck_type(f.type)} AS {f.name}"
                        for f in SCHEMA if f.name not in present)
        con.execute(f"CREATE VIEW article_versions AS SELECT *{extra} FROM _versions")
        con.execute("""
            CREATE VIEW _latest AS
            SELECT * FROM article_versions
            QUALIFY row_number() OVER (
                PARTITION BY url_hash ORDER BY coalesce(version, 1) DESC, fetched_at DESC) = 1
        """)
        con.execute("""
            CREATE VIEW _dedup AS
            SELECT url_hash, arg_max(dup_group, rowid) AS dup_group FROM (
                SELECT *, row_number() OVER () AS rowid FROM _dedup_table) GROUP BY url_hash
        """)
        con.execute("""
            CREATE VIEW articles AS
            WITH grouped AS (
                SELECT l.*, coalesce(d.dup_group, l.url_hash) AS dup_group
                FROM _latest l LEFT JOIN _dedup d USING (url_hash)),
            canonical AS (
                SELECT dup_group,
                       arg_min(url_hash, (coalesce(published_at, first_seen_at, fetched_at),
                                          url_hash)) AS canonical_hash,
                       count(*) AS members
                FROM grouped GROUP BY dup_group)
            SELECT g.*, g.url_hash = c.canonical_hash AS is_canonical, c.members AS dup_members
            FROM grouped g JOIN canonical c USING (dup_group)
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
            con.register(name, schema.empty_table())
            return []
        table = tables.open_table(path, as_of)
        files = table.file_uris()
        if not files:
            con.register(name, schema.empty_table())
            return []
        if not path.is_local:
            # DuckDB reaches S3 only through its httpfs extension, which it downloads on first
            # use: read through delta-rs's own object store instead (the Arrow dataset).
            con.register(name, table.to_pyarrow_dataset())
            return []
        # Matching columns by name costs a footer read per file up front: only needed when some
        # files predate a column (the log has no statistics of that column for them).
        actions = pa.table(table.get_add_actions(flatten=True))
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
            _reading_only(query)
        con = self.to_duckdb(as_of=as_of, sandbox=sandbox)
        try:
            relation = con.sql(query, params=dict(params) if params else None)
            # Statements that return no rows (SET, CREATE …) give no relation.
            return relation.to_arrow_table() if relation is not None else pa.table({})
        except duckdb.Error as exc:
            raise ArchiveError(f"query failed: {str(exc).splitlines()[0]}") from exc
        finally:
            con.close()

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
        try:
            return con.sql(query, params=params).to_arrow_table()
        except duckdb.Error as exc:
            raise ArchiveError(f"read failed: {str(exc).splitlines()[0]}") from exc
        finally:
            con.close()

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
        try:
            def rows(query: str) -> list[tuple[Any, ...]]:
                return con.execute(query).fetchall()

            total = rows("SELECT count(*), count(DISTINCT dup_group) FROM articles")[0]
            return {
                "total": total[0],
                "stories": total[1],
                "duplicate_share": (1 - total[1] / total[0]) if total[0] else 0.0,
                "versions": rows("SELECT count(*) FROM article_versions")[0][0],
                "per_site_category": rows(
                    "SELECT site, category, count(*) AS n FROM articles "
                    "GROUP BY ALL ORDER BY site, n DESC, category"),
                "per_month": rows(
                    "SELECT strftime(published_at, '%Y-%m') AS month, count(*) FROM articles "
                    "GROUP BY 1 ORDER BY 1 DESC NULLS LAST LIMIT 24"),
                "newest": rows(
                    "SELECT site, published_at, title FROM articles "
                    f"ORDER BY published_at DESC NULLS LAST LIMIT {int(newest)}"),
            }
        finally:
            con.close()


def _page_key(page: Mapping[str, Any]) -> tuple[int, str]:
    """A raw page's identity within a batch: its article and the moment it was fetched."""
    return int(page["url_hash"]), str(page.get("fetched_at"))


def open(path: str | Path) -> Archive:
    """Open the archive at ``path`` for analysis; ArchiveError when there is none."""
    archive = Archive(path)
    if not archive.exists():
        archive.refuse_first_layout()
        raise ArchiveError(f"no archive at {archive.root}")
    return archive


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _month(value: datetime | None) -> str:
    return (value or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m")


# Dates printed relative to the fetch (`3小时前`, `昨天 18:20`, `2 hours ago`): each fetch reads
# them against its own clock, so the same article comes out with a slightly different time.
_RELATIVE_DATE = re.compile(r"前|刚刚|昨天|今天|\bago\b|yesterday|today|just now", re.IGNORECASE)


def _keep_first_relative_date(record: dict[str, Any], previous: Mapping[str, Any]) -> bool:
    """Give a refetched row with a relative date its first fetch's date (the closest reading:
    `刚刚` becomes `3小时前`, then `昨天`); True when nothing else changed.

    Without this every revisit of such a page stored a new version that differed only by when
    it was read.
    """
    raw, first = record.get("published_raw"), previous.get("published_at")
    if not raw or first is None or not _RELATIVE_DATE.search(str(raw)):
        return False
    record["published_at"], record["published_raw"] = first, previous.get("published_raw")
    if previous.get("published_date") is not None:
        record["published_date"] = previous["published_date"]
    record["content_sha256"] = content_sha256(record)
    return bool(record["content_sha256"] == previous["content_sha256"])


def _normalize(row: Mapping[str, Any]) -> dict[str, Any]:
    """Fill the derived columns and check the required ones."""
    record = {name: row.get(name) for name in SCHEMA.names}
    if not record["url"] or not record["site"]:
        raise ArchiveError("a row needs url and site")
    fetched = record["fetched_at"] or datetime.now(UTC)
    if not isinstance(fetched, datetime):
        raise ArchiveError(f"fetched_at is not a datetime: {fetched!r}")
    record["fetched_at"] = fetched
    if record["url_hash"] is None:
        record["url_hash"] = article_hash(record["url"], record["canonical_url"])
    record["crawl_month"] = record["crawl_month"] or _month(fetched)
    record["schema_version"] = SCHEMA_VERSION
    for name in ("authors", "editors", "breadcrumbs", "tags"):
        record[name] = list(record[name] or [])
    record["content_sha256"] = record["content_sha256"] or content_sha256(record)
    return record
