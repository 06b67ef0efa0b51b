"""Workers through Redis outages: restarts with and without persistence, a full Redis."""

from __future__ import annotations

import time

import pytest

from ainews.demo.server import DemoServer
from archive import Archive
from archive.verification import verify
from tests.crawler.distributed.servers import RestartableRedis
from tests.crawler.distributed.test_workers import ainews, rows, seed, wait_while, worker

SITE = "demo-portal"
PATIENCE = ("--set", "REDIS_OUTAGE_SECONDS=30")


def _urls(root) -> list[str]:
    return Archive(root).to_arrow(columns=["url"]).column("url").to_pylist()


@pytest.mark.parametrize("persist", [True, False], ids=["aof", "no-persistence"])
def test_a_redis_restart_mid_crawl_loses_no_article(tmp_path, persist):
    root = tmp_path / "archive"
    data = tmp_path / "redis"
    data.mkdir()
    server_redis = RestartableRedis(data, persist=persist).start()
    try:
        with DemoServer(ports={}, delay_s=0.05) as server:
            total = len(server.sites[SITE].articles)
            seed(root, server_redis.url, server, SITE)
            crawling = worker(root, server_redis.url, SITE, *PATIENCE)
            wait_while(crawling, lambda: rows(root) < 10)
            assert crawling.poll() is None, "the restart should land mid-crawl"
            server_redis.stop()
            time.sleep(1.0)
            server_redis.start()
            _, err = crawling.communicate(timeout=300)
            if persist:
                # Ridden out: the worker waited, went on and finished the crawl.
                assert crawling.returncode == 0, err[-2000:]
                assert "Redis unreachable" in err and "Redis answers again" in err
            else:
                # The frontier is gone: no "finished" with exit 0, but a failure that says so.
                assert crawling.returncode == 1, err[-2000:]
                assert "lost its data" in err and "seed the site again" in err
                seed(root, server_redis.url, server, SITE)
                again = worker(root, server_redis.url, SITE, *PATIENCE)
                _, err = again.communicate(timeout=300)
                assert again.returncode == 0, err[-2000:]
        urls = _urls(root)
        assert len(urls) == len(set(urls)) == total
        assert verify(Archive(root)) == []
    finally:
        server_redis.stop()


def test_a_full_redis_stops_a_worker_loudly(tmp_path):
    root = tmp_path / "archive"
    data = tmp_path / "redis"
    data.mkdir()
    server_redis = RestartableRedis(data, persist=False, maxmemory="3mb").start()
    try:
        with DemoServer(ports={}) as server:
            seed(root, server_redis.url, server, SITE)
            # Fill what is left of the memory limit.
            import redis as client

            filler = client.Redis.from_url(server_redis.url)
            with pytest.raises(client.exceptions.OutOfMemoryError):
                for n in range(10_000):
                    filler.set(f"filler:{n}", b"x" * 4096)
            done = ainews(root, "worker", "--redis", server_redis.url, SITE,
                          "--exit-when-idle", "3", "--log-level=WARNING", *PATIENCE)
        assert done.returncode == 1, done.stderr[-2000:]
        assert "Redis refused" in done.stderr
    finally:
        server_redis.stop()
