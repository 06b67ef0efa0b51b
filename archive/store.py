"""The archive: article versions, raw pages, crawl runs and duplicate clusters as Delta tables."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, closing
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import duckdb
import pyarrow as pa

from archive import dedup, locks, tables
from archive.clustering import ArchiveClustering
from archive.errors import ArchiveError
from archive.location import Location
from archive.reading import duck_errors
from archive.results import AppendResult
from archive.schema import (
    PAGES_SCHEMA,
    PARTITION_COLUMNS,
    RUNS_SCHEMA,
    SCHEMA,
    TABLES,
)
from archive.urlset import UrlHashSet, article_hash, url_hash
from archive.version import SCHEMA_VERSION

if TYPE_CHECKING:
    from archive.search import Hit

logger = logging.getLogger(__name__)
T = TypeVar("T")

_CONTENT_FIELDS = ("title", "authors", "editors", "published_at", "updated_at", "category",
                   "breadcrumbs", "tags", "source", "lang", "text")


def content_sha256(row: Mapping[str, Any]) -> str:
    """Hash of everything extraction decides: a change here makes a new version."""
    values = {name: _jsonable(row.get(name)) for name in _CONTENT_FIELDS}
    payload = json.dumps(values, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()




class Archive(ArchiveClustering):
    """A folder of Delta tables: ``articles``, ``pages``, ``crawl_runs`` and ``dedup``.

    Every read goes through the Delta logs, never a glob over the folder.
    """

    def __init__(self, root: str | Path | Location) -> None:
        """Open (lazily) the archive at ``root`` (a folder or ``s3://bucket/prefix``); tables
        are created by their first append."""
        self.root = Location(root)
        self.paths = {name: self.root / name for name in TABLES}
        """Where each table of ``archive.schema.TABLES`` lives."""
        self._known: UrlHashSet | None = None
        self._known_version: int | None = None
        """The articles table's version ``_known`` reflects: another writer's commit since
        means it must be read again before the next append."""
        self._lsh: dedup.LshIndex | None = None
        self._pages_ahead: set[tuple[int, str]] = set()
        """Pages committed by an append whose articles commit then failed: a retry of the
        batch must not store them again."""

    @property
    def articles_path(self) -> Location:
        """The ``articles`` table."""
        return self.paths["articles"]

    @property
    def pages_path(self) -> Location:
        """The ``pages`` table."""
        return self.paths["pages"]

    @property
    def runs_path(self) -> Location:
        """The ``crawl_runs`` table."""
        return self.paths["crawl_runs"]

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
        return {name: path for name, path in self.paths.items() if tables.is_table(path)}

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
            if self._known_version is not None:
                self._index_appended(fresh, before, after)
        logger.debug("archive %s: %d added, %d updated, %d unchanged", self.root, added, updated,
                     unchanged)
        return AppendResult(added, updated, unchanged)

    def _index_appended(self, rows: Sequence[Mapping[str, Any]], before: int | None,
                        after: int | None) -> None:
        """Add the rows just committed to the search index, if there is one and it was current
        (otherwise the next search brings it up to date from the archive)."""
        import sqlite3

        from archive.search import SearchIndex

        try:
            SearchIndex(self).add_appended(rows, before, after)
        except (ArchiveError, OSError, ValueError, sqlite3.Error) as exc:
            logger.warning("search index not updated (the next search catches up): %s", exc)

    def search(self, query: str, **options: Any) -> list[Hit]:
        """Ranked articles for ``query`` (see ``archive.search.SearchIndex.search``)."""
        from archive.search import SearchIndex

        return SearchIndex(self).search(query, **options)

    def rows_lacking(self, column: str, extra: Sequence[str] = (),
                     batch: int = 10_000) -> Iterator[pa.RecordBatch]:
        """Every article version whose ``column`` is null: its key columns and ``extra``,
        ``batch`` rows at a time (what a migration fills in with ``fill_column``)."""
        names = ", ".join(dict.fromkeys([*TABLES["articles"].key, *extra]))
        duck = self.to_duckdb()
        try:
            yield from duck.sql(f"SELECT {names} FROM article_versions "
                                f"WHERE {column} IS NULL").to_arrow_reader(batch)
        finally:
            duck.close()

    def fill_column(self, column: str, values: pa.Table) -> None:
        """Set ``column`` of the article versions ``values`` names (by the table's key) in one
        commit; the others keep theirs."""
        tables.fill_column(self.articles_path, values, TABLES["articles"].key, column)

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
        with closing(con), duck_errors(f"cannot read {self.root}"):
            con.register("_wanted", wanted)
            found = con.sql(
                "SELECT url_hash, coalesce(version, 1) AS version, content_sha256, "
                "coalesce(first_seen_at, fetched_at) AS first_seen_at, published_at, "
                "published_raw, published_date FROM _latest "
                "SEMI JOIN _wanted USING (url_hash)").to_arrow_table().to_pylist()
        return {row["url_hash"]: row for row in found}

    def archived_url_hashes(self) -> UrlHashSet:
        """Hashes of every archived URL (loaded once per object; appends keep it current)."""
        if self._known is None:
            self._known_version = tables.version(self.articles_path)
            # Straight from the articles' files (DuckDB reads one column of every partition
            # fast): a separate index could lag behind after a crash and let URLs in twice.
            con = duckdb.connect()
            with closing(con), duck_errors(f"cannot read {self.root}"):
                self._scan(con, "_versions", self.articles_path, SCHEMA)
                hashes = con.sql("SELECT DISTINCT url_hash FROM _versions").fetchnumpy()
            self._known = UrlHashSet(hashes["url_hash"])
        return self._known

    def is_archived(self, url: str) -> bool:
        """Tell whether ``url`` is in the archive."""
        return url_hash(url) in self.archived_url_hashes()


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
