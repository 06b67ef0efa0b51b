"""Commands that read pages: extract or classify a saved page, import WARC/ARC, re-extract."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import click

from ainews.cli.common import (
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

if TYPE_CHECKING:
    from crawler.discovery.classify import PageVerdict


@click.command()
@click.argument("file", metavar="FILE|-")
@click.option("--url", help="the page's URL")
@click.option("--explain", is_flag=True,
              help="show the page-type verdict, then every field's candidates, scores and why "
                   "the winner won")
@click.option("--site", help="apply this site profile's field overrides")
@click.option("--fetched-at", metavar="TIME",
              help="when the page was fetched (ISO 8601 with offset); relative dates count "
                   "back from it (default: now)")
@common_options
def extract(file: str, url: str | None, explain: bool, site: str | None,
            fetched_at: str | None) -> int:
    """Extract one saved HTML file (- for stdin), offline, and print the article as JSON."""
    from extractor import explain as explain_fields
    from extractor import extract_article
    from pipelines.route import article_of, article_row, options_for, page_for

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
    if site:
        from crawler.sites import get_profile

        get_profile(site)  # an unknown name is an error here, not a site of its own
    # The fetch time of a saved file is unknown unless given: now is its latest possible value.
    when = datetime.now(UTC)
    if fetched_at:
        try:
            when = datetime.fromisoformat(fetched_at)
        except ValueError:
            raise CliError(f"--fetched-at: not an ISO 8601 time: {fetched_at!r}") from None
        if when.tzinfo is None:
            raise CliError("--fetched-at needs a UTC offset (2024-11-08T10:00:00+08:00)")
    # A saved file answered no request: its status is unknown.
    page = page_for(url or "", data, when, site=site, http_status=None)
    extracted = extract_article(data, url, options_for(page, explain=explain))
    if extracted is None:
        warn(f"{file} holds no article")
        return 1
    if explain:
        from crawler.discovery.classify import classify_page
        from extractor.decoding import decode_html

        # What a discovery crawl would make of the page, before the fields.
        sys.stdout.write(f"page: {classify_page(decode_html(data)[0], url).reason}\n")
        sys.stdout.write(explain_fields(extracted))
        return 0
    if not url and extracted.canonical_url:
        page.url = extracted.canonical_url
    print_json(article_row(article_of(extracted, page, keep_page=False)), indent=2)
    return 0


@click.command("import-warc")
@click.argument("files", nargs=-1, metavar="FILE...|-")
@click.option("--site", help="site name of the rows (default: each page's site)")
@click.option("--timezone", metavar="ZONE",
              help="IANA zone of the pages' dates (default: by language)")
@common_options
def import_warc(files: tuple[str, ...], site: str | None, timezone: str | None) -> int:
    """Extract the HTML responses of WARC/ARC files (- : paths on stdin) into the archive."""
    from archive.warc import WarcReading
    from pipelines.warc_import import import_warc as import_files

    names = read_lines(files, "WARC files")
    for name in names:
        path_exists(name)
    readings: dict[str, WarcReading] = {}
    read, result = import_files(writable_archive(), names, site=site, timezone=timezone,
                                readings=readings)
    say(f"import-warc: {read} HTML responses read, {result.added} new articles, "
        f"{result.updated} new versions, {result.unchanged} unchanged")
    damaged = {name: reading for name, reading in readings.items() if not reading.intact}
    for name, reading in damaged.items():
        warn(f"{name}: {reading.problems()}; its intact records were imported")
    return 1 if damaged else 0


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


@click.command()
@click.argument("targets", nargs=-1, required=True, metavar="FILE|URL...")
@click.option("--url", help="the address of a saved FILE (a hint the classifier weighs)")
@click.option("--json", "as_json", is_flag=True, help="one JSON object per page and line")
@click.option("--explain", is_flag=True, help="every feature's value and weight, not only "
              "the strongest")
@click.option("--allow-private", is_flag=True,
              help="follow redirects into loopback, private and link-local addresses")
@common_options
def classify(targets: tuple[str, ...], url: str | None, as_json: bool, explain: bool,
             allow_private: bool) -> int:
    """Say whether each page is an article, its likeliest type and why.

    FILE is a saved page (- for stdin); URL is fetched (robots.txt obeyed, nothing archived).
    Exit 1 when a URL could not be fetched.
    """
    from crawler.discovery.classify import classify_features
    from crawler.discovery.page_features import page_features
    from extractor.decoding import decode_html

    pages: list[tuple[str, str, str | None]] = []  # (what the user named, html, url)
    urls = [t for t in targets if t.startswith(("http://", "https://"))]
    files = [t for t in targets if t not in urls]
    if url and len(files) != 1:
        raise CliError("--url names the address of one saved FILE")
    if url:
        from crawler.spiders.fetch import validate_url

        url = validate_url(url)
    for file in files:
        try:
            data = sys.stdin.buffer.read() if file == "-" else path_exists(file).read_bytes()
        except OSError as exc:
            raise CliError(f"cannot read {file}: {exc.strerror or exc}") from None
        pages.append((file, decode_html(data)[0], url))
    failed = _fetch_pages(urls, allow_private, pages) if urls else 0
    for named, html, address in pages:
        features = page_features(html, address)
        verdict = classify_features(features)
        weights = _all_weights(features) if explain else []
        if as_json:
            print_json(_verdict_json(named, address, verdict, weights))
            continue
        say(f"{named}: {verdict.reason}")
        for name, value, weight in weights:
            say(f"  {weight:+7.3f}  {name} = {'?' if value is None else value}")
    return 1 if failed else 0


def _fetch_pages(urls: list[str], allow_private: bool,
                 pages: list[tuple[str, str, str | None]]) -> int:
    """Fetch ``urls`` politely into ``pages``; how many gave no page (each said on stderr)."""
    from ainews.cli.crawling import crawl_settings, one_off_settings
    from ainews.runner import run_crawl
    from crawler.items import Page
    from crawler.spiders.fetch import validate_url
    from crawler.stat_keys import fetch_failure, fetch_redirected
    from extractor.decoding import decode_html

    checked = [validate_url(u) for u in urls]
    settings = {**one_off_settings(checked), **crawl_settings((), allow_private)}
    settings.update({"ARCHIVE_ENABLED": False, "ITEM_PIPELINES": {}, "LOG_LEVEL": "CRITICAL"})
    stats, items = run_crawl("fetch", settings=settings, spider_kwargs={"urls": checked},
                             collect_items=True)
    fetched = {item.url: item for item in items if isinstance(item, Page)}
    failed = 0
    for address in checked:
        final = stats.get(fetch_redirected(address), address)
        page = fetched.get(final)
        if page is None:
            warn(f"{address}: {stats.get(fetch_failure(address)) or 'not fetched'}")
            failed += 1
        else:
            pages.append((address, decode_html(page.body, page.encoding)[0], page.url))
    return failed


def _verdict_json(named: str, url: str | None, verdict: PageVerdict,
                  weights: list[tuple[str, float | int | None, float]]) -> dict[str, Any]:
    """A verdict as the JSON object ``--json`` prints (``weights``: with ``--explain``)."""
    return {
        "page": named, "url": url, "is_article": verdict.is_article,
        "probability": round(verdict.probability, 4), "page_type": verdict.page_type,
        "type_probability": round(verdict.type_probability, 4), "rule": verdict.rule,
        "reasons": [{"feature": name, "value": _plain(value), "weight": round(weight, 4)}
                    for name, value, weight in verdict.reasons],
        **({"features": [{"feature": name, "value": value, "weight": round(weight, 4)}
                         for name, value, weight in weights]} if weights else {}),
    }


def _all_weights(features: dict[str, float]) -> list[tuple[str, float | int | None, float]]:
    """Every feature with its value and weight (its pull on the article log-odds), strongest
    first."""
    from crawler.discovery.page_model import committed_model

    model = committed_model()
    weights = model.article.contributions([features[n] for n in model.features])
    return sorted(((name, _plain(features[name]), weights.get(name, 0.0))
                   for name in model.features), key=lambda item: -abs(item[2]))


def _plain(value: float) -> float | int | None:
    """A feature value for print and JSON: None when unknown, int when whole."""
    if value != value:  # NaN: the page's address was not given
        return None
    return int(value) if value == int(value) else round(value, 4)


COMMANDS = (extract, classify, import_warc, reextract)
"""This module's commands, in help order."""
