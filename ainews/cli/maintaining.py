"""Commands that keep the archive sound: maintain, verify, dedup."""

from __future__ import annotations

import time
from typing import Any

import click

from ainews.cli.common import common_options, existing_archive, say, warn


@click.command()
@click.option("--retention-hours", type=click.IntRange(min=0), default=7 * 24,
              show_default=True, help="keep replaced files this long for running readers")
@click.option("--repair", is_flag=True,
              help="first fix what `verify` finds (lost commits, unreadable files)")
@click.option("--reindex", is_flag=True,
              help="rebuild the search index from the archive (it is derived data)")
@common_options
def maintain(retention_hours: int, repair: bool, reindex: bool) -> int:
    """Migrate, compact, vacuum and checkpoint every table."""
    from archive.maintenance import maintain as maintain_tables

    if repair:
        from archive.verification import repair as repair_tables

        fixed = repair_tables(existing_archive())
        for name, rows in fixed.recommitted_rows.items():
            say(f"repair: {name}: {rows} rows committed again")
        for path in fixed.quarantined:
            say(f"repair: set aside {path}")
        if fixed.duplicate_rows:
            say(f"repair: {fixed.duplicate_rows} extra copies of article versions removed")
        if fixed.dropped_files:
            say(f"repair: {fixed.dropped_files} unreadable data files taken out of the log")
    from ainews.cli.common import archive_path
    from archive import Archive

    given = Archive(archive_path())
    report = maintain_tables(given if given.first_layout() else existing_archive(),
                             retention_hours=retention_hours)
    if report.migrated_layout:
        say(f"migrated: the first layout's articles table moved into {given.articles_path}")
    if report.repartitioned:
        say(f"repartitioned by month: {', '.join(report.repartitioned)} (the old layout's "
            "files stay readable for time travel until vacuum)")
    if report.migrated_columns:
        say(f"migrated: added columns {', '.join(report.migrated_columns)}")
    from pipelines.entity_fill import fill_entities

    filled = fill_entities(existing_archive())
    if filled:
        say(f"entities: matched in {filled} stored article versions that had none")
    for name, metrics in report.compacted.items():
        say(f"{name}: {metrics.get('numFilesRemoved', 0)} files compacted into "
            f"{metrics.get('numFilesAdded', 0)}, {report.vacuumed.get(name, 0)} old files "
            "removed")
    if reindex:
        from archive.search import SearchIndex

        started = time.monotonic()
        index = SearchIndex(existing_archive())
        indexed = index.rebuild()
        say(f"search index rebuilt: {indexed} articles in {time.monotonic() - started:.1f} s "
            f"({index.path})")
    return 0


@click.command()
@common_options
def verify() -> int:
    """Check the logs, every data file and the schema; exit 1 naming each problem."""
    from ainews.cli.common import archive_path
    from archive import Archive
    from archive.verification import verify as verify_archive

    archive = Archive(archive_path())
    problems = verify_archive(archive)
    for problem in problems:
        warn(f"verify: {problem}")
    if not problems:
        say("archive OK")
        _search_index_note(archive)
    return 1 if problems else 0


def _search_index_note(archive: Any) -> None:
    """Say how the search index (derived data, so never a problem) stands to the archive."""
    from archive import ArchiveError
    from archive.search import SearchIndex

    index = SearchIndex(archive)
    if not index.exists():
        return
    try:
        indexed, current = index.behind()
    except ArchiveError as exc:
        say(f"search index: unreadable ({exc}); `ainews maintain --reindex` builds it again")
        return
    if indexed == current:
        say(f"search index: current (articles version {current})")
    else:
        say(f"search index: behind the archive (indexed version {indexed}, articles version "
            f"{current}); the next `ainews search` catches up")


@click.command()
@click.option("--rebuild", is_flag=True, help="recompute every cluster")
@common_options
def dedup(rebuild: bool) -> int:
    """Cluster near-duplicate articles (incrementally, or from scratch with --rebuild)."""
    archive = existing_archive()
    if rebuild:
        started = time.monotonic()
        clusters = archive.rebuild_duplicates()
        say(f"{clusters} stories after rebuilding in {time.monotonic() - started:.1f} s")
    else:
        say(f"{archive.assign_missing_duplicates()} articles clustered")
    return 0


COMMANDS = (maintain, verify, dedup)
"""This module's commands, in help order."""
