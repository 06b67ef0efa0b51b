"""Scheduled crawls on existing engines: crontab lines and systemd timer units, never a daemon.

Every entry runs ``ainews crawl SITE`` under ``flock -n``: a run still going when the next one
is due makes the new one exit at once instead of overlapping.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable

from crawler.sites import SiteProfile

_SYSTEMD_DAYS = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat")


def _command(profile: SiteProfile, ainews: str, archive: str, lock_dir: str,
             redis: str | None = None) -> str:
    lock = f"{lock_dir.rstrip('/')}/ainews-{profile.name}.lock"
    # With a frontier, the scheduled run only seeds it: the workers crawl.
    seeding = f" --redis {shlex.quote(redis)}" if redis else ""
    return (f"flock -n {shlex.quote(lock)} {shlex.quote(ainews)} --archive "
            f"{shlex.quote(archive)} --quiet crawl {shlex.quote(profile.name)}{seeding}")


def crontab(profiles: Iterable[SiteProfile], *, ainews: str, archive: str,
            lock_dir: str = "/tmp", redis: str | None = None, user: str | None = None) -> str:
    """Crontab lines, one per site (with ``redis``: lines that seed the shared frontier).

    With ``user``: ``/etc/cron.d`` lines, whose sixth field names the user to run as. Each
    line follows a ``CRON_TZ=`` line for its site's zone (cronie and systemd-cron honour it;
    a cron that does not runs the line in the machine's zone).
    """
    kind = f"/etc/cron.d (as {user})" if user else "`crontab -e`"
    lines = [f"# ainews scheduled crawls, for {kind}"]
    for profile in profiles:
        who = f"{user} " if user else ""
        lines.append(f"CRON_TZ={profile.timezone}")
        lines.append(f"{profile.schedule} {who}"
                     f"{_command(profile, ainews, archive, lock_dir, redis)}")
    return "\n".join(lines) + "\n"


def on_calendar(cron: str, timezone: str | None = None) -> str:
    """systemd ``OnCalendar=`` for a five-field cron expression (lists, ranges, steps, *),
    in ``timezone`` when given (systemd reads a trailing IANA zone)."""
    fields = cron.split()
    if len(fields) != 5:
        raise ValueError(f"not a five-field cron expression: {cron!r}")
    minute, hour, day, month = (_systemd_field(f) for f in fields[:4])
    days = "" if fields[4] == "*" else _weekdays(fields[4]) + " "
    zone = f" {timezone}" if timezone else ""
    return f"{days}*-{month}-{day} {hour}:{minute}:00{zone}"


def _weekdays(field: str) -> str:
    """A cron weekday field (``1-5``, ``0,6``, ``*/2``, ``7`` for Sunday) as systemd days."""
    days: list[int] = []
    for part in field.split(","):
        span, _, step = part.partition("/")
        if span == "*":
            first, last = 0, 6
        elif "-" in span:
            low, high = span.split("-", 1)
            first, last = int(low), int(high)
        else:
            first = last = int(span)
        if not (0 <= first <= 7 and 0 <= last <= 7 and first <= last):
            raise ValueError(f"not a cron weekday field: {field!r}")
        days += range(first, last + 1, int(step) if step else 1)
    unique = sorted({d % 7 for d in days}, key=lambda d: (d + 6) % 7)  # Monday first
    return ",".join(_SYSTEMD_DAYS[d] for d in unique)


def _systemd_field(field: str) -> str:
    if field.startswith("*/"):
        return f"00/{field[2:]}"
    return field.replace("-", "..")


def systemd_units(profiles: Iterable[SiteProfile], *, ainews: str, archive: str,
                  lock_dir: str = "/tmp", redis: str | None = None) -> dict[str, str]:
    """``ainews-SITE.service`` and ``ainews-SITE.timer`` contents by file name."""
    units: dict[str, str] = {}
    for profile in profiles:
        name = f"ainews-{profile.name}"
        units[f"{name}.service"] = (
            "[Unit]\n"
            f"Description=ainews crawl of {profile.title}\n\n"
            "[Service]\n"
            "Type=oneshot\n"
            f"ExecStart={_command(profile, ainews, archive, lock_dir, redis)}\n"
        )
        units[f"{name}.timer"] = (
            "[Unit]\n"
            f"Description=Scheduled ainews crawl of {profile.title}\n\n"
            "[Timer]\n"
            f"OnCalendar={on_calendar(profile.schedule, profile.timezone)}\n"
            "Persistent=true\n\n"
            "[Install]\n"
            "WantedBy=timers.target\n"
        )
    return units


def worker_unit(*, ainews: str, archive: str, redis: str) -> dict[str, str]:
    """A systemd template unit for workers: ``ainews-worker@SITE.service`` runs one site's
    worker for ever, restarted when it dies; stopping it (SIGTERM) returns what it holds."""
    command = (f"{shlex.quote(ainews)} --archive {shlex.quote(archive)} --quiet worker "
               f"--redis {shlex.quote(redis)} %i")
    return {"ainews-worker@.service": (
        "[Unit]\n"
        "Description=ainews crawl worker of %i\n"
        "After=network-online.target\n"
        "Wants=network-online.target\n\n"
        "[Service]\n"
        "Type=simple\n"
        f"ExecStart={command}\n"
        "Restart=always\n"
        "RestartSec=10\n"
        "KillSignal=SIGTERM\n"
        # The last batch's commit, then the held requests go back to Redis.
        "TimeoutStopSec=120\n\n"
        "[Install]\n"
        "WantedBy=multi-user.target\n"
    )}
