"""Keeping an archive small: compaction, vacuum, checkpoints and migration (checks and repairs
are in ``archive.verification``)."""

from __future__ import annotations

import logging
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from deltalake import Field
from deltalake.exceptions import DeltaError

from archive import tables
from archive.errors import ArchiveError
from archive.schema import PARTITION_COLUMNS, SCHEMA, TABLES
from archive.store import Archive

logger = logging.getLogger(__name__)

RETENTION_HOURS = 7 * 24
"""Files a compaction replaced stay this long, so readers that opened an older version of the
table (a long query, a dashboard) can still read them."""


@dataclass
class MaintenanceReport:
    """What ``maintain`` did, per table."""

    compacted: dict[str, dict[str, object]] = field(default_factory=dict)
    vacuumed: dict[str, int] = field(default_factory=dict)
    migrated_columns: list[str] = field(default_factory=list)
    migrated_layout: bool = False
    repartitioned: list[str] = field(default_factory=list)


def migrate_layout(archive: Archive) -> bool:
    """Move a first-layout archive (the root itself the articles table) into ``articles/``;
    True when it did. The files are linked into place before the old names go, so a crash
    at any point leaves a readable table: the old layout, or the new one with leftovers the
    next run removes."""
    if not archive.root.is_local:
        if archive.first_layout():
            raise ArchiveError(f"{archive.root}: migrating a first-layout archive on object "
                               "storage is not supported; copy it to a folder, migrate, copy back")
        return False
    root = archive.root.local_path
    target = root / "articles"
    if archive.exists():
        _drop_leftovers(root, target)
        return False
    if not archive.first_layout():
        return False
    partial = root / "articles.partial"
    shutil.rmtree(partial, ignore_errors=True)
    moved = [entry for entry in root.iterdir() if _belongs_to_table(entry)]
    partial.mkdir()
    for entry in moved:
        if entry.is_dir():
            shutil.copytree(entry, partial / entry.name, copy_function=_link_or_copy)
        else:
            _link_or_copy(str(entry), str(partial / entry.name))
    os.replace(partial, target)
    _drop_leftovers(root, target)
    return True


def _belongs_to_table(entry: Path) -> bool:
    """The first layout's table files: its log, its partition folders, loose data files."""
    return entry.name == "_delta_log" or "=" in entry.name or entry.suffix == ".parquet"


def _drop_leftovers(root: Path, target: Path) -> None:
    """Remove the old layout's files once the new table holds every one of them."""
    if not (root / "_delta_log").is_dir():
        return
    old_log = {p.name for p in (root / "_delta_log").iterdir()}
    new_log = {p.name for p in (target / "_delta_log").iterdir()} \
        if (target / "_delta_log").is_dir() else set()
    if not old_log <= new_log:
        return  # the new table is not a complete copy: keep everything
    for entry in root.iterdir():
        if _belongs_to_table(entry):
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()


def _link_or_copy(source: str, destination: str) -> str:
    """A hard link (no bytes copied, same file), a copy across file systems."""
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)
    return destination


def migrate(archive: Archive) -> list[str]:
    """Add the columns of the current schema that an older archive lacks (nullable, no rewrite)."""
    if not archive.exists():
        return []
    table = tables.open_table(archive.articles_path)
    present = {f.name for f in table.schema().fields}
    missing = [f for f in SCHEMA if f.name not in present]
    if missing:
        delta_fields = [Field.from_arrow(f.with_nullable(True)) for f in missing]
        try:
            table.alter.add_columns(delta_fields)
        except DeltaError as exc:
            raise ArchiveError(f"migration failed: {tables.first_line(exc)}") from exc
    return [f.name for f in missing]


def maintain(archive: Archive, *, retention_hours: int = RETENTION_HOURS) -> MaintenanceReport:
    """Migrate (columns, layout, partitioning), compact small files, vacuum files older than
    the retention, checkpoint.

    Readers running meanwhile keep reading the table version they opened: compaction only adds
    a commit, and vacuum deletes only files unreferenced for ``retention_hours``.
    """
    layout = migrate_layout(archive)
    report = MaintenanceReport(migrated_columns=migrate(archive), migrated_layout=layout)
    archive.assign_missing_duplicates()
    for name, path in archive.existing_tables().items():
        if TABLES[name].partitioned and tables.repartition(path, PARTITION_COLUMNS):
            report.repartitioned.append(name)
        table = tables.open_table(path)
        try:
            configured = table.metadata().configuration
            if any(configured.get(k) != v for k, v in tables.TABLE_CONFIGURATION.items()):
                table.alter.set_table_properties(dict(tables.TABLE_CONFIGURATION))
                table = tables.open_table(path)
            metrics = table.optimize.compact(writer_properties=tables.WRITER,
                                              commit_properties=tables.COMMIT)
            table = tables.open_table(path)
            removed = table.vacuum(retention_hours=retention_hours, dry_run=False,
                                   enforce_retention_duration=False)
            table.create_checkpoint()
            table.cleanup_metadata()
        except (DeltaError, OSError) as exc:
            raise ArchiveError(f"maintenance of {name} failed: {tables.first_line(exc)}") from exc
        report.compacted[name] = {k: metrics.get(k) for k in
                                  ("numFilesAdded", "numFilesRemoved")}
        report.vacuumed[name] = len(removed)
    return report
