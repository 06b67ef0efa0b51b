"""Keeping an archive small: compaction, vacuum, checkpoints and migration (checks and repairs
are in ``archive.verification``)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from deltalake import Field
from deltalake.exceptions import DeltaError

from archive import tables
from archive.errors import ArchiveError
from archive.schema import SCHEMA
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
    """Migrate, compact small files, vacuum files older than the retention, checkpoint.

    Readers running meanwhile keep reading the table version they opened: compaction only adds
    a commit, and vacuum deletes only files unreferenced for ``retention_hours``.
    """
    report = MaintenanceReport(migrated_columns=migrate(archive))
    archive.assign_missing_duplicates()
    for name, path in archive.existing_tables().items():
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
