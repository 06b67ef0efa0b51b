"""Commands that extract offline: extract a saved file, import WARC/ARC, re-extract pages."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import click

from crawler.cli.common import (
    CliError,
    as_of,
    common_options,
    existing_archive,
    path_exists,
    print_json,
    read_lines,
    say,
    warn,
    writable_archive,
)


@click.command()
@click.argument("file", metavar="FILE|-")
@click.option("--url", help="the page's URL")
@click.option("--explain", is_flag=True,
              help="show every field's candidates, scores and why the winner won")
@click.option("--site", help="apply this site profile's field overrides")
@click.option("--fetched-at", metavar="TIME",
              help="when the page was fetched (ISO 8601 with offset); relative dates count "
                   "back from it (default: now)")
@common_options
def extract(file: str, url: str | None, explain: bool, site: str | None,
            fetched_at: str | None) -> int:
    """Extract one saved HTML file (- for stdin), offline, and print the article as JSON."""
    from crawler.items import Article
    from extractor import ExtractOptions, extract_article
    from extractor import explain as explain_fields
    from pipelines.archiving import article_row

    if file == "-":
        data = sys.stdin.buffer.read()
    else:
        try:
            data = path_exists(file).read_bytes()
        except OSError as exc:
            raise CliError(f"cannot read {file}: {exc.strerror or exc}") from None
    if url:
        from crawler.spiders.fetch import validate_url

        url = validate_url(url)
    overrides = {}
    if site:
        from crawler.sites import get_profile

        overrides = get_profile(site).overrides
    # The fetch time of a saved file is unknown unless given: now is its latest possible value.
    when = datetime.now(UTC)
    if fetched_at:
        try:
            when = datetime.fromisoformat(fetched_at)
        except ValueError:
            raise CliError(f"--fetched-at: not an ISO 8601 time: {fetched_at!r}") from None
        if when.tzinfo is None:
            raise CliError("--fetched-at needs a UTC offset (2024-11-08T10:00:00+08:00)")
    extracted = extract_article(data, url, ExtractOptions(
        fetched_at=when, explain=explain, overrides=overrides))
    if extracted is None:
        warn(f"{file} holds no article")
        return 1
    if explain:
        sys.stdout.write(explain_fields(extracted))
        return 0
    article = Article.from_extracted(extracted, url=url or extracted.canonical_url or "",
                                     fetched_at=when)
    print_json(article_row(article), indent=2)
    return 0


@click.command("import-warc")
@click.argument("files", nargs=-1, metavar="FILE...|-")
@click.option("--site", help="site name of the rows (default: each page's site)")
@click.option("--timezone", metavar="ZONE",
              help="IANA zone of the pages' dates (default: by language)")
@common_options
def import_warc(files: tuple[str, ...], site: str | None, timezone: str | None) -> int:
    """Extract the HTML responses of WARC/ARC files (- : paths on stdin) into the archive."""
    from pipelines.warc_import import import_warc as import_files

    names = read_lines(files, "WARC files")
    for name in names:
        path_exists(name)
    read, result = import_files(writable_archive(), names, site=site, timezone=timezone)
    say(f"import-warc: {read} HTML responses read, {result.added} new articles, "
        f"{result.updated} new versions, {result.unchanged} unchanged")
    return 0


@click.command()
@click.option("--site", help="only this site's pages")
@click.option("--since", metavar="TIME", help="only pages fetched since (ISO date or time)")
@common_options
def reextract(site: str | None, since: str | None) -> int:
    """Re-run the extractor over stored pages, offline; changed results become new versions."""
    from pipelines.reextract import reextract as reextract_pages

    start = as_of(since) if since else None
    if isinstance(start, int):
        raise CliError("--since needs a date")
    archive = existing_archive()
    if site and not archive.sql("SELECT 1 FROM pages WHERE site = $site LIMIT 1",
                                params={"site": site}).num_rows:
        raise CliError(f"no stored pages of site {site!r} in {archive.root}")
    result = reextract_pages(archive, site=site, since=start)
    say(f"reextract: {result.updated} new versions, {result.unchanged} unchanged, "
        f"{result.added} new articles")
    return 0


COMMANDS = (extract, import_warc, reextract)
"""This module's commands, in help order."""
