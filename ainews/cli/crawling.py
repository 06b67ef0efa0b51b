"""Commands that fetch: crawl, worker, enqueue, fetch, demo, demo-server."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ainews.cli.common import (
    DEFAULT_ARCHIVE,
    CliError,
    archive_path,
    common_options,
    log_level,
    print_json,
    program,
    quiet,
    read_lines,
    say,
    timestamp,
    warn,
    writable_archive,
)
from crawler.stat_keys import ARCHIVE_FAILURE, ARCHIVE_NOT_STORED, FINISH_REASON

if TYPE_CHECKING:
    from ainews.jobs import JobSpec

USER_LIMITS = frozenset(("closespider_pagecount", "closespider_itemcount", "closespider_timeout",
                         "closespider_timeout_no_item"))
"""Finish reasons of a limit the user set (CLOSESPIDER_*): the crawl did what was asked."""


def _setting_options(function: Any) -> Any:
    function = click.option("--set", "pairs", multiple=True, metavar="KEY=VALUE",
                            help="a Scrapy setting (repeatable)")(function)
    return click.option("--allow-private", is_flag=True,
                        help="allow loopback, private and link-local addresses beyond the start "
                             "URLs' own")(function)


def crawl_settings(pairs: Sequence[str] = (), allow_private: bool = False) -> dict[str, Any]:
    """Scrapy settings of a command: the archive, ``--quiet``, ``--allow-private``, ``--set``."""
    from ainews.setting_values import parse_setting

    settings: dict[str, Any] = {"ARCHIVE_URI": archive_path()}
    if log_level():
        settings["LOG_LEVEL"] = log_level()
    if allow_private:
        settings["ALLOW_PRIVATE_ADDRESSES"] = True
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise CliError(f"--set needs KEY=VALUE, got {pair!r}")
        try:
            settings[key.strip()] = parse_setting(key.strip(), value)
        except ValueError as exc:
            raise CliError(str(exc)) from None
    return settings


def crawl_target(site: str, *, discover: bool = False, base_url: str | None = None,
                 ) -> tuple[str, dict[str, Any], str, list[str]]:
    """(spider name, spider arguments, site name, start URLs) for a profile name or a URL."""
    from crawler.sites import get_profile, profile_for_url, site_name
    from crawler.spiders.fetch import validate_url

    if "://" in site:
        url = validate_url(site)
        found = profile_for_url(url)
        if found is not None and not discover:
            return found.name, {}, found.name, [
                *found.listing_urls, *found.feed_urls, *found.sitemap_urls]
        return "site", {"url": url}, site_name(url), [url]
    profile = get_profile(site)
    kwargs: dict[str, Any] = {}
    if base_url is not None:
        kwargs["base_url"] = validate_url(base_url)
        profile = profile.rebased(kwargs["base_url"])
    return profile.name, kwargs, profile.name, [
        *profile.listing_urls, *profile.feed_urls, *profile.sitemap_urls]


def _writer_keys(site: str, starts: Sequence[str]) -> list[str]:
    """What one crawl locks in the archive: the site's name and every origin it starts on, so
    a profile and a discovery crawl of the same host and port also exclude each other."""
    from archive.urls import site_host
    from crawler.addresses import origin

    keys = [f"site-{site}"]
    for start in starts:
        found, host = origin(start), site_host(start)
        if found and host:
            keys.append(f"origin-{host}-{found[2]}")
    return keys


def _resolved_archive() -> str:
    """The archive as a job records it: an absolute folder, or the ``s3://`` URL."""
    from archive.location import is_remote

    given = archive_path()
    return given if is_remote(given) else str(Path(given).resolve())


def _jobs_root(jobs_dir: str | None) -> Path:
    """This archive's job folder: under ``--jobs-dir``, $AINEWS_JOBS or ``jobs`` beside the
    archive (beside the default archive for ``s3://``: a queue is this machine's), keyed by
    the archive so that no other archive's crawl takes its jobs."""
    from ainews.jobs import archive_key
    from archive.location import is_remote

    if jobs_dir:
        base = Path(jobs_dir)
    elif os.environ.get("AINEWS_JOBS"):
        base = Path(os.environ["AINEWS_JOBS"])
    elif is_remote(archive_path()):
        base = Path(DEFAULT_ARCHIVE).resolve().parent / "jobs"
    else:
        base = Path(archive_path()).resolve().parent / "jobs"
    return base / archive_key(_resolved_archive())


def _one_site_concurrency(settings: dict[str, Any]) -> None:
    if "CONCURRENT_REQUESTS" not in settings:
        # One site: no more requests in the downloader than the site may have in flight. The
        # rest wait in the scheduler, where discovery can still reorder or drop them as it
        # learns (the downloader's queue is beyond its reach).
        from crawler import settings as project

        settings["CONCURRENT_REQUESTS"] = settings.get(
            "CONCURRENT_REQUESTS_PER_DOMAIN", project.CONCURRENT_REQUESTS_PER_DOMAIN)


@click.command()
@click.argument("site", required=False)
@click.option("--resume", is_flag=True,
              help="continue the site's interrupted crawl (SIGINT/SIGTERM); without SITE, "
                   "the archive's only interrupted crawl")
@click.option("--discover", is_flag=True,
              help="ignore a matching profile; discover the site from the URL")
@click.option("--jobs-dir", metavar="DIR", help="job directories (default: next to the archive)")
@click.option("--base-url", metavar="URL",
              help="serve the profile's paths from this origin instead")
@click.option("--redis", metavar="URL",
              help="seed the site's start requests into this Redis frontier for `ainews "
                   "worker` instead of crawling here")
@_setting_options
@common_options
def crawl(site: str | None, resume: bool, discover: bool, jobs_dir: str | None,
          base_url: str | None, redis: str | None, pairs: tuple[str, ...],
          allow_private: bool) -> int:
    """Crawl one site (a profile name, or a start URL for a site without one) into the archive.

    Exit 0 when the crawl finished, a limit you set (CLOSESPIDER_*) included; 1 when it
    stopped early, every request failed or the archive refused a commit; 2 on bad input.
    """
    from ainews.jobs import JobSpec

    if site is None:
        if not resume:
            raise CliError("crawl needs a SITE (a profile name or a start URL), or --resume")
        recorded = _only_interrupted(jobs_dir)
        site, discover, base_url = recorded.target, recorded.discover, recorded.base_url
        pairs, allow_private = (*recorded.pairs, *pairs), recorded.allow_private or allow_private
    spec = JobSpec(target=site, archive=_resolved_archive(), discover=discover,
                   base_url=base_url, pairs=tuple(pairs), allow_private=allow_private,
                   jobs_dir=str(Path(jobs_dir).resolve()) if jobs_dir else None)
    spider, kwargs, name, starts = crawl_target(site, discover=discover, base_url=base_url)
    settings = crawl_settings(pairs, allow_private)
    if redis:
        from ainews.workers import seed, shown, site_entry

        total, new = seed(redis, site_entry((spider, kwargs, name, starts)), settings)
        say(f"seeded {name}: {total} start requests into {shown(redis)} ({new} queued; "
            "`ainews worker --redis URL` crawls them)")
        return 0
    if spider == "site":
        _one_site_concurrency(settings)
    archive = writable_archive()
    with archive.writer_lock(_writer_keys(name, starts), what=f"the crawl of {name}"):
        return _crawl_locked(spec, spider, kwargs, name, settings, jobs_dir, resume)


def _only_interrupted(jobs_dir: str | None) -> JobSpec:
    """The spec of the archive's one interrupted crawl (``crawl --resume`` without a SITE)."""
    from ainews.jobs import interrupted

    root = _jobs_root(jobs_dir)
    found = [(job, spec) for job, spec in interrupted(root) if spec is not None]
    if not found:
        raise CliError(f"no interrupted crawl of {archive_path()} to resume (jobs in {root})")
    if len(found) > 1:
        raise CliError(f"{len(found)} interrupted crawls of {archive_path()}; continue one: "
                       + "; ".join(spec.command(program()) for _, spec in found))
    return found[0][1]


def _crawl_locked(spec: JobSpec, spider: str, kwargs: dict[str, Any], site: str,
                  settings: dict[str, Any], jobs_dir: str | None, resume: bool) -> int:
    from ainews.jobs import JobError, open_job
    from ainews.outcome import crawl_failure, crawl_summary
    from ainews.runner import ABORTED, run_crawl

    try:
        job, message = open_job(_jobs_root(jobs_dir), site, resume=resume, spec=spec,
                                program=program())
    except (JobError, OSError) as exc:
        raise CliError(str(exc)) from None
    if message:
        warn(message)
    settings["JOBDIR"] = str(job.path)
    if sys.stderr.isatty() and "LOG_LEVEL" not in settings:
        # The live progress line says what INFO logs would; warnings still show.
        settings["LOG_LEVEL"] = "WARNING"
    stats, _ = run_crawl(spider, settings=settings, spider_kwargs=kwargs)
    reason = stats.get(FINISH_REASON, "unknown")
    say(crawl_summary(site, stats))
    failure = crawl_failure(stats) if reason != "unknown" else None
    if failure is None and (reason == "finished" or reason in USER_LIMITS):
        job.finish()
        return 0
    if reason == "unknown":
        # Stopped before the engine ran: Scrapy may have saved a seen-set without its queue.
        job.finish()
        warn(f"crawl of {site} did not start ({reason})")
        return 1
    if failure is not None or reason == ABORTED:
        # The job's seen-set names pages whose articles were never stored: a fresh crawl
        # fetches exactly those again, because the archive skips the rest.
        job.finish()
        warn(f"error: crawl of {site}: " + (
            failure or "stopped at once; what was extracted is committed, the next crawl "
            "fetches the rest"))
        return 1
    job.mark("interrupted")
    warn(f"crawl of {site} stopped ({reason}); continue it with: {spec.command(program())}")
    return 1


@click.command()
@click.argument("sites", nargs=-1, metavar="[SITE]...")
@click.option("--redis", required=True, metavar="URL", help="redis://HOST:PORT/DB")
@click.option("--exit-when-idle", type=click.IntRange(min=0), default=0, metavar="SECONDS",
              help="stop once nothing was queued or held for this long (default: wait for "
                   "work for ever)")
@click.option("--base-url", metavar="URL",
              help="serve the profile's paths from this origin instead")
@click.option("--site-json", hidden=True)
@_setting_options
@common_options
def worker(sites: tuple[str, ...], redis: str, exit_when_idle: int, base_url: str | None,
           site_json: str | None, pairs: tuple[str, ...], allow_private: bool) -> int:
    """Crawl from a shared Redis frontier beside any number of other workers (default: every
    seeded site, one process each)."""
    from ainews.frontier import SiteEntry
    from ainews.outcome import crawl_failure, crawl_summary
    from ainews.workers import (
        WorkerOptions,
        run_worker,
        site_entry,
        supervise,
        worker_command,
        worker_entries,
    )

    if site_json:
        name, _, text = site_json.partition("=")
        entries = [SiteEntry.from_json(name, text)]
    else:
        targets = [site_entry(crawl_target(site, base_url=base_url)) for site in sites]
        entries = worker_entries(redis, targets)
    options = WorkerOptions(archive=archive_path(), redis=redis, exit_when_idle=exit_when_idle,
                            pairs=pairs, allow_private=allow_private, quiet=quiet(),
                            log_level=log_level())
    if len(entries) > 1:
        return supervise([worker_command(options, entry) for entry in entries])
    entry = entries[0]
    settings = crawl_settings(pairs, allow_private)
    settings.update(REDIS_URL=redis, WORKER_EXIT_WHEN_IDLE=float(exit_when_idle))
    if entry.profile is None:
        _one_site_concurrency(settings)
    if sys.stderr.isatty() and "LOG_LEVEL" not in settings:
        settings["LOG_LEVEL"] = "WARNING"
    archive = writable_archive()
    starts = entry.new_spider().start_origins
    with archive.writer_lock(_writer_keys(entry.site, starts), shared=True,
                             what=f"a worker of {entry.site}"):
        stats = run_worker(entry, settings)
    say(crawl_summary(entry.site, stats))
    failure = crawl_failure(stats)
    if failure is not None:
        warn(f"error: worker of {entry.site}: {failure}")
        return 1
    return 0


@click.command()
@click.argument("urls", nargs=-1, metavar="[URL]...")
@click.option("--redis", required=True, metavar="URL", help="redis://HOST:PORT/DB")
@common_options
def enqueue(urls: tuple[str, ...], redis: str) -> int:
    """Queue one-off article URLs for the workers (- or none: one per line on stdin)."""
    from ainews.workers import enqueue as enqueue_urls
    from crawler.spiders.fetch import validate_url

    checked = [validate_url(url) for url in read_lines(urls, "URLs")]
    queued = enqueue_urls(redis, checked)
    for site, count in sorted(queued.items()):
        say(f"{site}: {count} queued")
    skipped = len(checked) - sum(queued.values())
    if skipped:
        say(f"{skipped} already seen by the workers")
    return 0


@click.command()
@click.argument("urls", nargs=-1, metavar="URL...|-")
@click.option("--json", "as_json", is_flag=True, help="one JSON object per article and line")
@click.option("--no-archive", is_flag=True, help="do not write the archive")
@click.option("--site", help="read every page by this site profile's rules (its name, zone and "
                             "field overrides), as for a mirror of the site")
@click.option("-v", "--verbose", is_flag=True, help="show Scrapy's log")
@_setting_options
@common_options
def fetch(urls: tuple[str, ...], as_json: bool, no_archive: bool, site: str | None,
          verbose: bool, pairs: tuple[str, ...], allow_private: bool) -> int:
    """Fetch one-off article URLs (- for one per line on stdin), print and archive them.

    Exit 1 when no URL gave an article or the archive refused them.
    """
    from ainews.runner import run_crawl
    from crawler.items import Article
    from crawler.spiders.fetch import validate_url
    from crawler.stat_keys import fetch_failure, fetch_redirected
    from pipelines.route import article_row

    checked = [validate_url(url) for url in read_lines(urls, "URLs")]
    if site:
        from crawler.sites import get_profile

        get_profile(site)  # an unknown name: one line, before anything is fetched
    settings = {**one_off_settings(checked), **crawl_settings(pairs, allow_private)}
    settings["ARCHIVE_ENABLED"] = not no_archive
    if not no_archive:
        writable_archive()
    if not verbose:
        # One-off fetches report failures in one line each; Scrapy's logs are for --verbose.
        settings["LOG_LEVEL"] = "CRITICAL"
    stats, items = run_crawl("fetch", settings=settings,
                             spider_kwargs={"urls": checked, "site": site}, collect_items=True)
    articles = [item for item in items if isinstance(item, Article)]
    for article in articles:
        if as_json:
            print_json(article_row(article))
        else:
            when = timestamp(article.published_at) if article.published_at else ""
            say(f"{article.url}\n  {article.title}\n  {', '.join(article.authors)} {when} "
                f"[{article.category or ''}] {len(article.text)} chars")
    answered = {a.url for a in articles}
    missing = {url for url in checked if url not in answered
               and stats.get(fetch_redirected(url)) not in answered}
    for url in sorted(missing):
        warn(f"{url}: {stats.get(fetch_failure(url)) or 'no article extracted'}")
    not_stored = stats.get(ARCHIVE_NOT_STORED, 0)
    if not_stored:
        warn(f"error: the archive refused a commit ({stats.get(ARCHIVE_FAILURE, 'unknown')})"
             f": {not_stored} articles printed above were not stored")
        return 1
    return 1 if missing and len(missing) >= len(checked) else 0


FETCH_SPIDER_MODULE = "crawler.spiders.fetch"
"""Where the spider of one-off URLs lives (``run_crawl("fetch")``)."""

FEW_URLS = 10
"""Up to this many one-off URLs are extracted and archived in the fetching process: starting
an extraction pool and an archive process costs more than a handful of pages saves."""


def one_off_settings(urls: Sequence[str]) -> dict[str, Any]:
    """Settings for one-off URLs (``--set`` still wins): no fixed delay; when no site gets
    more than one of them, no AutoThrottle either, whose start delay would only hold the page
    back a second after its site's robots.txt; a few URLs are done in this one process."""
    from collections import Counter
    from urllib.parse import urlsplit

    per_site = Counter(urlsplit(url).hostname for url in urls)
    # Only the fetch spider's module: Scrapy imports every spider module up front (the
    # workers' Redis client among them, 0.06 s of a one-off fetch).
    settings: dict[str, Any] = {"DOWNLOAD_DELAY": 0.0, "SPIDER_MODULES": [FETCH_SPIDER_MODULE]}
    if max(per_site.values(), default=0) <= 1:
        settings["AUTOTHROTTLE_ENABLED"] = False
    if len(urls) <= FEW_URLS:
        settings.update(EXTRACT_WORKERS=0, ARCHIVE_PROCESS=False)
    return settings


@click.command()
@click.option("--report", "report_path", metavar="FILE",
              help="where to write the HTML report (default: report.html beside the archive)")
@click.option("--port-base", type=click.IntRange(1, 65532), default=8701, show_default=True,
              help="first of the three ports the demo sites are served on (others when busy)")
@common_options
def demo(report_path: str | None, port_base: int) -> int:
    """Serve the demo sites on 127.0.0.1, crawl each into the archive, print a summary and
    write the HTML report."""
    from ainews.cli.inspecting import print_summary, report_target
    from ainews.demo.server import DEFAULT_PORTS, DemoServer
    from archive import Archive
    from crawler.sites import DEMO_SITES
    from report import write_report

    root = archive_path()
    try:
        # Fixed ports keep the demo's URLs the same from run to run, so a second `make demo`
        # finds everything archived and fetches no article again (on other ports too: an
        # article's identity has no port).
        server = DemoServer(ports={name: port_base + i for i, name in enumerate(DEFAULT_PORTS)})
    except OSError:
        warn(f"demo ports {port_base}-{port_base + len(DEFAULT_PORTS) - 1} are busy; serving "
             "on free ports instead")
        server = DemoServer(ports={})
    with server:
        for site in DEMO_SITES:
            started = time.monotonic()
            # One process per crawl: Scrapy's reactor cannot be restarted in a process.
            # -P: the working folder may hold an `archive` folder that would shadow ours.
            command = [sys.executable, "-P", "-m", "ainews.cli", "--archive", root, "crawl",
                       site, "--base-url", server.base_url(site), "--log-level", "WARNING"]
            result = subprocess.run(command, check=False, text=True, capture_output=True)
            say(result.stdout.rstrip("\n") + f"  ({time.monotonic() - started:.1f} s)")
            if result.returncode != 0:
                sys.stderr.write(result.stderr[-2000:])
                raise CliError(f"demo crawl of {site} failed (exit {result.returncode})")
    say()
    archive = Archive(root)
    if not quiet():
        print_summary(archive)
    written = write_report(archive, report_target(report_path))
    say(f"\nReport: {written} (open it in a browser; it needs no network)")
    return 0


@click.command("demo-server")
@click.option("--port-base", type=click.IntRange(1, 65532), default=8701, show_default=True,
              help="first of the three ports")
@common_options
def demo_server(port_base: int) -> int:
    """Serve the demo sites until interrupted."""
    from ainews.demo.server import DEFAULT_PORTS, DemoServer

    ports = {name: port_base + i for i, name in enumerate(DEFAULT_PORTS)}
    try:
        server = DemoServer(ports=ports)
    except OSError as exc:
        raise CliError(f"cannot serve on ports {port_base}-{port_base + len(ports) - 1}: "
                       f"{exc.strerror or exc} (choose others with --port-base)") from None
    with server:
        for name in DEFAULT_PORTS:
            click.echo(f"{name}: {server.base_url(name)}/")
        click.echo("Ctrl-C to stop")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0


COMMANDS = (crawl, worker, enqueue, fetch, demo, demo_server)
"""This module's commands, in help order."""
