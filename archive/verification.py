"""Checking an archive the way its readers will use it, and repairing what can be repaired.

``verify`` reads every data file in full, every log entry and checkpoint, finds data files no
commit lists (a lost log entry, a write cut short) and articles without a duplicate cluster;
each problem names its fix. ``repair`` applies those fixes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import pyarrow as pa
import pyarrow.parquet as pq
from deltalake import DeltaTable
from deltalake.exceptions import DeltaError

from archive import locks, tables
from archive.errors import ArchiveError
from archive.location import Location
from archive.schema import PARTITION_COLUMNS, SCHEMA, TABLES
from archive.store import Archive

QUARANTINE = "_quarantine"
"""Folder in the archive where ``repair`` moves files it took out of use (never deleted)."""

# Rows of these tables found in no commit can be committed again; dedup rows are recomputed.


@dataclass
class TableCheck:
    """What ``verify`` found in one table."""

    name: str
    path: Location
    problems: list[str] = field(default_factory=list)
    empty_last_entry: Location | None = None
    unreadable: list[Location] = field(default_factory=list)
    """Data files the log lists that cannot be read in full (or are missing)."""
    orphans: list[Location] = field(default_factory=list)
    """Readable data files no commit lists whose rows the table lacks."""
    broken_orphans: list[Location] = field(default_factory=list)


def verify(archive: Archive) -> list[str]:
    """Every problem found, each with its fix; empty when all is well."""
    if not archive.exists():
        return [f"no archive at {archive.root}"]
    problems = [p for check in _checks(archive) for p in check.problems]
    # Clusters are judged on a table that reads; until then the problems above come first.
    return problems or [*_duplicate_versions(archive), *_unclustered(archive)]


def _checks(archive: Archive) -> Iterator[TableCheck]:
    for name, path in archive.existing_tables().items():
        yield _check_table(name, path)


def _check_table(name: str, path: Location) -> TableCheck:
    check = TableCheck(name, path)
    _check_log(check)
    try:
        table = DeltaTable(str(path), storage_options=path.storage_options)
        actions = tables.add_actions(table).to_pylist()
    except (DeltaError, OSError, ValueError) as exc:
        check.problems.append(f"{name}: unreadable log: {tables.first_line(exc)}")
        return check
    listed: set[str] = set()
    for action in actions:
        listed.add(action["path"])
        problem = _check_file(path / action["path"], action)
        if problem:
            check.unreadable.append(path / action["path"])
            check.problems.append(f"{name}: {problem}")
    if check.unreadable:
        check.problems.append(
            f"{name}: {len(check.unreadable)} data files cannot be read: `ainews maintain "
            "--repair` takes them out of the table (their articles are fetched again by the "
            "next crawl, or rebuilt by `reextract` from stored pages)")
    if name == "articles":
        present = {f.name for f in table.schema().fields}
        absent = [c for c in SCHEMA.names if c not in present]
        if absent:
            check.problems.append(f"articles: columns missing (run `ainews maintain`): "
                                  f"{', '.join(absent)}")
    _check_orphans(check, table, listed | _ever_listed(path))
    return check


def _check_log(check: TableCheck) -> None:
    """Every JSON commit since the checkpoint parses; the checkpoint it names exists."""
    log = check.path / "_delta_log"
    entries = sorted(log.glob("*.json"))
    for entry in entries:
        try:
            text = entry.read_text(encoding="utf-8")
            for line in text.splitlines():
                if line.strip():
                    json.loads(line)
        except (OSError, UnicodeDecodeError, ValueError):
            check.problems.append(f"{check.name}: log entry {entry.name} is corrupt")
            continue
        if not text.strip():
            check.problems.append(
                f"{check.name}: log entry {entry.name} is empty (a commit cut short or "
                "overwritten): `ainews maintain --repair` sets it aside and commits its rows "
                "again")
            if entry == entries[-1]:
                check.empty_last_entry = entry
    versions = [int(e.stem) for e in entries if e.stem.isdigit()]
    for missing in sorted(set(range(min(versions, default=0), max(versions, default=0) + 1))
                          - set(versions)):
        check.problems.append(f"{check.name}: log entry {missing:020d}.json is missing")
    pointer = log / "_last_checkpoint"
    if pointer.exists():
        try:
            version = int(json.loads(pointer.read_text())["version"])
        except (OSError, ValueError, KeyError, TypeError):
            check.problems.append(f"{check.name}: _last_checkpoint is corrupt")
            return
        single = log / f"{version:020d}.checkpoint.parquet"
        parts = list(log.glob(f"{version:020d}.checkpoint.*.parquet"))
        for file in [single] if single.exists() else parts:
            try:
                _read_table(file)
            except (OSError, ValueError) as exc:
                check.problems.append(f"{check.name}: checkpoint {file.name} unreadable: {exc}")
        if not single.exists() and not parts:
            check.problems.append(f"{check.name}: checkpoint {version} named by "
                                  "_last_checkpoint is missing")


def _check_file(file: Location, action: dict[str, object]) -> str | None:
    """Why a listed data file would fail a reader, or None: it is read in full."""
    if not file.exists():
        return f"missing data file {action['path']}"
    size = file.size()
    if size != action["size_bytes"]:
        return f"{action['path']} is {size} bytes, the log says {action['size_bytes']}"
    try:
        rows = _read_fully(file)
    except (OSError, ValueError, pa.ArrowException) as exc:
        return f"corrupt data file {action['path']}: {str(exc).splitlines()[0]}"
    expected = action.get("num_records")
    if expected is not None and rows != expected:
        return f"{action['path']} holds {rows} rows, the log says {expected}"
    return None


def _read_fully(file: Location) -> int:
    """Decode every page of every column (a batch at a time); return the row count."""
    rows = 0
    with file.filesystem.open_input_file(file.fs_path) as handle:
        for batch in pq.ParquetFile(handle).iter_batches(batch_size=4096):
            rows += batch.num_rows
    return rows


def _read_table(file: Location, columns: list[str] | None = None) -> pa.Table:
    return pq.read_table(file.fs_path, filesystem=file.filesystem, columns=columns)


def _ever_listed(path: Location) -> set[str]:
    """Data files any commit still in the log added or removed (removed ones await vacuum)."""
    seen: set[str] = set()
    for entry in (path / "_delta_log").glob("*.json"):
        try:
            lines = entry.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        for line in lines:
            try:
                action = json.loads(line)
            except ValueError:
                continue
            for kind in ("add", "remove"):
                if isinstance(action.get(kind), dict) and action[kind].get("path"):
                    seen.add(_unquote(action[kind]["path"]))
    return seen


def _unquote(path: str) -> str:
    from urllib.parse import unquote

    return unquote(path)


def _check_orphans(check: TableCheck, table: DeltaTable, listed: set[str]) -> None:
    """Data files in the folder that no commit lists: rows a reader never sees."""
    present = _row_keys(table, check.name)
    lost_rows = 0
    for file in sorted(check.path.rglob("*.parquet")):
        relative = file.relative_to(check.path).as_posix()
        if "_delta_log" in file.parts or QUARANTINE in file.parts or relative in listed:
            continue
        try:
            rows = _read_table(file)
        except (OSError, ValueError, pa.ArrowException):
            check.broken_orphans.append(file)
            continue
        missing = _missing_rows(rows, present, check.name)
        if missing:
            check.orphans.append(file)
            lost_rows += missing
    if check.orphans:
        check.problems.append(
            f"{check.name}: {lost_rows} rows in {len(check.orphans)} data files that no "
            "commit lists (a lost log entry): `ainews maintain --repair` commits them again")
    if check.broken_orphans:
        check.problems.append(
            f"{check.name}: {len(check.broken_orphans)} unreadable data files that no commit "
            "lists (writes cut short): `ainews maintain --repair` moves them aside")


def _row_keys(table: DeltaTable, name: str) -> set[tuple[object, ...]]:
    """Key columns of every row the table lists, from the files that can be read."""
    columns = _key_columns(name)
    keys: set[tuple[object, ...]] = set()
    for uri in table.file_uris():
        try:
            read = _read_table(Location(uri.removeprefix("file://")), list(columns))
        except (OSError, ValueError, pa.ArrowException):
            continue  # reported as unreadable already
        keys.update(zip(*(read.column(c).to_pylist() for c in columns), strict=True))
    return keys


def _key_columns(name: str) -> tuple[str, ...]:
    return TABLES[name].key


def _missing_rows(rows: pa.Table, present: set[tuple[object, ...]], name: str) -> int:
    columns = _key_columns(name)
    if any(c not in rows.column_names for c in columns):
        return 0
    keys = zip(*(rows.column(c).to_pylist() for c in columns), strict=True)
    return sum(1 for key in keys if key not in present)


_DUPLICATES = """
    SELECT url_hash, coalesce(version, 1) AS version, count(*) - 1 AS extra
    FROM article_versions GROUP BY ALL HAVING count(*) > 1"""


def _duplicate_versions(archive: Archive) -> list[str]:
    """A version of an article stored more than once (a batch committed twice)."""
    found = archive.sql(f"SELECT count(*) AS n, coalesce(sum(extra), 0) AS extra "
                        f"FROM ({_DUPLICATES})")
    versions, extra = int(found["n"][0].as_py()), int(found["extra"][0].as_py())
    if not versions:
        return []
    return [f"articles: {versions} article versions stored more than once ({extra} extra rows):"
            " `ainews maintain --repair` keeps one of each"]


def remove_duplicate_versions(archive: Archive) -> int:
    """Keep one row of each article version stored more than once, in one atomic commit (an
    overwrite of just those articles' rows); how many extra rows went."""
    hashes = archive.sql(f"SELECT DISTINCT url_hash FROM ({_DUPLICATES})")["url_hash"]
    wanted = [int(h.as_py()) for h in hashes]
    if not wanted:
        return 0
    listing = ", ".join(str(h) for h in wanted)
    rows = archive.sql(
        "SELECT * EXCLUDE (rank) FROM (SELECT *, row_number() OVER (PARTITION BY url_hash, "
        "coalesce(version, 1) ORDER BY fetched_at) AS rank FROM _versions "
        f"WHERE url_hash IN ({listing})) WHERE rank = 1")
    before = archive.sql(f"SELECT count(*) AS n FROM _versions WHERE url_hash IN ({listing})")
    tables.replace_where(archive.articles_path, rows.select(
        [name for name in SCHEMA.names if name in rows.column_names]),
        f"url_hash IN ({listing})")
    return int(before["n"][0].as_py()) - int(rows.num_rows)


def _unclustered(archive: Archive) -> list[str]:
    count = archive.sql("SELECT count(*) AS n FROM _latest ANTI JOIN _dedup USING (url_hash)")
    missing = int(count["n"][0].as_py())
    if not missing:
        return []
    return [f"dedup: {missing} articles have no duplicate cluster: `ainews maintain` "
            "assigns them"]


@dataclass
class RepairReport:
    """What ``repair`` did."""

    recommitted_rows: dict[str, int] = field(default_factory=dict)
    quarantined: list[str] = field(default_factory=list)
    dropped_files: int = 0
    clustered: int = 0
    duplicate_rows: int = 0
    """Extra copies of article versions removed."""


def repair(archive: Archive) -> RepairReport:
    """Apply every fix ``verify`` names; nothing is deleted (set-aside files go to
    ``_quarantine``). Refused while a crawl or worker writes: the data files it has written
    but not yet committed would look like lost commits and be committed twice."""
    writing = locks.holders(archive.root / "_locks")
    if writing:
        raise ArchiveError(f"{archive.root} is being written ({', '.join(writing)}): repair "
                           "once no crawl or worker writes it")
    report = RepairReport()
    quarantine = archive.root / QUARANTINE
    for check in list(_checks(archive)):
        checkpoint = _checkpoint_of(check.empty_last_entry)
        for file in [*check.unreadable, *check.broken_orphans,
                     *([check.empty_last_entry] if check.empty_last_entry else []),
                     *checkpoint]:
            if file.exists():
                target = quarantine / check.name / file.relative_to(check.path)
                file.move_to(target)
                report.quarantined.append(str(target.relative_to(archive.root)))
        if check.unreadable:
            # FSCK: the log forgets files that are gone; their rows leave the table.
            try:
                metrics = DeltaTable(str(check.path), storage_options=check.path.storage_options
                                     ).repair(dry_run=False)
            except (DeltaError, OSError) as exc:
                raise ArchiveError(f"repair of {check.name} failed: "
                                          f"{tables.first_line(exc)}") from exc
            report.dropped_files += len(metrics.get("files_removed", []) or [])
        if checkpoint:
            # The checkpoint listed the emptied commit's files: now no commit does.
            check = _check_table(check.name, check.path)
        if not TABLES[check.name].derived and check.orphans:
            report.recommitted_rows[check.name] = _recommit(check)
    fresh = Archive(archive.root)
    if fresh.exists():
        report.duplicate_rows = remove_duplicate_versions(fresh)
        report.clustered = Archive(archive.root).assign_missing_duplicates()
    return report


def _checkpoint_of(entry: Location | None) -> list[Location]:
    """The checkpoint written at an emptied last entry's version, and the pointer naming it:
    set aside with the entry, or readers would look for the version it no longer has (its
    rows become orphans, committed again)."""
    if entry is None or not entry.stem.isdigit():
        return []
    log = entry.parent
    version = int(entry.stem)
    found = log.glob(f"{version:020d}.checkpoint*.parquet")
    pointer = log / "_last_checkpoint"
    try:
        named = int(json.loads(pointer.read_text())["version"]) if pointer.exists() else None
    except (OSError, ValueError, KeyError, TypeError):
        named = None
    return [*found, *([pointer] if named == version else [])]


def _recommit(check: TableCheck) -> int:
    """Append the rows of orphaned files that the table lacks, as one commit."""
    table = DeltaTable(str(check.path), storage_options=check.path.storage_options)
    present = _row_keys(table, check.name)
    schema = TABLES[check.name].schema
    columns = _key_columns(check.name)
    keep: list[dict[str, object]] = []
    for file in check.orphans:
        rows = _read_table(file)
        partition = _partition_values(file.relative_to(check.path))
        for row in rows.to_pylist():
            row = {**partition, **row}
            key = tuple(row.get(c) for c in columns)
            if key not in present:
                present.add(key)
                keep.append({name: row.get(name) for name in schema.names})
    if keep:
        partition_by = PARTITION_COLUMNS if TABLES[check.name].partitioned else None
        tables.append(check.path, pa.Table.from_pylist(keep, schema=schema), partition_by)
    return len(keep)


def _partition_values(relative: PurePosixPath) -> dict[str, str]:
    """Hive partition columns from a data file's folder names (``site=x/crawl_month=y``)."""
    values = {}
    for part in relative.parts[:-1]:
        key, sep, value = part.partition("=")
        if sep:
            values[key] = _unquote(value)
    return values
