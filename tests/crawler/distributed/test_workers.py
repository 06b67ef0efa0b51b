"""Workers on a real redis-server: one frontier, leases that survive kill -9, late joiners."""

from __future__ import annotations

import collections
import itertools
import os
import re
import signal
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import redis

from ainews.demo.server import DemoServer
from archive import Archive
from archive.verification import verify
from crawler.distributed import keys
from crawler.distributed.leases import Leases
from tests.conftest import AINEWS, REPO
from tests.crawler.distributed.servers import redis_server

SITES = ("demo-daily", "demo-wp", "demo-portal")
# Short windows so a dead worker's requests come back within seconds.
WORKER_OPTIONS = ("--exit-when-idle", "3", "--log-level=WARNING", "--set", "REDIS_LEASE_SECONDS=3",
                  "--set", "ARCHIVE_BATCH_SIZE=5", "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=2")


@pytest.fixture
def redis_url(tmp_path):
    with redis_server(tmp_path) as url:
        yield url


def ainews(root: Path | str, *args: str, env: dict[str, str] | None = None,
           ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([AINEWS, "--archive", str(root), *args], cwd=REPO, text=True,
                          capture_output=True, timeout=300, env={**os.environ, **(env or {})})


def seed(root: Path | str, redis_url: str, server: DemoServer, *sites: str,
         env: dict[str, str] | None = None) -> None:
    for site in sites:
        done = ainews(root, "crawl", site, "--base-url", server.base_url(site), "--redis",
                      redis_url, env=env)
        assert done.returncode == 0, done.stderr
        assert f"seeded {site}" in done.stdout


def worker(root: Path | str, redis_url: str, *args: str, env: dict[str, str] | None = None,
           ) -> subprocess.Popen[str]:
    return subprocess.Popen([AINEWS, "--archive", str(root), "worker", "--redis", redis_url,
                             *WORKER_OPTIONS, *args], cwd=REPO, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, **(env or {})})


def finish(process: subprocess.Popen[str]) -> tuple[str, str]:
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err[-3000:]
    return out, err


def archived(root: Path) -> list[dict[str, object]]:
    return Archive(root).sql(
        "SELECT site, count(*) AS versions, count(DISTINCT url) AS urls "
        "FROM article_versions GROUP BY site ORDER BY site").to_pylist()


def rows(root: Path) -> int:
    archive = Archive(root)
    return int(archive.sql("SELECT count(*) AS n FROM article_versions")["n"][0].as_py()) \
        if archive.exists() else 0


def wait_while(process: subprocess.Popen[str], condition: Callable[[], bool]) -> None:
    """Poll ``condition`` until it is false, the process ends, or two minutes pass."""
    deadline = time.monotonic() + 120
    while condition() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)


def pages_fetched(out: str, site: str) -> int:
    found = re.search(rf"{site}: (\d+) pages fetched", out)
    assert found, out
    return int(found.group(1))


def test_three_workers_archive_every_article_once_and_fetch_no_page_twice(tmp_path, redis_url):
    root = tmp_path / "archive"
    with DemoServer(ports={}) as server:
        seed(root, redis_url, server, *SITES)
        # Each serves every seeded site (one process per site).
        workers = [worker(root, redis_url) for _ in range(3)]
        outputs = [finish(w)[0] for w in workers]
        fetched = {site: collections.Counter(
            p for p in server.requests(site) if p != "/robots.txt") for site in SITES}
        totals = {site: len(server.sites[site].articles) for site in SITES}
    assert archived(root) == [{"site": s, "versions": totals[s], "urls": totals[s]}
                              for s in sorted(SITES)]
    for site in SITES:
        twice = [path for path, n in fetched[site].items() if n > 1]
        assert twice == [], f"{site}: fetched more than once: {twice[:5]}"
        # The work was shared: more than one worker fetched pages of some site.
    sharing = [sum(pages_fetched(out, site) > 0 for out in outputs) for site in SITES]
    assert max(sharing) > 1, outputs
    assert verify(Archive(root)) == []
    server_state = redis.Redis.from_url(redis_url)
    for site in SITES:
        assert server_state.zcard(keys.queue(site)) == 0
        assert server_state.scard(keys.workers(site)) == 0, "workers sign off when they stop"


def test_a_worker_killed_mid_crawl_loses_nothing_the_others_finish_once(tmp_path, redis_url):
    root = tmp_path / "archive"
    site = "demo-portal"
    state = redis.Redis.from_url(redis_url)
    # Slow responses so the kill lands mid-crawl.
    with DemoServer(ports={}, delay_s=0.05) as server:
        total = len(server.sites[site].articles)
        seed(root, redis_url, server, site)
        victim = worker(root, redis_url, site, "--set", "WORKER_ID=victim")
        wait_while(victim, lambda: rows(root) < 5 or not state.hlen(keys.held(site, "victim")))
        others = [worker(root, redis_url, site) for _ in range(2)]
        time.sleep(1.0)
        held = state.hlen(keys.held(site, "victim"))
        assert held > 0, "the victim should hold requests when it is killed"
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait(timeout=30)
        errors = [finish(w)[1] for w in others]
    assert rows(root) < total or held, "the kill should land mid-crawl"
    assert archived(root) == [{"site": site, "versions": total, "urls": total}]
    assert any("worker victim of demo-portal stopped answering" in err for err in errors), errors
    assert not state.exists(keys.held(site, "victim"))
    assert verify(Archive(root)) == []


def test_a_late_worker_takes_work_and_a_stopped_one_gives_its_work_back(tmp_path, redis_url):
    root = tmp_path / "archive"
    site = "demo-wp"
    state = redis.Redis.from_url(redis_url)
    with DemoServer(ports={}, delay_s=0.05) as server:
        total = len(server.sites[site].articles)
        seed(root, redis_url, server, site)
        first = worker(root, redis_url, site, "--set", "WORKER_ID=first")
        wait_while(first, lambda: rows(root) < 10)
        late = worker(root, redis_url, site)
        time.sleep(2.0)
        assert first.poll() is None, "the first worker should still be crawling"
        first.send_signal(signal.SIGTERM)
        out_first, _ = finish(first)  # a clean stop: exit 0, what it held is back in Redis
        assert not state.exists(keys.held(site, "first"))
        out_late, _ = finish(late)
    assert pages_fetched(out_late, site) > 0
    assert pages_fetched(out_first, site) > 0
    assert archived(root) == [{"site": site, "versions": total, "urls": total}]
    assert verify(Archive(root)) == []


def test_enqueued_urls_are_fetched_once_by_the_workers(tmp_path, redis_url):
    root = tmp_path / "archive"
    site = "demo-daily"
    with DemoServer(ports={}) as server:
        base = server.base_url(site)
        paths = [a.path for a in server.sites[site].articles[:3]]
        # The site is registered (with its origin) by seeding; nothing is seeded for it here.
        state = redis.Redis.from_url(redis_url)
        seed(root, redis_url, server, site)
        state.delete(keys.queue(site))
        given = subprocess.run(
            [AINEWS, "enqueue", "--redis", redis_url, "-"], cwd=REPO, text=True,
            capture_output=True, input="".join(f"{base}{p}\n" for p in paths), timeout=60)
        assert given.returncode == 0, given.stderr
        assert f"{site}: 3 queued" in given.stdout
        again = subprocess.run([AINEWS, "enqueue", "--redis", redis_url, f"{base}{paths[0]}"],
                               cwd=REPO, text=True, capture_output=True, timeout=60)
        assert "1 already seen" in again.stdout
        finish(worker(root, redis_url, site))
        fetched = [p for p in server.requests(site) if p in paths]
    assert sorted(fetched) == sorted(paths)
    assert archived(root) == [{"site": site, "versions": 3, "urls": 3}]


def test_leases_come_back_from_dead_workers_only(tmp_path, redis_url):
    server = redis.Redis.from_url(redis_url)
    queue = keys.queue("s")
    for n in range(4):
        server.zadd(queue, {f"request-{n}".encode(): n})
    alive = Leases(server, "s", "alive", ttl_s=30)
    dead = Leases(server, "s", "dead", ttl_s=1)
    alive.register()
    dead.register()
    first = dead.take()
    second = dead.take()
    assert first is not None and second is not None
    assert (first[1], second[1]) == (b"request-0", b"request-1")
    dead.release(first[0])
    assert server.zcard(queue) == 2 and dead.held() == 1
    assert alive.reclaim_dead() == 0, "a live worker's leases are its own"
    server.delete(keys.alive("s", "dead"))  # its heartbeat ran out
    assert alive.reclaim_dead() == 1
    assert alive.reclaim_dead() == 0, "returned once"
    # Back at its own score: the best request again.
    assert alive.take() is not None and alive.held() == 1
    assert server.zrange(queue, 0, -1) == [b"request-2", b"request-3"]
    assert alive.give_back() == 1
    assert server.zcard(queue) == 3 and not server.sismember(keys.workers("s"), "alive")


def test_the_politeness_slot_is_shared_by_every_worker(redis_url):
    from crawler.distributed.politeness import _RESERVE

    server = redis.Redis.from_url(redis_url)
    reserve = [server.register_script(_RESERVE) for _ in range(3)]  # three workers
    waits = [int(reserve[n % 3](keys=[keys.slot("example.com")], args=[200_000]))
             for n in range(9)]
    # Nine requests reserved at once are spaced one delay (0.2 s) apart, whoever asked.
    gaps = [later - earlier for earlier, later in itertools.pairwise(waits)]
    assert waits[0] <= 1_000
    assert all(195_000 <= gap <= 205_000 for gap in gaps), gaps
    other = int(reserve[0](keys=[keys.slot("other.example")], args=[200_000]))
    assert other <= 1_000, "each host has its own slot"


def test_workers_discover_a_site_without_a_profile(tmp_path, redis_url):
    root = tmp_path / "archive"
    with DemoServer(ports={}) as server:
        start = server.base_url("demo-wp") + "/"
        seeded = ainews(root, "crawl", start, "--discover", "--redis", redis_url)
        assert seeded.returncode == 0, seeded.stderr
        fast = ("--set", "CONCURRENT_REQUESTS_PER_DOMAIN=8", "--set", "DOWNLOAD_DELAY=0",
                "--set", "AUTOTHROTTLE_ENABLED=False")
        workers = [worker(root, redis_url, *fast) for _ in range(2)]  # every seeded site
        for process in workers:
            finish(process)
        total = len(server.sites["demo-wp"].articles)
        fetched = collections.Counter(p for p in server.requests("demo-wp") if p != "/robots.txt")
    found = Archive(root).sql("SELECT count(*) AS n, count(DISTINCT url) AS urls "
                              "FROM article_versions").to_pylist()
    assert found == [{"n": total, "urls": total}]
    assert [p for p, n in fetched.items() if n > 1] == []


def test_two_workers_keep_one_delay_between_requests_to_a_site(tmp_path, redis_url, monkeypatch):
    from ainews.demo import server as demo

    arrivals: list[float] = []
    original = demo._Handler.do_GET

    def timed(handler):
        if handler.path != "/robots.txt":
            arrivals.append(time.monotonic())
        original(handler)

    monkeypatch.setattr(demo._Handler, "do_GET", timed)
    root = tmp_path / "archive"
    site = "demo-daily"
    with DemoServer(ports={}) as server:
        base = server.base_url(site)
        seed(root, redis_url, server, site)
        redis.Redis.from_url(redis_url).delete(keys.queue(site))
        urls = "".join(f"{base}{a.path}\n" for a in server.sites[site].articles[:24])
        given = subprocess.run([AINEWS, "enqueue", "--redis", redis_url], cwd=REPO, text=True,
                               capture_output=True, input=urls, timeout=60)
        assert given.returncode == 0, given.stderr
        polite = ("--set", "DOWNLOAD_DELAY=0.25", "--set", "AUTOTHROTTLE_ENABLED=False",
                  "--set", "RANDOMIZE_DOWNLOAD_DELAY=False")
        outputs = [finish(w)[0] for w in [worker(root, redis_url, site, *polite)
                                         for _ in range(2)]]
    assert len(arrivals) == 24
    assert all(pages_fetched(out, site) > 0 for out in outputs), "both workers took part"
    times = sorted(arrivals)
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    # One site, two processes, one slot: requests a delay apart, so 24 of them span 23
    # delays; each worker alone would allow two at a time (about half that span). A loaded
    # machine may wake one request late and bring it near the next: judge the rate and the
    # typical gap, not the single closest pair.
    assert times[-1] - times[0] >= 0.9 * 23 * 0.25, gaps
    assert statistics.median(gaps) >= 0.2, sorted(gaps)


def test_a_redis_password_is_never_printed(tmp_path, demo_server):
    secret = "s3cret-pass-word"
    with redis_server(tmp_path, password=secret) as url:
        seeded = subprocess.run(
            [AINEWS, "--archive", str(tmp_path / "a"), "crawl", "demo-daily", "--base-url",
             demo_server.base_url("demo-daily"), "--redis", url],
            cwd=REPO, capture_output=True, text=True, timeout=120, check=False)
        assert seeded.returncode == 0, seeded.stderr
        assert "seeded demo-daily" in seeded.stdout
        wrong = url.replace(secret, "wrong-" + secret)
        refused = subprocess.run([AINEWS, "worker", "--redis", wrong], cwd=REPO,
                                 capture_output=True, text=True, timeout=60, check=False)
        assert refused.returncode == 2 and "cannot reach Redis" in refused.stderr
    for output in (seeded.stdout, seeded.stderr, refused.stdout, refused.stderr):
        assert secret not in output


def test_a_workers_log_names_no_redis_password(tmp_path, demo_server):
    secret = "an0ther-secret"
    with redis_server(tmp_path, password=secret) as url:
        subprocess.run([AINEWS, "--archive", str(tmp_path / "a"), "crawl", "demo-daily",
                        "--base-url", demo_server.base_url("demo-daily"), "--redis", url],
                       cwd=REPO, capture_output=True, text=True, timeout=120, check=True)
        worked = subprocess.run(
            [AINEWS, "--archive", str(tmp_path / "a"), "worker", "--redis", url,
             "--exit-when-idle", "1", "--log-level=INFO", "--set", "CLOSESPIDER_PAGECOUNT=3"],
            cwd=REPO, capture_output=True, text=True, timeout=180, check=False)
    assert "Overridden settings" in worked.stderr or "Spider opened" in worked.stderr
    assert secret not in worked.stdout + worked.stderr
