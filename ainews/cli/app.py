"""The ``ainews`` group and its entry point: exit codes and one-line errors for every command."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from ainews.cli import analysing, crawling, extracting, inspecting, maintaining, scheduling
from ainews.cli.common import common_options


class _Group(click.Group):
    """Commands listed in the order they were added, not alphabetically."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Command names in the order of the modules' COMMANDS."""
        return list(self.commands)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"],
                                           "max_content_width": 100})
@click.version_option(package_name="ainews", prog_name="ainews")
@common_options
def ainews() -> None:
    """Crawl Chinese AI-news sites, clean their articles and keep them in a Delta Lake archive.

    Exit codes: 0 done; 1 ran but did not do its job (a crawl stopped early or fetched
    nothing, a check found problems); 2 bad input; 130 interrupted.
    """


for _module in (analysing, crawling, extracting, inspecting, maintaining, scheduling):
    for _command in _module.COMMANDS:
        ainews.add_command(_command)


# The libraries' errors that mean bad input, by module: a command that never loaded a module
# cannot have raised its error, so none is imported here (Redis and Scrapy alone cost ~0.4 s).
USER_ERRORS = (("archive.errors", "ArchiveError"), ("ainews.workers", "DistributedError"),
               ("crawler.sites", "UnknownSiteError"))


def is_user_error(exc: BaseException) -> bool:
    """Whether ``exc`` reports bad input (a one-line error), not a bug (a traceback)."""
    if isinstance(exc, ValueError):
        return True
    return any(isinstance(exc, getattr(sys.modules[module], name))
               for module, name in USER_ERRORS if module in sys.modules)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``ainews``; user errors are one line on stderr and exit code 2."""
    try:
        result = ainews.main(args=list(argv) if argv is not None else None, prog_name="ainews",
                             standalone_mode=False)
    except click.exceptions.Exit as exc:  # --help, --version
        return int(exc.exit_code)
    except click.UsageError as exc:
        where = f"ainews {exc.ctx.command_path.removeprefix('ainews').strip()}".strip() \
            if exc.ctx else "ainews"
        _error(f"{exc.format_message()} (see `{where} --help`)")
        return 2
    except click.ClickException as exc:
        _error(exc.format_message())
        return 2
    except Exception as exc:
        if not is_user_error(exc):
            raise
        _error(str(exc))
        return 2
    except (KeyboardInterrupt, click.Abort):
        click.echo("ainews: interrupted", err=True)
        return 130
    except BrokenPipeError:
        return 0
    return int(result or 0)


def _error(message: str) -> None:
    # Library messages can carry backtraces on later lines: the first line names the problem.
    lines = message.strip().splitlines() or ["error"]
    click.echo(f"ainews: error: {lines[0]}", err=True)


if __name__ == "__main__":
    sys.exit(main())
