"""Thin helpers over deltalake: open a table (optionally as of a version or time), append."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import random
import re
import shlex
import socket
import time
import uuid
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

import pyarrow as pa
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

if TYPE_CHECKING:
    # Imported where used: pyarrow.dataset loads pandas (0.18 s a process).
    import pyarrow.dataset as ds

logger = logging.getLogger(__name__)

# Long text columns get no min/max statistics: nobody filters on a body's lexical range, and
# parquet-rs would store two whole bodies per file footer and per page header (measured:
# 270 bytes per article in a 57-row file, 11 % of the archive).
_NO_STATISTICS = ColumnProperties(statistics_enabled="NONE")
LONG_TEXT_COLUMNS = ("text", "body", "headers")
# zstd level 9 rather than 3, and data pages of up to 8 MiB rather than 1 MiB (each page is
# compressed on its own): article text 1,693 → 1,593 bytes per article for the pages, 7 % less
# for the level (bench/archive_scale.py's text), 0.1 ms more per article written. Level 15
# would save 5 % more at 1.3 ms per article (docs/benchmarks.md).
WRITER = WriterProperties(
    compression="ZSTD", compression_level=9, data_page_size_limit=8 << 20,
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


def add_actions(table: DeltaTable) -> pa.Table:
    """The table's live data files (the log's add actions, statistics flattened) as Arrow.
    Read as a stream: ``pa.table`` of it would import pandas to check for a data frame."""
    return pa.RecordBatchReader.from_stream(table.get_add_actions(flatten=True)).read_all()


def dataset(path: Location, schema: pa.Schema, as_of: AsOf = None) -> ds.Dataset:
    """A pyarrow dataset over the table's current files (empty, with ``schema``, if none)."""
    if not is_table(path):
        if as_of is not None:
            raise ArchiveError(f"no table at {path}")
        import pyarrow.dataset as ds

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
    ``partition_by`` applies to a table this append creates; an existing table keeps its own.

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
        target = writable(path)
        before = None if target is None else target.version()
        try:
            # Written against the snapshot `writable` checked: a repartitioning that starts
            # after it changes the table's metadata, so this commit fails and is tried again.
            write_deltalake(
                str(path) if target is None else target, table, mode="append",
                partition_by=partition_by if target is None else None,
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


def replace_where(path: Location, table: pa.Table, predicate: str) -> None:
    """Replace the rows matching ``predicate`` by ``table`` in one commit (cast to the table's
    own schema): a crash leaves the old rows or the new ones, never neither."""
    try:
        current = writable(path)
        if current is None:
            raise ArchiveError(f"no table at {path}")
        target = pa.schema(current.schema().to_arrow())
        rows = table.select(target.names).cast(target)
        write_deltalake(current, rows, mode="overwrite", predicate=predicate,
                        writer_properties=WRITER,
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


def fill_column(path: Location, values: pa.Table, keys: Sequence[str], column: str) -> None:
    """Set ``column`` of the rows ``values`` names by ``keys`` (null keys match null) to its
    value there, in one commit: rows nobody names keep theirs."""
    try:
        current = writable(path)
        if current is None:
            raise ArchiveError(f"no table at {path}")
        target = pa.schema(current.schema().to_arrow())
        source = values.select([*keys, column]).cast(
            pa.schema([target.field(name) for name in (*keys, column)]))
        on = " AND ".join(f"(t.{k} IS NOT DISTINCT FROM s.{k})" for k in keys)
        (current.merge(source, predicate=on, source_alias="s", target_alias="t",
                       writer_properties=WRITER, commit_properties=COMMIT)
         .when_matched_update(updates={column: f"s.{column}"}).execute())
    except (DeltaError, OSError, ValueError, pa.ArrowException) as exc:
        raise ArchiveError(f"update of {path} failed: {first_line(exc)}") from exc


REPARTITIONING = "ainews.repartitioning"
"""Table property set (to who and since when) while ``repartition`` rewrites the table; empty
when none runs. Writers wait while it is set: delta-rs resolves an append that lands during a
repartitioning into a log naming files by the old partitioning, which no reader can open."""

REPARTITION_WAIT_SECONDS = 1800.0
"""How long a writer waits for a repartitioning before it gives up with an error."""


def writable(path: Location) -> DeltaTable | None:
    """The table as it is now, to write to, once no repartitioning holds it; None if none."""
    waited_since = None
    while True:
        if not is_table(path):
            return None
        table = open_table(path)
        holder = table.metadata().configuration.get(REPARTITIONING)
        if not holder:
            return table
        now = time.monotonic()
        if waited_since is None:
            waited_since = now
            logger.warning("%s is being repartitioned (%s): writes wait for it", path, holder)
        elif now - waited_since > REPARTITION_WAIT_SECONDS:
            raise ArchiveError(
                f"{path} has been held by a repartitioning ({holder}) for "
                f"{REPARTITION_WAIT_SECONDS / 60:.0f} min; if that process is gone, finish it "
                f"with: ainews maintain --archive {shlex.quote(str(path.parent))}")
        time.sleep(1.0)


def repartition(path: Location, partition_by: list[str]) -> bool:
    """Rewrite the table partitioned by ``partition_by`` in one commit; False when it already
    is. Every row is kept and older versions stay readable (time travel) until vacuum.

    The table's metadata first says a repartitioning runs (``REPARTITIONING``): a writer whose
    commit was on its way then fails that commit and waits, so no commit lands between the
    snapshot read here and the rewrite. A crash leaves the mark; the next run finishes."""
    table = open_table(path)
    metadata = table.metadata()
    configuration = dict(metadata.configuration)
    if metadata.partition_columns == partition_by and not configuration.get(REPARTITIONING):
        return False
    try:
        if not configuration.get(REPARTITIONING):
            mark = json.dumps({"host": socket.gethostname(), "pid": os.getpid(),
                               "since": datetime.now().astimezone().isoformat(timespec="seconds")})
            table.alter.set_table_properties({REPARTITIONING: mark}, raise_if_not_exists=False)
        table = open_table(path)
        if table.metadata().partition_columns == partition_by:
            _release(path)
            return False
        rows = table.to_pyarrow_dataset()

        def batches() -> Iterator[pa.RecordBatch]:
            # File by file through Python: handing delta-rs a pyarrow scanner's own reader
            # aborts the process at exit (deltalake 1.x), and this keeps one file in memory.
            for fragment in rows.get_fragments():
                yield from fragment.to_table(schema=rows.schema).to_batches()

        write_deltalake(str(path), pa.RecordBatchReader.from_batches(rows.schema, batches()),
                        mode="overwrite", partition_by=partition_by, schema_mode="overwrite",
                        writer_properties=WRITER, storage_options=path.storage_options,
                        commit_properties=COMMIT)
        _release(path)
    except (DeltaError, OSError, ValueError, pa.ArrowException) as exc:
        raise ArchiveError(f"repartitioning {path} failed: {first_line(exc)}") from exc
    return True


def _release(path: Location) -> None:
    """Clear the repartitioning mark (delta-rs cannot remove a table property: it empties it)."""
    open_table(path).alter.set_table_properties({REPARTITIONING: ""}, raise_if_not_exists=False)
