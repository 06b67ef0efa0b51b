"""``ainews worker``, ``ainews enqueue`` and ``ainews crawl --redis``: thin over the frontier."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ainews.frontier import (
    Frontier,
    SiteEntry,
    register_site,
    seeded_sites,
    seeding_crawler,
    start_requests,
)


class DistributedError(Exception):
    """A problem with Redis or the sites asked for, told in one line."""


def shown(url: str) -> str:
    """A Redis URL as it may be printed: the password replaced (`redis://:***@host:6379/0`)."""
    from urllib.parse import urlsplit, urlunsplit

    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        user = parts.username or ""
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "<unreadable Redis URL>"
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}{port}"))


def connect(url: str) -> Any:
    """A redis client for ``url``, checked with a PING (a clear error beats a hang later)."""
    import redis

    try:
        server = redis.Redis.from_url(url, socket_connect_timeout=5)
        server.ping()
    except (ValueError, redis.RedisError) as exc:
        message = str(exc).replace(url, shown(url))
        raise DistributedError(f"cannot reach Redis at {shown(url)}: {message}") from None
    return server


def site_entry(target: tuple[str, dict[str, Any], str, list[str]]) -> SiteEntry:
    """The entry of a crawl target as the CLI resolves it (spider, kwargs, site, starts)."""
    from crawler.sites import PROFILES

    spider, kwargs, site, _ = target
    return SiteEntry(site, spider if spider in PROFILES else None, kwargs)


def seed(redis_url: str, entry: SiteEntry, settings: dict[str, Any]) -> tuple[int, int]:
    """Put the site's start requests into the frontier; (requests, new ones)."""
    server = connect(redis_url)
    register_site(server, entry)
    crawler = seeding_crawler(entry, {**settings, "REDIS_URL": redis_url})
    requests = start_requests(crawler)
    spider = crawler.spider
    frontier = Frontier(server, spider)  # type: ignore[arg-type]
    return len(requests), frontier.push_all(requests)


def enqueue(redis_url: str, urls: Sequence[str]) -> dict[str, int]:
    """Queue one-off article URLs with the site each belongs to; new URLs per site."""
    from crawler.sites import profile_for_url, site_name

    server = connect(redis_url)
    # One spider per site, built once: it matches URLs to sites and serialises requests.
    frontiers = {entry.site: Frontier(server, entry.new_spider())
                 for entry in seeded_sites(server).values()}
    queued: dict[str, int] = {}
    for url in urls:
        frontier = _frontier_for(url, frontiers)
        if frontier is None:
            found = profile_for_url(url)
            entry = (SiteEntry(found.name, found.name, {}) if found else
                     SiteEntry(site_name(url), None, {"url": url}))
            register_site(server, entry)
            frontier = frontiers[entry.site] = Frontier(server, entry.new_spider())
        request = frontier.spider.article_request(url)
        queued[frontier.site] = queued.get(frontier.site, 0) + frontier.push(request)
    return queued


def _frontier_for(url: str, frontiers: dict[str, Frontier]) -> Frontier | None:
    """The seeded site of ``url``: one that starts on the same origin (several sites may
    share a host on different ports), else one whose domains name the host."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    by_domain = None
    for frontier in frontiers.values():
        spider = frontier.spider
        if any(urlsplit(start).netloc == parts.netloc for start in spider.start_origins):
            return frontier
        if by_domain is None and host in spider.profile.domains:
            by_domain = frontier
    return by_domain


def worker_entries(redis_url: str, targets: list[SiteEntry]) -> list[SiteEntry]:
    """The sites a worker serves: those named (as seeded, if they were), else every seeded."""
    seeded = seeded_sites(connect(redis_url))
    if not targets:
        if not seeded:
            raise DistributedError(f"no site has been seeded into {shown(redis_url)}: run "
                                   "`ainews crawl SITE --redis URL` first, or name the sites")
        return list(seeded.values())
    return [seeded.get(t.site, t) for t in targets]


def run_worker(entry: SiteEntry, settings: dict[str, Any]) -> dict[str, Any]:
    """Run one site's worker in this process until it stops; its final stats."""
    from ainews.runner import run_crawl
    from crawler.spiders.worker import worker_spider_for

    stats, _ = run_crawl(worker_spider_for(entry.profile), settings=settings,
                         spider_kwargs=dict(entry.kwargs))
    return stats


def supervise(commands: list[list[str]]) -> int:
    """Run one worker process per site; forward SIGINT/SIGTERM; the worst exit code."""
    children = [subprocess.Popen(command) for command in commands]

    def forward(signum: int, _frame: object) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signum)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        while any(child.poll() is None for child in children):
            time.sleep(0.2)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return max((child.returncode for child in children), default=0)


@dataclass(frozen=True, slots=True)
class WorkerOptions:
    """What ``ainews worker`` was given, passed on to each site's worker process."""

    archive: str
    redis: str
    exit_when_idle: int = 0
    pairs: Sequence[str] = ()
    allow_private: bool = False
    quiet: bool = False
    log_level: str | None = None


def worker_command(options: WorkerOptions, entry: SiteEntry) -> list[str]:
    """The command line of one site's worker process (the same options, one site)."""
    command = [sys.executable, "-P", "-m", "ainews.cli", "--archive", options.archive]
    if options.quiet:
        command.append("--quiet")
    if options.log_level:
        command += ["--log-level", options.log_level]
    command += ["worker", "--redis", options.redis, "--exit-when-idle",
                str(options.exit_when_idle), "--site-json", entry.site + "=" + entry.to_json()]
    for pair in options.pairs:
        command += ["--set", pair]
    if options.allow_private:
        command.append("--allow-private")
    return command
