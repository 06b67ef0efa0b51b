"""Thin helpers over deltalake: open a table (optionally as of a version or time), append."""

from __future__ import annotations

import contextlib
import random
import re
import time
import uuid
from datetime import datetime

import pyarrow as pa
import pyarrow.dataset as ds
from deltalake import (
    ColumnProperties,
    CommitProperties,
    DeltaTable,
    WriterProperties,
    write_deltalake,
)
from deltalake.exceptions import CommitFailedError, DeltaError

from archive.errors import ArchiveError
from archive.location import Location

# Long text columns get no min/max statistics: nobody filters on a body's lexical range, and
# parquet-rs would store two whole bodies per file footer and per page header (measured:
# 270 bytes per article in a 57-row file, 11 % of the archive).
_NO_STATISTICS = ColumnProperties(statistics_enabled="NONE")
LONG_TEXT_COLUMNS = ("text", "body", "headers")
WRITER = WriterProperties(
    compression="ZSTD", compression_level=3,
    column_properties=dict.fromkeys(LONG_TEXT_COLUMNS, _NO_STATISTICS),
)
# A checkpoint every 10 commits instead of Delta's 100: opening a table then replays at most
# ten JSON commits, and a long crawl's writer process grew 36 MB over 100 appends without it
# (20 MB with it; see docs/benchmarks.md). Applies to tables created from now on; `maintain`
# sets it on older ones.
TABLE_CONFIGURATION = {"delta.checkpointInterval": "10"}
# Tries of one commit when other writers keep taking the next version (delta-rs's default
# is 15; ten workers committing every few seconds stay far below it).
COMMIT_RETRIES = 30

def prefer_jemalloc() -> None:
    """Use Arrow's jemalloc pool in a process that writes: over 100 appends of 200 articles with
    their pages the writer held 279-315 MB with it against 309-337 MB with the default mimalloc
    (docs/benchmarks.md). A pyarrow built without jemalloc keeps its default pool."""
    with contextlib.suppress(NotImplementedError):
        pa.set_memory_pool(pa.jemalloc_memory_pool())


AsOf = int | datetime | None
"""A table version number, a point in time, or None for the latest."""


_OS_ERROR = re.compile(r"([^:]+\(os error \d+\))")


def first_line(exc: BaseException) -> str:
    """deltalake errors carry a Rust backtrace after the first line, and wrap an operating
    system's error (disk full, read-only) in layers of context: the OS error is what counts."""
    lines = str(exc).strip().splitlines()
    line = lines[0] if lines else type(exc).__name__
    cause = _OS_ERROR.findall(line)
    return cause[-1].strip() if cause else line


def is_table(path: Location) -> bool:
    """Tell whether a Delta table lives at ``path``."""
    try:
        return DeltaTable.is_deltatable(str(path), storage_options=path.storage_options)
    except (DeltaError, OSError, ValueError) as exc:
        raise ArchiveError(f"cannot reach {path}: {first_line(exc)}") from exc


def version(path: Location) -> int | None:
    """The table's latest version, None when there is no table."""
    if not is_table(path):
        return None
    try:
        return DeltaTable(str(path), storage_options=path.storage_options).version()
    except (DeltaError, OSError, ValueError) as exc:
        raise ArchiveError(f"cannot open {path}: {first_line(exc)}") from exc


def open_table(path: Location, as_of: AsOf = None) -> DeltaTable:
    """The Delta table at ``path`` (as of a version or time), or ArchiveError."""
    if not is_table(path):
        raise ArchiveError(f"no table at {path}")
    try:
        table = DeltaTable(str(path), storage_options=path.storage_options)
        if as_of is not None:
            table.load_as_version(as_of)
        return table
    except (DeltaError, OSError, ValueError) as exc:
        raise ArchiveError(f"cannot open {path}: {first_line(exc)}") from exc


def dataset(path: Location, schema: pa.Schema, as_of: AsOf = None) -> ds.Dataset:
    """A pyarrow dataset over the table's current files (empty, with ``schema``, if none)."""
    if not is_table(path):
        if as_of is not None:
            raise ArchiveError(f"no table at {path}")
        return ds.dataset(schema.empty_table())
    try:
        return open_table(path, as_of).to_pyarrow_dataset()
    except (DeltaError, OSError) as exc:
        raise ArchiveError(f"cannot read {path}: {first_line(exc)}") from exc


COMMIT = CommitProperties(max_commit_retries=COMMIT_RETRIES)
"""Optimistic commits: another writer's commit in between is read and the append retried."""


WRITE_ATTEMPTS = 5
"""Whole writes tried when a concurrent writer changed the table's metadata or protocol (the
first commits of a new table, a schema change): delta-rs does not retry those itself."""


COMMIT_KEY = "ainews.commit"
"""commitInfo key holding each append's identity: a retried or raced write that finds its own
commit in the log is done, so no batch is stored twice."""


def append(path: Location, table: pa.Table, partition_by: list[str] | None = None) -> None:
    """Append ``table`` as one atomic commit; new nullable columns merge into the schema.

    Many processes may append to one table at once (workers on several machines). Each append
    carries an identity in its commit. On object storage a commit whose answer was lost looks
    like a failure, and delta-rs's own retry would then commit the batch a second time; so
    there every retry is ours: after a failed commit the log is read for our identity (the
    commit landed: done), else the write is tried again against the table as it is now. On a
    local disk (an atomic rename, no answer to lose) delta-rs retries version races itself.
    """
    path.mkdir()
    identity = uuid.uuid4().hex
    remote = not path.is_local
    properties = CommitProperties(
        max_commit_retries=0 if remote else COMMIT_RETRIES,
        custom_metadata={COMMIT_KEY: identity})
    attempts = COMMIT_RETRIES if remote else WRITE_ATTEMPTS
    for attempt in range(1, attempts + 1):
        before = version(path)
        try:
            write_deltalake(
                str(path), table, mode="append", partition_by=partition_by,
                writer_properties=WRITER, schema_mode="merge",
                configuration=TABLE_CONFIGURATION, storage_options=path.storage_options,
                commit_properties=properties,
            )
            return
        except (CommitFailedError, DeltaError, OSError) as exc:
            if _committed(path, identity, before):
                return  # the commit landed; only its answer was lost
            raced = isinstance(exc, CommitFailedError) and (
                remote or "changed since last commit" in str(exc))
            if attempt == attempts or not raced:
                raise ArchiveError(f"append to {path} failed: {first_line(exc)}") from exc
            # Spread the writers that collided, so they do not collide again.
            time.sleep(random.uniform(0.05, 0.3) * min(attempt, 5))


def _committed(path: Location, identity: str, before: int | None) -> bool:
    """Whether a commit after version ``before`` carries ``identity``."""
    try:
        now = version(path)
        if now is None or (before is not None and now <= before):
            return False
        table = open_table(path)
        since = now - (-1 if before is None else before)
        return any(entry.get(COMMIT_KEY) == identity for entry in table.history(limit=since))
    except (ArchiveError, DeltaError, OSError):
        return False


def replace_where(path: Location, table: pa.Table, predicate: str,
                  partition_by: list[str] | None = None) -> None:
    """Replace the rows matching ``predicate`` by ``table`` in one commit (cast to the table's
    own schema): a crash leaves the old rows or the new ones, never neither."""
    try:
        target = pa.schema(open_table(path).schema().to_arrow())
        rows = table.select(target.names).cast(target)
        write_deltalake(str(path), rows, mode="overwrite", predicate=predicate,
                        partition_by=partition_by, writer_properties=WRITER,
                        storage_options=path.storage_options, commit_properties=COMMIT)
    except (DeltaError, OSError, ValueError, pa.ArrowException) as exc:
        raise ArchiveError(f"rewrite of {path} failed: {first_line(exc)}") from exc


def overwrite(path: Location, table: pa.Table) -> None:
    """Replace the table's rows as one commit (older versions stay readable until vacuum)."""
    path.mkdir()
    try:
        write_deltalake(str(path), table, mode="overwrite", writer_properties=WRITER,
                        schema_mode="overwrite", configuration=TABLE_CONFIGURATION,
                        storage_options=path.storage_options, commit_properties=COMMIT)
    except (DeltaError, OSError) as exc:
        raise ArchiveError(f"rewrite of {path} failed: {first_line(exc)}") from exc
