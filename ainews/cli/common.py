"""What every command shares: the archive and quiet options, errors, output formats."""

from __future__ import annotations

import base64
import csv
import dataclasses
import io
import json
import math
import os
import sys
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from datetime import time as dt_time
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import click

DEFAULT_ARCHIVE = "data/archive"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
F = TypeVar("F", bound=Callable[..., Any])


class CliError(click.ClickException):
    """A user error: printed as one line on stderr, exit code 2."""

    exit_code = 2


# ---- options shared by the group and every command ------------------------------------------

def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    # Given before or after the subcommand: the root context keeps the last one given.
    if value not in (None, False):
        ctx.find_root().meta[f"ainews.{param.name}"] = value
    return value


def common_options(function: F) -> F:
    """``--archive`` and ``-q/--quiet``, accepted before the subcommand or after it."""
    function = click.option(
        "--archive", metavar="PATH", expose_value=False, callback=_remember, is_eager=True,
        help=f"archive folder or s3:// URL (default $AINEWS_ARCHIVE or {DEFAULT_ARCHIVE})",
    )(function)
    function = click.option(
        "--log-level", type=click.Choice(LOG_LEVELS, case_sensitive=False), expose_value=False,
        callback=_remember, help="Scrapy's log level on stderr (default INFO; WARNING when "
                                 "stderr is a terminal, which shows a live progress line)",
    )(function)
    return click.option("-q", "--quiet", is_flag=True, expose_value=False, callback=_remember,
                        help="print nothing on success (warnings and errors still show)",
                        )(function)


def log_level() -> str | None:
    """``--log-level`` (WARNING with ``--quiet``), or None for the default."""
    given = click.get_current_context().find_root().meta.get("ainews.log_level")
    return str(given).upper() if given else ("WARNING" if quiet() else None)


def archive_path() -> str:
    """The archive the command works on: ``--archive``, else $AINEWS_ARCHIVE, else the
    default."""
    given = click.get_current_context().find_root().meta.get("ainews.archive")
    return str(given or os.environ.get("AINEWS_ARCHIVE") or DEFAULT_ARCHIVE)


def quiet() -> bool:
    """Whether ``--quiet`` was given."""
    return bool(click.get_current_context().find_root().meta.get("ainews.quiet"))


def program() -> str:
    """This command as a shell finds it when pasted anywhere: ``ainews`` when PATH leads to
    this very program, else its absolute path (``python -m ainews.cli`` run as a module)."""
    import shlex
    import shutil

    invoked = Path(sys.argv[0])
    if invoked.suffix == ".py" or invoked.name == "__main__.py":
        return shlex.join([sys.executable, "-m", "ainews.cli"])
    found = shutil.which(invoked.name)
    if found and invoked.exists() and Path(found).resolve() == invoked.resolve():
        return invoked.name
    return shlex.quote(str(invoked.resolve()))


def say(text: str = "") -> None:
    """Print a line of a successful command's report (nothing with ``--quiet``)."""
    if not quiet():
        click.echo(text)


def warn(text: str) -> None:
    """Print ``ainews: TEXT`` on stderr, whatever ``--quiet`` says."""
    click.echo(f"ainews: {text}", err=True)


def existing_archive() -> Any:
    """The archive, which must exist (ArchiveError otherwise)."""
    from archive import open as open_archive

    return open_archive(archive_path())


def writable_archive() -> Any:
    """The archive, checked to be writable (it may not exist yet)."""
    from archive import Archive

    archive = Archive(archive_path())
    archive.check_writable()
    return archive


def read_lines(values: Sequence[str], what: str) -> list[str]:
    """``values``, or the lines of stdin when they are ``-`` or none (blank lines skipped)."""
    given = list(values)
    if not given or given == ["-"]:
        if sys.stdin.isatty() and not given:
            raise CliError(f"no {what} given (as arguments, or one per line on stdin with -)")
        given = [line.strip() for line in sys.stdin if line.strip()]
    if not given:
        raise CliError(f"no {what} given (as arguments or one per line on stdin)")
    return given


# ---- values --------------------------------------------------------------------------------

def timestamp(value: datetime) -> str:
    """The one way commands print a time: ISO 8601 with its offset, to the second."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat(timespec="seconds")


def jsonable(value: Any) -> Any:
    """``value`` as JSON can hold it: times in ISO 8601, bytes in base64, no NaN."""
    if isinstance(value, datetime):
        return value.isoformat() if value.tzinfo else value.replace(tzinfo=UTC).isoformat()
    if isinstance(value, date | dt_time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if type(value).__name__ == "MonthDayNano":  # a DuckDB INTERVAL, as ISO 8601
        months, days, nanos = value
        return f"P{months}M{days}DT{nanos / 1e9:g}S"
    if isinstance(value, float) and not math.isfinite(value):
        return None  # JSON has no Infinity or NaN
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: jsonable(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def print_json(value: Any, *, indent: int | None = None) -> None:
    """One JSON document on stdout (Chinese as is, not escaped)."""
    click.echo(json.dumps(jsonable(value), ensure_ascii=False, indent=indent))


def cell(value: Any) -> str:
    """A value as one table or CSV cell."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, datetime):
        return timestamp(value)
    return str(value).replace("\n", " ")


def as_of(value: str | None) -> int | datetime | None:
    """``--as-of``: a table version number or an ISO timestamp."""
    if value is None:
        return None
    if value.isdigit():
        return int(value)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise CliError(f"--as-of needs a version number or an ISO timestamp, got {value!r}"
                       ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def day(value: str | None, option: str) -> date | None:
    """A ``YYYY-MM-DD`` option's day."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CliError(f"{option} needs a date (YYYY-MM-DD), got {value!r}") from None


# ---- tables --------------------------------------------------------------------------------

def _clip(text: str, width: int) -> str:
    from wcwidth import wcswidth

    if wcswidth(text) <= width:
        return text
    kept = ""
    for char in text:
        if wcswidth(kept + char + "…") > width:
            break
        kept += char
    return kept + "…"


def table(columns: Sequence[str], rows: Sequence[Sequence[Any]], width: int = 60) -> str:
    """Rows as an aligned text table; tabulate measures CJK width (two columns a character)
    through wcwidth, so Chinese titles line up."""
    from tabulate import tabulate

    cells = [[_clip(cell(value), width) for value in row] for row in rows]
    return str(tabulate(cells, headers=list(columns), tablefmt="simple", disable_numparse=True))


def print_rows(columns: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str,
               width: int = 60) -> None:
    """Rows as a table, CSV (seconds kept) or JSON Lines."""
    if fmt == "json":
        for row in rows:
            print_json(dict(zip(columns, row, strict=True)))
    elif fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(columns)
        writer.writerows([[cell(value) for value in row] for row in rows])
        click.echo(out.getvalue(), nl=False)
    else:
        click.echo(table(columns, rows, width))


def json_option(function: F) -> F:
    """``--json``: machine-readable output instead of a table."""
    return click.option("--json", "as_json", is_flag=True,
                        help="JSON instead of a table")(function)


def path_exists(value: str) -> Path:
    """``value`` as a path to an existing file, else a one-line CliError."""
    path = Path(value)
    if not path.is_file():
        raise CliError(f"no such file: {value}")
    return path
