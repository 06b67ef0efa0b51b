"""Commands for running unattended: schedule export (cron, systemd) and shell completion."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ainews.cli.common import CliError, archive_path, common_options


@click.group()
@common_options
def schedule() -> None:
    """Scheduled crawls on cron or systemd (never a daemon of our own)."""


@schedule.command("export")
@click.argument("sites", nargs=-1, metavar="[SITE]...")
@click.option("--cron", "kind", flag_value="cron", default=True,
              help="crontab lines (the default)")
@click.option("--systemd", "kind", flag_value="systemd", help="service and timer units")
@click.option("--user", metavar="USER",
              help="with --cron: /etc/cron.d lines, which name the user to run as")
@click.option("--ainews", "command", metavar="PATH", help="path of the ainews command to run")
@click.option("--redis", metavar="URL", help="scheduled runs seed this Redis frontier")
@click.option("--worker", is_flag=True,
              help="with --systemd: the worker template unit (ainews-worker@SITE.service)")
@common_options
def export_schedule(sites: tuple[str, ...], kind: str, user: str | None, command: str | None,
                    redis: str | None, worker: bool) -> int:
    """Print ready-to-install entries for every real site profile (or the named ones), each at
    the site's schedule in the site's own time zone."""
    from ainews.schedule import crontab, systemd_units, worker_unit
    from archive.location import Location
    from crawler.sites import PROFILES, get_profile

    profiles = [get_profile(name) for name in sites] if sites else [
        p for p in PROFILES.values() if not p.name.startswith("demo-")]
    ainews = command or str(Path(sys.argv[0]).resolve())
    archive = str(Location(archive_path()))
    if worker:
        if kind != "systemd" or not redis:
            raise CliError("--worker needs --systemd and --redis URL")
        units = worker_unit(ainews=ainews, archive=archive, redis=redis)
    elif kind == "systemd":
        if user:
            raise CliError("--user is for /etc/cron.d lines; a systemd unit takes User=")
        units = systemd_units(profiles, ainews=ainews, archive=archive, redis=redis)
    else:
        click.echo(crontab(profiles, ainews=ainews, archive=archive, redis=redis, user=user),
                   nl=False)
        return 0
    for name, text in units.items():
        click.echo(f"# --- {name}\n{text}")
    return 0


@click.command()
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell: str) -> int:
    """Print the shell completion script: `eval "$(ainews completion bash)"` in ~/.bashrc."""
    from click.shell_completion import get_completion_class

    from ainews.cli.app import ainews

    completer = get_completion_class(shell)
    if completer is None:  # pragma: no cover - the choice above lists only known shells
        raise CliError(f"no completion for {shell}")
    click.echo(completer(ainews, {}, "ainews", "_AINEWS_COMPLETE").source())
    return 0


COMMANDS = (schedule, completion)
"""This module's commands, in help order."""
