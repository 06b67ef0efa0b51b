"""Commands that read: sites, schema, query, stats, runs, health, report, export."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ainews.cli.common import (
    CliError,
    archive_path,
    as_of,
    common_options,
    day,
    existing_archive,
    json_option,
    print_json,
    print_rows,
    say,
    table,
    warn,
)


@click.command()
@json_option
@common_options
def sites(as_json: bool) -> int:
    """List the site profiles."""
    from crawler.sites import PROFILES

    rows = [[p.name, p.title, ", ".join(p.domains), p.timezone, p.schedule,
             "yes" if p.verified_offline else "no"] for p in PROFILES.values()]
    columns = ["site", "title", "domains", "timezone", "schedule", "verified_offline"]
    print_rows(columns, rows, "json" if as_json else "table")
    return 0


@click.command()
@click.argument("table_name", required=False, metavar="[TABLE]",
                type=click.Choice(["articles", "pages", "crawl_runs"]))
@json_option
@common_options
def schema(table_name: str | None, as_json: bool) -> int:
    """Describe every column of the archive: table, name, type, meaning, example."""
    from archive.columns import columns

    rows = [[c.table, c.name, c.type, c.meaning, c.example] for c in columns(table_name)]
    print_rows(["table", "column", "type", "meaning", "example"], rows,
               "json" if as_json else "table", width=70)
    return 0


@click.command()
@click.argument("sql")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True, help="json: one object per row and line")
@click.option("--as-of", "when", metavar="VERSION|TIME", help="table version or ISO timestamp")
@common_options
def query(sql: str, fmt: str, when: str | None) -> int:
    """Run DuckDB SQL over the articles, article_versions, stories, pages and crawl_runs views."""
    result = existing_archive().sql(sql, as_of=as_of(when), sandbox=True)
    rows = result.to_pylist()
    print_rows(result.column_names, [[row[c] for c in result.column_names] for row in rows],
               fmt)
    return 0


@click.command()
@click.argument("words", nargs=-1, required=True, metavar="QUERY...")
@click.option("--site", help="only this site's articles")
@click.option("--since", metavar="DATE", help="only articles published on or after this day")
@click.option("--until", metavar="DATE", help="only articles published before this day")
@click.option("--author", help="only articles whose authors include this text")
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True,
              help="results to show")
@click.option("--all", "expand", is_flag=True,
              help="list every outlet of a reprinted story, not only the best-ranked one")
@json_option
@common_options
def search(words: tuple[str, ...], site: str | None, since: str | None, until: str | None,
           author: str | None, limit: int, expand: bool, as_json: bool) -> int:
    """Ranked full-text search of the articles (Chinese by words; "a phrase" in quotes)."""
    from datetime import UTC, datetime

    def moment(value: str | None, option: str) -> datetime | None:
        found = day(value, option)
        return None if found is None else datetime(found.year, found.month, found.day,
                                                    tzinfo=UTC)

    hits = existing_archive().search(
        " ".join(words), site=site, since=moment(since, "--since"),
        until=moment(until, "--until"), author=author, limit=limit, expand=expand)
    if as_json:
        for hit in hits:
            print_json(hit.to_dict())
        return 0
    if not hits:
        say("no article matches")
    for number, hit in enumerate(hits, 1):
        outlets = f"  ({hit.outlets} outlets)" if hit.outlets > 1 else ""
        say(f"{number}. {(hit.published_at or '')[:10]}  {hit.site or ''}  "
            f"{click.style(hit.title, bold=True)}{outlets}")
        people = ", ".join(hit.authors)
        say(f"   {people + '  ' if people else ''}{hit.url}")
        say("   " + hit.snippet.replace("\x02", "\x1b[1m").replace("\x03", "\x1b[0m")
            if sys.stdout.isatty() else
            "   " + hit.snippet.replace("\x02", "[").replace("\x03", "]"))
        for other in hit.others:
            say(f"   also: {other}")
    return 0


@click.command()
@click.option("--list", "list_tools", is_flag=True, help="print the tools' names and exit")
@click.option("--http", "address", metavar="HOST:PORT",
              help="serve streamable HTTP at http://HOST:PORT/mcp instead of stdio; clients "
                   "must send the bearer token in $AINEWS_MCP_TOKEN")
@common_options
def mcp(list_tools: bool, address: str | None) -> int:
    """Serve the archive to assistants over the Model Context Protocol (read-only)."""
    import os

    from ainews.mcp_server import TOKEN_VARIABLE, serve_http, serve_stdio, tool_names

    root = existing_archive().root
    if list_tools:
        for name in tool_names(str(root)):
            say(name)
        return 0
    if address is None:
        serve_stdio(str(root))
        return 0
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise CliError(f"--http needs HOST:PORT (127.0.0.1:8765), got {address!r}")
    token = os.environ.get(TOKEN_VARIABLE, "")
    if len(token) < 16:
        raise CliError(f"--http needs a bearer token of 16 characters or more in "
                       f"${TOKEN_VARIABLE} (clients send it as `Authorization: Bearer …`)")
    warn(f"serving {root} at http://{address}/mcp (bearer token from ${TOKEN_VARIABLE})")
    serve_http(str(root), host.strip("[]"), int(port), token)
    return 0


def print_summary(archive: Any) -> None:
    """The archive's counts per site and category, per month and its newest titles."""
    stats = archive.stats()
    click.echo(f"Archive {archive.root}: {stats['total']} articles ({stats['versions']} "
               f"versions), {stats['stories']} stories, {stats['duplicate_share']:.1%} "
               "duplicates\n")
    click.echo(table(["site", "category", "articles"],
                     [[s, c or "-", n] for s, c, n in stats["per_site_category"]]))
    click.echo("\nPer month (published):")
    click.echo(table(["month", "articles"], [[m or "-", n] for m, n in stats["per_month"][:12]]))
    click.echo("\nNewest:")
    click.echo(table(["site", "published", "title"],
                     [[s, p, t or ""] for s, p, t in stats["newest"]]))


@click.command()
@json_option
@common_options
def stats(as_json: bool) -> int:
    """Summarize the archive: articles per site, category and month, the newest."""
    archive = existing_archive()
    if as_json:
        figures = archive.stats()
        print_json({
            "archive": str(archive.root), "total": figures["total"],
            "versions": figures["versions"], "stories": figures["stories"],
            "duplicate_share": figures["duplicate_share"],
            "per_site_category": [{"site": s, "category": c, "articles": n}
                                  for s, c, n in figures["per_site_category"]],
            "per_month": [{"month": m, "articles": n} for m, n in figures["per_month"]],
            "newest": [{"site": s, "published_at": p, "title": t}
                       for s, p, t in figures["newest"]],
        })
    else:
        print_summary(archive)
    return 0


@click.command()
@click.option("--limit", type=click.IntRange(min=0), default=20, show_default=True)
@json_option
@common_options
def runs(limit: int, as_json: bool) -> int:
    """List the crawl runs, newest first."""
    result = existing_archive().sql(
        "SELECT crawl_run_id, spider, started_at, finished_at, finish_reason, pages_fetched, "
        "articles_added AS added, articles_updated AS updated, articles_dropped AS dropped, "
        f"errors FROM crawl_runs ORDER BY started_at DESC LIMIT {int(limit)}")
    print_rows(result.column_names, [list(row.values()) for row in result.to_pylist()],
               "json" if as_json else "table")
    return 0


@click.command()
@json_option
@common_options
def health(as_json: bool) -> int:
    """Per site: the last run's missing-field shares against its history; exit 1 on drift."""
    from archive.health import SHARES, check

    report = check(existing_archive())
    if as_json:
        for site in report:
            print_json({"site": site.site, "runs": site.runs, "ok": site.ok,
                        "problems": site.problems, "latest": site.latest,
                        "baseline": site.baseline})
    else:
        rows = []
        for site in report:
            figures = " ".join(f"{s}={site.latest[s] or 0:.0%}" for s in SHARES)
            rows.append([site.site, site.runs, site.latest["articles"], figures,
                         "OK" if site.ok else "; ".join(site.problems)])
        click.echo(table(["site", "runs", "last run articles", "last run shares", "status"],
                         rows, width=90))
    for site in report:
        for problem in site.problems:
            warn(f"health: {site.site}: {problem}")
    return 0 if all(site.ok for site in report) else 1


def report_target(given: str | None) -> Path:
    """Where a report goes by default: ``report.html`` beside a local archive, else here."""
    if given:
        return Path(given)
    from archive.location import is_remote

    root = archive_path()
    return Path("report.html") if is_remote(root) else Path(root).resolve().parent / "report.html"


@click.command()
@click.option("--out", metavar="FILE|-",
              help="the HTML file (default: report.html beside the archive; - for stdout)")
@click.option("--since", metavar="DATE", help="only articles published on or after this day")
@click.option("--site", metavar="SITE", help="only this site's articles and runs")
@common_options
def report(out: str | None, since: str | None, site: str | None) -> int:
    """Write one self-contained HTML report of the archive (charts need no network)."""
    from report import Scope, report_html, write_report

    scope = Scope(since=day(since, "--since"), site=site)
    archive = existing_archive()
    if out == "-":
        sys.stdout.write(report_html(archive, scope))
        return 0
    target = report_target(out)
    if target.is_dir():
        raise CliError(f"--out {target} is a folder: give the report's file name")
    try:
        written = write_report(archive, target, scope)
    except OSError as exc:
        raise CliError(f"cannot write the report to {target}: {exc.strerror or exc}") from None
    say(f"report written to {written}")
    return 0


@click.command()
@click.option("--format", "fmt", type=click.Choice(["parquet", "jsonl", "csv", "warc"]),
              default="parquet", show_default=True,
              help="warc: the stored raw responses (gzipped WARC)")
@click.option("--out", required=True, metavar="FILE|-", help="the file (- for stdout)")
@click.option("--where", metavar="SQL", help="SQL condition on the view")
@click.option("--view", type=click.Choice(["articles", "article_versions", "stories"]),
              default="articles", show_default=True)
@click.option("--as-of", "when", metavar="VERSION|TIME", help="table version or ISO timestamp")
@common_options
def export(fmt: str, out: str, where: str | None, view: str, when: str | None) -> int:
    """Export the latest articles as one plain Parquet, JSON Lines, CSV or WARC file."""
    import shutil
    import tempfile

    from archive.export import export as export_rows

    archive = existing_archive()
    if out != "-":
        count = export_rows(archive, out, fmt=fmt, where=where, view=view, as_of=as_of(when))
        say(f"exported {count} {'pages' if fmt == 'warc' else 'rows'} to {out}")
        return 0
    # Standard output: the same atomic export to a scratch file, then its bytes.
    with tempfile.TemporaryDirectory(prefix="ainews-export-") as scratch:
        path = Path(scratch) / f"out.{fmt}"
        count = export_rows(archive, str(path), fmt=fmt, where=where, view=view,
                            as_of=as_of(when))
        with path.open("rb") as stream:
            shutil.copyfileobj(stream, sys.stdout.buffer)
        sys.stdout.buffer.flush()
    return 0


COMMANDS = (sites, schema, query, search, stats, runs, health, report, export, mcp)
"""This module's commands, in help order."""

