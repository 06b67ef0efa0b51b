"""The ``ainews`` command line: crawl, fetch, extract, query and summarize the archive."""

from __future__ import annotations

import argparse
import base64
import csv
import dataclasses
import io
import json
import math
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from datetime import time as dt_time
from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn

DEFAULT_ARCHIVE = "data/archive"


class CliError(Exception):
    """A user error: printed as one line on stderr, exit code 2."""


def _archive_path(args: argparse.Namespace) -> str:
    return str(args.archive or os.environ.get("AINEWS_ARCHIVE") or DEFAULT_ARCHIVE)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date | dt_time):
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
        return {k: _jsonable(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _as_of(value: str | None) -> int | datetime | None:
    """``--as-of``: a table version number or an ISO timestamp."""
    if value is None:
        return None
    if value.isdigit():
        return int(value)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise CliError(f"--as-of needs a version number or an ISO timestamp, got {value!r}")\
            from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _crawl_settings(args: argparse.Namespace) -> dict[str, Any]:
    settings: dict[str, Any] = {"ARCHIVE_URI": _archive_path(args)}
    if args.quiet:
        settings["LOG_LEVEL"] = "WARNING"
    if getattr(args, "allow_private", False):
        settings["ALLOW_PRIVATE_ADDRESSES"] = True
    from crawler.setting_values import parse_setting

    for pair in getattr(args, "set", None) or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise CliError(f"--set needs KEY=VALUE, got {pair!r}")
        try:
            settings[key.strip()] = parse_setting(key.strip(), value)
        except ValueError as exc:
            raise CliError(str(exc)) from None
    return settings


# ---- commands --------------------------------------------------------------------------------

def cmd_sites(args: argparse.Namespace) -> int:
    """List the site profiles."""
    from crawler.sites import PROFILES

    for profile in PROFILES.values():
        checked = "" if profile.verified_offline else "  (URLs not verified offline)"
        print(f"{profile.name:<14} {profile.title}  {', '.join(profile.domains)}{checked}")
    return 0


def _crawl_target(args: argparse.Namespace) -> tuple[str, dict[str, Any], str, list[str]]:
    """(spider name, spider arguments, site name, start URLs) for a profile name or a URL."""
    from crawler.sites import get_profile, profile_for_url, site_name
    from crawler.spiders.fetch import validate_url

    if "://" in args.site:
        url = validate_url(args.site)
        found = profile_for_url(url)
        if found is not None and not args.discover:
            return found.name, {}, found.name, [
                *found.listing_urls, *found.feed_urls, *found.sitemap_urls]
        return "site", {"url": url}, site_name(url), [url]
    profile = get_profile(args.site)
    kwargs: dict[str, Any] = {}
    if args.base_url is not None:
        kwargs["base_url"] = validate_url(args.base_url)
        profile = profile.rebased(kwargs["base_url"])
    return profile.name, kwargs, profile.name, [
        *profile.listing_urls, *profile.feed_urls, *profile.sitemap_urls]


def _writer_keys(site: str, starts: Sequence[str]) -> list[str]:
    """What one crawl locks in the archive: the site's name and every origin it starts on, so
    a profile and a discovery crawl of the same host and port also exclude each other."""
    from crawler.addresses import origin

    keys = [f"site-{site}"]
    for found in filter(None, map(origin, starts)):
        keys.append(f"origin-{found[1].removeprefix('www.')}-{found[2]}")
    return keys


def _jobs_root(args: argparse.Namespace) -> Path:
    if args.jobs_dir:
        return Path(args.jobs_dir)
    if os.environ.get("AINEWS_JOBS"):
        return Path(os.environ["AINEWS_JOBS"])
    from archive.location import is_remote

    if is_remote(_archive_path(args)):
        # Job folders hold this machine's queue: local, whatever the archive is.
        return Path(DEFAULT_ARCHIVE).resolve().parent / "jobs"
    return Path(_archive_path(args)).resolve().parent / "jobs"


def cmd_crawl(args: argparse.Namespace) -> int:
    """Crawl one site (a profile name, or a start URL for a site without one) into the archive."""
    from archive import Archive

    spider, kwargs, site, starts = _crawl_target(args)
    settings = _crawl_settings(args)
    if args.redis:
        return _seed(args, (spider, kwargs, site, starts), settings)
    if spider == "site" and "CONCURRENT_REQUESTS" not in settings:
        # One site: no more requests in the downloader than the site may have in flight. The
        # rest wait in the scheduler, where discovery can still reorder or drop them as it
        # learns (the downloader's queue is beyond its reach).
        from crawler import settings as project

        settings["CONCURRENT_REQUESTS"] = settings.get(
            "CONCURRENT_REQUESTS_PER_DOMAIN", project.CONCURRENT_REQUESTS_PER_DOMAIN)
    archive = Archive(_archive_path(args))
    archive.check_writable()
    with archive.writer_lock(_writer_keys(site, starts), what=f"the crawl of {site}"):
        return _crawl_locked(args, spider, kwargs, site, settings)


def _crawl_locked(args: argparse.Namespace, spider: str, kwargs: dict[str, Any], site: str,
                  settings: dict[str, Any]) -> int:
    from crawler.jobs import JobError, open_job
    from crawler.outcome import crawl_failure, crawl_summary
    from crawler.runner import ABORTED, run_crawl

    try:
        job, message = open_job(_jobs_root(args), site, resume=args.resume)
    except (JobError, OSError) as exc:
        raise CliError(str(exc)) from None
    if message:
        print(f"ainews: {message}", file=sys.stderr)
    settings["JOBDIR"] = str(job.path)
    if sys.stderr.isatty() and "LOG_LEVEL" not in settings:
        # The live progress line says what INFO logs would; warnings still show.
        settings["LOG_LEVEL"] = "WARNING"
    stats, _ = run_crawl(spider, settings=settings, spider_kwargs=kwargs)
    reason = stats.get("finish_reason", "unknown")
    print(crawl_summary(site, stats))
    failure = crawl_failure(stats) if reason != "unknown" else None
    if reason == "finished" and failure is None:
        job.finish()
        return 0
    if reason == "unknown":
        # Stopped before the engine ran: Scrapy may have saved a seen-set without its queue.
        job.finish()
        print(f"ainews: crawl of {site} did not start ({reason})", file=sys.stderr)
        return 1
    if failure is not None or reason == ABORTED:
        # The job's seen-set names pages whose articles were never stored: a fresh crawl
        # fetches exactly those again, because the archive skips the rest.
        job.finish()
        print(f"ainews: error: crawl of {site}: " + (
            failure or "stopped at once; what was extracted is committed, the next crawl "
            "fetches the rest"), file=sys.stderr)
        return 1
    job.mark("interrupted")
    print(f"ainews: crawl of {site} stopped ({reason}); `ainews crawl {args.site} --resume` "
          "continues it", file=sys.stderr)
    return 1


def _seed(args: argparse.Namespace, target: tuple[str, dict[str, Any], str, list[str]],
          settings: dict[str, Any]) -> int:
    """``crawl SITE --redis URL``: the site's start requests go into the shared frontier."""
    from crawler.distributed.commands import seed, site_entry

    total, new = seed(args.redis, site_entry(target), settings)
    print(f"seeded {target[2]}: {total} start requests into {args.redis} ({new} queued; "
          "`ainews worker --redis URL` crawls them)")
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """Crawl from a Redis frontier with any number of other workers."""
    from archive import Archive
    from crawler.distributed.commands import (
        run_worker,
        site_entry,
        supervise,
        worker_command,
        worker_entries,
    )
    from crawler.distributed.frontier import SiteEntry
    from crawler.outcome import crawl_failure, crawl_summary

    if args.site_json:
        name, _, text = args.site_json.partition("=")
        entries = [SiteEntry.from_json(name, text)]
    else:
        targets = [site_entry(_crawl_target(argparse.Namespace(
            site=site, discover=False, base_url=args.base_url))) for site in args.sites]
        entries = worker_entries(args.redis, targets)
    if len(entries) > 1:
        return supervise([worker_command(args, entry) for entry in entries])
    entry = entries[0]
    settings = _crawl_settings(args)
    settings.update(REDIS_URL=args.redis, WORKER_EXIT_WHEN_IDLE=float(args.exit_when_idle))
    if entry.profile is None and "CONCURRENT_REQUESTS" not in settings:
        from crawler import settings as project

        settings["CONCURRENT_REQUESTS"] = settings.get(
            "CONCURRENT_REQUESTS_PER_DOMAIN", project.CONCURRENT_REQUESTS_PER_DOMAIN)
    if sys.stderr.isatty() and "LOG_LEVEL" not in settings:
        settings["LOG_LEVEL"] = "WARNING"
    archive = Archive(_archive_path(args))
    archive.check_writable()
    starts = entry.new_spider().start_origins
    with archive.writer_lock(_writer_keys(entry.site, starts), shared=True,
                             what=f"a worker of {entry.site}"):
        stats = run_worker(entry, settings)
    print(crawl_summary(entry.site, stats))
    failure = crawl_failure(stats)
    if failure is not None:
        print(f"ainews: error: worker of {entry.site}: {failure}", file=sys.stderr)
        return 1
    return 0


def cmd_enqueue(args: argparse.Namespace) -> int:
    """Queue one-off article URLs for the workers."""
    from crawler.distributed.commands import enqueue
    from crawler.spiders.fetch import validate_url

    given = list(args.urls)
    if not given or given == ["-"]:
        given = [line.strip() for line in sys.stdin if line.strip()]
    urls = [validate_url(url) for url in given]
    if not urls:
        raise CliError("no URLs given (as arguments or one per line on stdin)")
    queued = enqueue(args.redis, urls)
    for site, count in sorted(queued.items()):
        print(f"{site}: {count} queued")
    skipped = len(urls) - sum(queued.values())
    if skipped:
        print(f"{skipped} already seen by the workers")
    return 0


def cmd_fetch(args: argparse.Namespace) -> int:
    """Fetch one-off URLs, print them and (unless --no-archive) archive them."""
    from crawler.items import Article
    from crawler.runner import run_crawl
    from crawler.spiders.fetch import validate_url
    from pipelines.archiving import article_row

    urls = [validate_url(url) for url in args.urls]
    settings = _crawl_settings(args)
    settings.update({"ARCHIVE_ENABLED": not args.no_archive, "DOWNLOAD_DELAY": 0.0})
    if not args.no_archive:
        _writable_archive(args)
    if not args.verbose:
        # One-off fetches report failures in one line each; Scrapy's logs are for --verbose.
        settings["LOG_LEVEL"] = "CRITICAL"
    stats, items = run_crawl("fetch", settings=settings, spider_kwargs={"urls": urls},
                             collect_items=True)
    articles = [item for item in items if isinstance(item, Article)]
    for article in articles:
        if args.json:
            print(json.dumps(_jsonable(article_row(article)), ensure_ascii=False))
        else:
            print(f"{article.url}\n  {article.title}\n  {', '.join(article.authors)} "
                  f"{article.published_at or ''} [{article.category or ''}] "
                  f"{len(article.text)} chars")
    answered = {a.url for a in articles}
    missing = {url for url in urls if url not in answered
               and stats.get(f"fetch/redirected/{url}") not in answered}
    for url in sorted(missing):
        reason = stats.get(f"fetch/failure/{url}")
        detail = reason or "no article extracted"
        print(f"ainews: {url}: {detail}", file=sys.stderr)
    not_stored = stats.get("archive/not_stored", 0)
    if not_stored:
        print(f"ainews: error: the archive refused a commit "
              f"({stats.get('archive/failure', 'unknown error')}): {not_stored} articles "
              "printed above were not stored", file=sys.stderr)
        return 1
    return 1 if missing and len(missing) >= len(urls) else 0


def cmd_extract(args: argparse.Namespace) -> int:
    """Extract one saved HTML file, offline, and print it as JSON."""
    from crawler.items import Article
    from extractor import ExtractOptions, explain, extract_article

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read {args.file}: {exc.strerror or exc}") from None
    url = None
    if args.url:
        from crawler.spiders.fetch import validate_url

        url = validate_url(args.url)
    overrides = {}
    if args.site:
        from crawler.sites import get_profile

        try:
            overrides = get_profile(args.site).overrides
        except KeyError as exc:
            raise CliError(str(exc)) from None
    # The fetch time of a saved file is unknown unless given: now is its latest possible value.
    fetched_at = datetime.now(UTC)
    if args.fetched_at:
        try:
            fetched_at = datetime.fromisoformat(args.fetched_at)
        except ValueError:
            raise CliError(f"--fetched-at: not an ISO 8601 time: {args.fetched_at!r}") from None
        if fetched_at.tzinfo is None:
            raise CliError("--fetched-at needs a UTC offset (2024-11-08T10:00:00+08:00)")
    extracted = extract_article(data, url, ExtractOptions(
        fetched_at=fetched_at, explain=args.explain, overrides=overrides))
    if extracted is None:
        print(f"ainews: {args.file} holds no article", file=sys.stderr)
        return 1
    if args.explain:
        sys.stdout.write(explain(extracted))
        return 0
    from pipelines.archiving import article_row

    article = Article.from_extracted(extracted, url=url or extracted.canonical_url or "",
                                     fetched_at=fetched_at)
    print(json.dumps(_jsonable(article_row(article)), ensure_ascii=False, indent=2))
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    """Run DuckDB SQL over the ``articles`` view."""
    table = _existing_archive(args).sql(args.sql, as_of=_as_of(args.as_of), sandbox=True)
    rows = table.to_pylist()
    if args.format == "json":
        for row in rows:
            print(json.dumps(_jsonable(row), ensure_ascii=False))
    elif args.format == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(table.column_names)
        writer.writerows([[_cell(row[c]) for c in table.column_names] for row in rows])
        sys.stdout.write(out.getvalue())
    else:
        _print_table(table.column_names, [[_cell(row[c]) for c in table.column_names]
                                          for row in rows])
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    """Summarize the archive."""
    from archive import Archive

    archive = Archive(_archive_path(args))
    if not archive.exists():
        raise CliError(f"no archive at {archive.root}")
    _print_summary(archive)
    return 0


def _writable_archive(args: argparse.Namespace) -> None:
    from archive import Archive

    Archive(_archive_path(args)).check_writable()


def _existing_archive(args: argparse.Namespace) -> Any:
    from archive import open as open_archive

    return open_archive(_archive_path(args))


def cmd_runs(args: argparse.Namespace) -> int:
    """List the crawl runs, newest first."""
    table = _existing_archive(args).sql(
        "SELECT crawl_run_id, spider, started_at, finished_at, finish_reason, pages_fetched, "
        "articles_added AS added, articles_updated AS updated, articles_dropped AS dropped, "
        f"errors FROM crawl_runs ORDER BY started_at DESC LIMIT {int(args.limit)}")
    _print_table(table.column_names, [[_cell(v) for v in row.values()]
                                      for row in table.to_pylist()])
    return 0


def cmd_maintain(args: argparse.Namespace) -> int:
    """Migrate, compact, vacuum and checkpoint every table."""
    from archive.maintenance import maintain

    if args.repair:
        from archive.verification import repair

        fixed = repair(_existing_archive(args))
        for name, rows in fixed.recommitted_rows.items():
            print(f"repair: {name}: {rows} rows committed again")
        for path in fixed.quarantined:
            print(f"repair: set aside {path}")
        if fixed.dropped_files:
            print(f"repair: {fixed.dropped_files} unreadable data files taken out of the log")
    report = maintain(_existing_archive(args), retention_hours=args.retention_hours)
    if report.migrated_columns:
        print(f"migrated: added columns {', '.join(report.migrated_columns)}")
    for name, metrics in report.compacted.items():
        print(f"{name}: {metrics.get('numFilesRemoved', 0)} files compacted into "
              f"{metrics.get('numFilesAdded', 0)}, {report.vacuumed.get(name, 0)} old files "
              "removed")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    """Check the logs, every data file and the schema; exit 1 naming each problem."""
    from archive import Archive
    from archive.verification import verify

    problems = verify(Archive(_archive_path(args)))
    for problem in problems:
        print(f"ainews: verify: {problem}", file=sys.stderr)
    if not problems:
        print("archive OK")
    return 1 if problems else 0


def cmd_dedup(args: argparse.Namespace) -> int:
    """Cluster near-duplicate articles (incrementally, or from scratch with --rebuild)."""
    archive = _existing_archive(args)
    if args.rebuild:
        started = time.monotonic()
        clusters = archive.rebuild_duplicates()
        print(f"{clusters} stories after rebuilding in {time.monotonic() - started:.1f} s")
    else:
        print(f"{archive.assign_missing_duplicates()} articles clustered")
    return 0


def cmd_reextract(args: argparse.Namespace) -> int:
    """Re-run the extractor over stored pages, offline; changed results become new versions."""
    from pipelines.reextract import reextract

    since = _as_of(args.since) if args.since else None
    if isinstance(since, int):
        raise CliError("--since needs a date")
    archive = _existing_archive(args)
    if args.site and not archive.sql("SELECT 1 FROM pages WHERE site = $site LIMIT 1",
                                     params={"site": args.site}).num_rows:
        raise CliError(f"no stored pages of site {args.site!r} in {archive.root}")
    result = reextract(archive, site=args.site, since=since)
    print(f"reextract: {result.updated} new versions, {result.unchanged} unchanged, "
          f"{result.added} new articles")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Export the latest articles as one plain Parquet, JSON Lines or CSV file."""
    from archive.export import export

    count = export(_existing_archive(args), args.out, fmt=args.format, where=args.where,
                   view=args.view, as_of=_as_of(args.as_of))
    print(f"exported {count} {'pages' if args.format == 'warc' else 'rows'} to {args.out}")
    return 0


def cmd_import_warc(args: argparse.Namespace) -> int:
    """Extract the HTML responses of WARC/ARC files into the archive, offline."""
    from archive import Archive
    from pipelines.warc_import import import_warc

    for name in args.files:
        if not Path(name).is_file():
            raise CliError(f"no such file: {name}")
    archive = Archive(_archive_path(args))
    archive.check_writable()
    read, result = import_warc(archive, args.files, site=args.site, timezone=args.timezone)
    print(f"import-warc: {read} HTML responses read, {result.added} new articles, "
          f"{result.updated} new versions, {result.unchanged} unchanged")
    return 0


def cmd_schedule(args: argparse.Namespace) -> int:
    """Print crontab lines or systemd units for every site profile (or the named ones)."""
    from crawler.schedule import crontab, systemd_units, worker_unit
    from crawler.sites import PROFILES, get_profile

    profiles = [get_profile(name) for name in args.sites] if args.sites else [
        p for p in PROFILES.values() if not p.name.startswith("demo-")]
    ainews = args.ainews or str(Path(sys.argv[0]).resolve())
    from archive.location import Location

    archive = str(Location(_archive_path(args)))
    if args.worker:
        if not args.systemd or not args.redis:
            raise CliError("--worker needs --systemd and --redis URL")
        units = worker_unit(ainews=ainews, archive=archive, redis=args.redis)
    elif args.systemd:
        units = systemd_units(profiles, ainews=ainews, archive=archive, redis=args.redis)
    else:
        sys.stdout.write(crontab(profiles, ainews=ainews, archive=archive, redis=args.redis))
        return 0
    for name, text in units.items():
        print(f"# --- {name}\n{text}")
    return 0


def cmd_health(args: argparse.Namespace) -> int:
    """Per site: the last run's missing-field shares against its history; exit 1 on drift."""
    from archive.health import SHARES, check

    report = check(_existing_archive(args))
    rows = []
    for site in report:
        figures = " ".join(f"{s}={site.latest[s] or 0:.0%}" for s in SHARES)
        rows.append([site.site, str(site.runs), str(site.latest["articles"]), figures,
                     "OK" if site.ok else "; ".join(site.problems)])
    _print_table(["site", "runs", "last run articles", "last run shares", "status"], rows,
                 width=90)
    for site in report:
        for problem in site.problems:
            print(f"ainews: health: {site.site}: {problem}", file=sys.stderr)
    return 0 if all(site.ok for site in report) else 1


def cmd_demo(args: argparse.Namespace) -> int:
    """Serve the demo sites on 127.0.0.1, crawl each into the archive, print a summary."""
    from archive import Archive
    from crawler.demo.server import DemoServer
    from crawler.sites import DEMO_SITES

    root = _archive_path(args)
    try:
        # Fixed ports keep the demo's URLs the same from run to run, so a second `make demo`
        # finds everything archived and fetches no article again.
        server = DemoServer()
    except OSError:
        print("ainews: demo ports 8701-8703 are busy; serving on free ports instead",
              file=sys.stderr)
        server = DemoServer(ports={})
    with server:
        for site in DEMO_SITES:
            started = time.monotonic()
            # One process per crawl: Scrapy's reactor cannot be restarted in a process.
            # -P: the working folder may hold an `archive` folder that would shadow ours.
            command = [sys.executable, "-P", "-m", "crawler.cli", "--archive", root, "crawl", site,
                       "--base-url", server.base_url(site), "--quiet"]
            result = subprocess.run(command, check=False, text=True, capture_output=True)
            sys.stdout.write(result.stdout)
            if result.returncode != 0:
                sys.stderr.write(result.stderr[-2000:])
                raise CliError(f"demo crawl of {site} failed (exit {result.returncode})")
            print(f"  ({time.monotonic() - started:.1f} s)")
    print()
    _print_summary(Archive(root))
    return 0


def cmd_demo_server(args: argparse.Namespace) -> int:
    """Serve the demo sites until interrupted."""
    from crawler.demo.server import DEFAULT_PORTS, DemoServer

    if not 1 <= args.port_base <= 65535 - len(DEFAULT_PORTS):
        raise CliError(f"--port-base must be a port number, got {args.port_base}")
    ports = {name: args.port_base + i for i, name in enumerate(DEFAULT_PORTS)}
    with DemoServer(ports=ports) as server:
        for name in DEFAULT_PORTS:
            print(f"{name}: {server.base_url(name)}/")
        print("Ctrl-C to stop")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0


# ---- output helpers --------------------------------------------------------------------------

def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    return str(value).replace("\n", " ")


def _print_table(columns: Sequence[str], rows: Sequence[Sequence[str]], width: int = 60) -> None:
    rows = [[cell if len(cell) <= width else cell[: width - 1] + "…" for cell in row]
            for row in rows]
    widths = [max([_display_width(c)] + [_display_width(r[i]) for r in rows])
              for i, c in enumerate(columns)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c + " " * (w - _display_width(c)) for c, w in zip(cells, widths,
                                                                          strict=True)).rstrip()

    print(line(columns))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row))


def _display_width(text: str) -> int:
    # CJK characters take two terminal columns.
    return sum(2 if "\u2e80" <= ch <= "\uffef" else 1 for ch in text)


def _print_summary(archive: Any) -> None:
    stats = archive.stats()
    print(f"Archive {archive.root}: {stats['total']} articles ({stats['versions']} versions), "
          f"{stats['stories']} stories, {stats['duplicate_share']:.1%} duplicates")
    print()
    _print_table(["site", "category", "articles"],
                 [[s, c or "-", str(n)] for s, c, n in stats["per_site_category"]])
    print()
    print("Per month (published):")
    _print_table(["month", "articles"], [[m or "-", str(n)] for m, n in stats["per_month"][:12]])
    print()
    print("Newest:")
    _print_table(["site", "published", "title"],
                 [[s, _cell(p), t or ""] for s, p, t in stats["newest"]])


# ---- entry point -----------------------------------------------------------------------------

def _count(text: str) -> int:
    """argparse type: a whole number, zero or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"needs a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


class _Parser(argparse.ArgumentParser):
    """argparse with errors in one line (its own print a usage block first)."""

    def error(self, message: str) -> NoReturn:
        """Print ``ainews: error: …`` and exit 2."""
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``ainews``."""
    parser = _Parser(prog="ainews", description=__doc__)
    parser.add_argument("--archive", help=f"archive folder (default $AINEWS_ARCHIVE or "
                                          f"{DEFAULT_ARCHIVE})")
    parser.add_argument("-q", "--quiet", action="store_true", help="only warnings in crawl logs")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("sites", help="list site profiles").set_defaults(func=cmd_sites)
    sub.add_parser("demo", help="crawl the bundled demo sites and summarize").set_defaults(
        func=cmd_demo)
    serve = sub.add_parser("demo-server", help="serve the demo sites on 127.0.0.1")
    serve.add_argument("--port-base", type=int, default=8701)
    serve.set_defaults(func=cmd_demo_server)

    crawl = sub.add_parser("crawl", help="crawl a site by profile name or start URL")
    crawl.add_argument("site", help="a profile name (see `ainews sites`) or a start URL")
    crawl.add_argument("--resume", action="store_true",
                       help="continue the site's interrupted crawl (SIGINT/SIGTERM)")
    crawl.add_argument("--discover", action="store_true",
                       help="ignore a matching profile; discover the site from the URL")
    crawl.add_argument("--jobs-dir", help="job directories (default: next to the archive)")
    crawl.add_argument("--base-url", help="serve the profile's paths from this origin instead")
    crawl.add_argument("--set", action="append", metavar="KEY=VALUE", help="a Scrapy setting")
    crawl.add_argument("--allow-private", action="store_true",
                       help="allow loopback, private and link-local addresses beyond the "
                            "start URLs' own")
    crawl.add_argument("--redis", metavar="URL",
                       help="seed the site's start requests into this Redis frontier for "
                            "`ainews worker` instead of crawling here")
    crawl.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS)
    crawl.set_defaults(func=cmd_crawl)

    worker = sub.add_parser("worker", help="crawl from a shared Redis frontier")
    worker.add_argument("sites", nargs="*", metavar="SITE",
                        help="profile names or start URLs (default: every seeded site)")
    worker.add_argument("--redis", required=True, metavar="URL", help="redis://HOST:PORT/DB")
    worker.add_argument("--exit-when-idle", type=_count, default=0, metavar="SECONDS",
                        help="stop once nothing was queued or held for this long (default: "
                             "wait for work for ever)")
    worker.add_argument("--base-url", help="serve the profile's paths from this origin instead")
    worker.add_argument("--set", action="append", metavar="KEY=VALUE", help="a Scrapy setting")
    worker.add_argument("--allow-private", action="store_true",
                        help="allow loopback, private and link-local addresses beyond the "
                             "start URLs' own")
    worker.add_argument("--site-json", help=argparse.SUPPRESS)
    worker.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS)
    worker.set_defaults(func=cmd_worker)

    enqueue = sub.add_parser("enqueue", help="queue one-off article URLs for the workers")
    enqueue.add_argument("urls", nargs="*", metavar="URL", help="URLs, or - (or none) for stdin")
    enqueue.add_argument("--redis", required=True, metavar="URL", help="redis://HOST:PORT/DB")
    enqueue.set_defaults(func=cmd_enqueue)

    fetch = sub.add_parser("fetch", help="fetch one-off article URLs")
    fetch.add_argument("urls", nargs="+", metavar="URL")
    fetch.add_argument("--json", action="store_true", help="one JSON object per line")
    fetch.add_argument("--no-archive", action="store_true", help="do not write the archive")
    fetch.add_argument("-v", "--verbose", action="store_true", help="show Scrapy's log")
    fetch.add_argument("--set", action="append", metavar="KEY=VALUE", help="a Scrapy setting")
    fetch.add_argument("--allow-private", action="store_true",
                       help="allow loopback, private and link-local addresses beyond the "
                            "start URLs' own")
    fetch.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS)
    fetch.set_defaults(func=cmd_fetch)

    extract = sub.add_parser("extract", help="extract a saved HTML file (offline)")
    extract.add_argument("file")
    extract.add_argument("--url", help="the page's URL")
    extract.add_argument("--explain", action="store_true",
                         help="show every field's candidates, scores and why the winner won")
    extract.add_argument("--site", help="apply this site profile's field overrides")
    extract.add_argument("--fetched-at", help="when the page was fetched (ISO 8601 with offset); "
                         "relative dates count back from it (default: now)")
    extract.set_defaults(func=cmd_extract)

    query = sub.add_parser("query", help="DuckDB SQL over the `articles` view")
    query.add_argument("sql")
    query.add_argument("--format", choices=("table", "csv", "json"), default="table")
    query.add_argument("--as-of", help="table version number or ISO timestamp")
    query.set_defaults(func=cmd_query)

    runs = sub.add_parser("runs", help="list crawl runs")
    runs.add_argument("--limit", type=_count, default=20)
    runs.set_defaults(func=cmd_runs)

    maintain = sub.add_parser("maintain", help="migrate, compact, vacuum, checkpoint")
    maintain.add_argument("--retention-hours", type=_count, default=7 * 24,
                          help="keep replaced files this long for running readers")
    maintain.add_argument("--repair", action="store_true",
                          help="first fix what `verify` finds (lost commits, unreadable files)")
    maintain.set_defaults(func=cmd_maintain)

    sub.add_parser("verify", help="check logs, data files and schema").set_defaults(
        func=cmd_verify)

    dedup = sub.add_parser("dedup", help="cluster near-duplicate articles")
    dedup.add_argument("--rebuild", action="store_true", help="recompute every cluster")
    dedup.set_defaults(func=cmd_dedup)

    reextract = sub.add_parser("reextract", help="re-run extraction over stored pages")
    reextract.add_argument("--site")
    reextract.add_argument("--since", help="only pages fetched since (ISO date)")
    reextract.set_defaults(func=cmd_reextract)

    export = sub.add_parser("export", help="export articles as Parquet, JSON Lines or CSV")
    export.add_argument("--format", choices=("parquet", "jsonl", "csv", "warc"),
                        default="parquet", help="warc: the stored raw responses (gzipped WARC)")
    export.add_argument("--out", required=True)
    export.add_argument("--where", help="SQL condition on the articles view")
    export.add_argument("--view", choices=("articles", "article_versions", "stories"),
                        default="articles")
    export.add_argument("--as-of", help="table version number or ISO timestamp")
    export.set_defaults(func=cmd_export)

    warc = sub.add_parser("import-warc", help="extract WARC/ARC files into the archive")
    warc.add_argument("files", nargs="+", metavar="FILE")
    warc.add_argument("--site", help="site name of the rows (default: each page's host)")
    warc.add_argument("--timezone", help="IANA zone of the pages' dates (default: by language)")
    warc.set_defaults(func=cmd_import_warc)

    sub.add_parser("stats", help="articles per site and category").set_defaults(func=cmd_stats)

    sub.add_parser("health", help="per-site crawl health and layout drift (exit 1 on a "
                                  "problem)").set_defaults(func=cmd_health)

    schedule = sub.add_parser("schedule", help="scheduled crawls for cron or systemd")
    schedule_sub = schedule.add_subparsers(dest="schedule_command", required=True)
    export_schedule = schedule_sub.add_parser("export", help="print ready-to-install entries")
    kind = export_schedule.add_mutually_exclusive_group()
    kind.add_argument("--cron", action="store_true", help="crontab lines (the default)")
    kind.add_argument("--systemd", action="store_true", help="service and timer units")
    export_schedule.add_argument("sites", nargs="*", help="site profiles (default: all real)")
    export_schedule.add_argument("--ainews", help="path of the ainews command to run")
    export_schedule.add_argument("--redis", metavar="URL",
                                 help="scheduled runs seed this Redis frontier for workers")
    export_schedule.add_argument("--worker", action="store_true",
                                 help="with --systemd: the worker template unit "
                                      "(ainews-worker@SITE.service)")
    export_schedule.set_defaults(func=cmd_schedule)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``ainews``; user errors are one line on stderr and exit code 2."""
    from archive import ArchiveError
    from crawler.distributed.commands import DistributedError
    from crawler.sites import UnknownSiteError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except (CliError, ArchiveError, UnknownSiteError, ValueError, DistributedError) as exc:
        # Library messages can carry backtraces on later lines: the first line names the problem.
        lines = str(exc).strip().splitlines() or [type(exc).__name__]
        print(f"ainews: error: {lines[0]}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("ainews: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
