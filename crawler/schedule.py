"""Scheduled crawls on existing engines: crontab lines and systemd timer units, never a daemon.

Every entry runs ``ainews crawl SITE`` under ``flock -n``: a run still going when the next one
is due makes the new one exit at once instead of overlapping.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable

from crawler.sites import SiteProfile

_SYSTEMD_DAYS = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat")


def _command(profile: SiteProfile, ainews: str, archive: str, lock_dir: str) -> str:
    lock = f"{lock_dir.rstrip('/')}/ainews-{profile.name}.lock"
    return (f"flock -n {shlex.quote(lock)} {shlex.quote(ainews)} --archive "
            f"{shlex.quote(archive)} --quiet crawl {shlex.quote(profile.name)}")


def crontab(profiles: Iterable[SiteProfile], *, ainews: str, archive: str,
            lock_dir: str = "/tmp") -> str:
    """Crontab lines, one per site."""
    lines = ["# ainews scheduled crawls (install with `crontab -e` or /etc/cron.d)"]
    for profile in profiles:
        lines.append(f"{profile.schedule} {_command(profile, ainews, archive, lock_dir)}")
    return "\n".join(lines) + "\n"


def on_calendar(cron: str) -> str:
    """systemd ``OnCalendar=`` for a five-field cron expression (lists, ranges, steps, *)."""
    fields = cron.split()
    if len(fields) != 5:
        raise ValueError(f"not a five-field cron expression: {cron!r}")
    minute, hour, day, month, weekday = (_systemd_field(f) for f in fields)
    days = "" if weekday == "*" else ",".join(
        _SYSTEMD_DAYS[int(d) % 7] for d in weekday.split(",")) + " "
    return f"{days}*-{month}-{day} {hour}:{minute}:00"


def _systemd_field(field: str) -> str:
    if field.startswith("*/"):
        return f"00/{field[2:]}"
    return field.replace("-", "..")


def systemd_units(profiles: Iterable[SiteProfile], *, ainews: str, archive: str,
                  lock_dir: str = "/tmp") -> dict[str, str]:
    """``ainews-SITE.service`` and ``ainews-SITE.timer`` contents by file name."""
    units: dict[str, str] = {}
    for profile in profiles:
        name = f"ainews-{profile.name}"
        units[f"{name}.service"] = (
            "[Unit]\n"
            f"Description=ainews crawl of {profile.title}\n\n"
            "[Service]\n"
            "Type=oneshot\n"
            f"ExecStart={_command(profile, ainews, archive, lock_dir)}\n"
        )
        units[f"{name}.timer"] = (
            "[Unit]\n"
            f"Description=Scheduled ainews crawl of {profile.title}\n\n"
            "[Timer]\n"
            f"OnCalendar={on_calendar(profile.schedule)}\n"
            "Persistent=true\n\n"
            "[Install]\n"
            "WantedBy=timers.target\n"
        )
    return units
