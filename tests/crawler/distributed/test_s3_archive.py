"""The archive on S3-compatible storage (moto's server on 127.0.0.1): workers write it, and
every archive command works there."""

from __future__ import annotations

import json
import subprocess

import pyarrow.parquet as pq
import pytest

from ainews.demo.server import DemoServer
from archive import Archive
from archive.verification import verify
from tests.archive.test_concurrent_writers import four_writers_lose_and_double_nothing
from tests.conftest import REPO
from tests.crawler.distributed.servers import environment, redis_server, s3_server
from tests.crawler.distributed.test_workers import AINEWS, ainews, finish, seed, worker

ROOT = "s3://news/archive"


@pytest.fixture
def s3_env():
    with s3_server() as env, environment(env):
        yield env


def test_workers_crawl_into_s3_and_every_command_works_there(tmp_path, s3_env):
    sites = ("demo-daily", "demo-wp")
    with redis_server(tmp_path) as redis_url, DemoServer(ports={}) as server:
        seed(ROOT, redis_url, server, *sites, env=s3_env)
        for process in [worker(ROOT, redis_url, env=s3_env) for _ in range(2)]:
            finish(process)
        total = sum(len(server.sites[s].articles) for s in sites)
    archive = Archive(ROOT)
    counts = archive.sql("SELECT count(*) AS n, count(DISTINCT url) AS urls "
                         "FROM article_versions").to_pylist()
    assert counts == [{"n": total, "urls": total}]

    query = ainews(ROOT, "query", "SELECT site, count(*) AS n FROM articles GROUP BY 1 "
                   "ORDER BY 1", "--format", "json", env=s3_env)
    assert query.returncode == 0, query.stderr
    assert [json.loads(line) for line in query.stdout.splitlines()] == [
        {"site": "demo-daily", "n": 80}, {"site": "demo-wp", "n": 80}]
    stats = ainews(ROOT, "stats", env=s3_env)
    assert stats.returncode == 0 and f"{total} articles" in stats.stdout, stats.stderr
    runs = ainews(ROOT, "runs", env=s3_env)
    assert runs.returncode == 0, runs.stderr

    # Search: the index in a local cache folder, from the CLI, from Python, over MCP.
    cached = {**s3_env, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    wanted = archive.sql("SELECT url, title FROM articles WHERE site = 'demo-wp' "
                         "ORDER BY url LIMIT 1").to_pylist()[0]
    found = ainews(ROOT, "search", f'"{wanted["title"]}"', "--json", env=cached)
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout.splitlines()[0])["url"] == wanted["url"]
    assert any((tmp_path / "cache" / "ainews" / "search").rglob("index.sqlite3"))
    from tests.ainews.test_mcp import drive_mcp

    async def ask(session):
        return await session.call_tool("search_articles", {"query": wanted["title"]})

    answer = drive_mcp(ROOT, tmp_path / "cache", ask)
    assert not answer.is_error and wanted["url"] in answer.content[0].text

    out = tmp_path / "articles.parquet"
    export = ainews(ROOT, "export", "--out", str(out), env=s3_env)
    assert export.returncode == 0, export.stderr
    assert pq.read_table(out).num_rows == total

    again = ainews(ROOT, "reextract", "--site", "demo-daily", env=s3_env)
    assert again.returncode == 0, again.stderr
    assert "0 new articles" in again.stdout

    maintained = ainews(ROOT, "maintain", env=s3_env)
    assert maintained.returncode == 0, maintained.stderr
    checked = ainews(ROOT, "verify", env=s3_env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert verify(Archive(ROOT)) == []
    # Compaction rewrote the small files; the articles read the same.
    assert Archive(ROOT).sql("SELECT count(*) AS n FROM articles")["n"][0].as_py() == total


def test_four_processes_appending_to_one_s3_archive_lose_and_double_nothing(s3_env):
    four_writers_lose_and_double_nothing("s3://news/writers", batches=5)


def test_an_unreachable_bucket_is_one_clear_line(tmp_path, s3_env):
    done = subprocess.run([AINEWS, "--archive", "s3://no-such-bucket/a", "stats"], cwd=REPO,
                          text=True, capture_output=True, timeout=60)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert done.stderr.startswith("ainews: error:")


@pytest.mark.parametrize("rule", ["first", "every:2", "random:0.4:7"])
def test_commits_whose_answers_are_lost_are_stored_once_and_not_called_failed(tmp_path, s3_env,
                                                                              rule):
    from datetime import UTC, datetime

    from tests.crawler.distributed.servers import lossy_proxy

    log = tmp_path / "dropped.log"
    root = f"s3://news/lossy-{rule.replace(':', '-')}"
    with lossy_proxy(s3_env["AWS_ENDPOINT_URL"], rule, log) as url, \
            environment({"AWS_ENDPOINT_URL": url}):
        archive = Archive(root)
        for batch in range(3):
            rows = [{"url": f"https://example.com/{batch}-{i}.html", "site": "example",
                     "text": f"第{batch}批第{i}篇。" + "正文" * 30,
                     "fetched_at": datetime.now(UTC)} for i in range(10)]
            pages = [{"url": r["url"], "final_url": r["url"], "site": "example",
                      "http_status": 200, "body": b"<html></html>", "headers": {},
                      "fetched_at": r["fetched_at"]} for r in rows]
            assert archive.append(rows, pages).added == 10
    assert log.exists(), "some answers should have been lost"
    reread = Archive(root)
    counts = reread.sql("SELECT count(*) AS n, count(DISTINCT url) AS u FROM article_versions")
    assert counts.to_pylist() == [{"n": 30, "u": 30}]
    pages_count = reread.sql("SELECT count(*) AS n, count(DISTINCT url) AS u FROM pages")
    assert pages_count.to_pylist() == [{"n": 30, "u": 30}]
    assert verify(reread) == []


def test_object_storage_locks_keep_a_second_writer_of_a_site_out(s3_env):
    import json as json_module

    from archive.location import Location
    from archive.locks import LockHeld, leased

    folder = Location("s3://news/locked/_locks")
    with leased(folder, ["site-demo"], what="a crawl of demo"):
        with pytest.raises(LockHeld, match="writing the same site"), \
                leased(folder, ["site-demo"], what="another crawl of demo"):
            pass
        with leased(folder, ["site-other"], what="a crawl of other"):
            pass  # another site is free
    # Released: the next writer gets it; workers share it among themselves.
    with leased(folder, ["site-demo"], what="a worker", shared=True), \
            leased(folder, ["site-demo"], what="a worker", shared=True), \
            pytest.raises(LockHeld), leased(folder, ["site-demo"], what="a crawl"):
        pass
    # A claim nobody renewed for the lease's length is abandoned, not a lock for ever.
    stale = folder / "site-demo" / "00000000000000000001-dead-exclusive"
    stale.write_text(json_module.dumps({"pid": 1, "host": "gone", "renewed_at": 0}))
    with leased(folder, ["site-demo"], what="a crawl of demo"):
        pass


def test_a_second_crawl_of_a_site_into_s3_is_refused(tmp_path, s3_env):
    with DemoServer(ports={}, delay_s=0.05) as server:
        first = subprocess.Popen(
            [AINEWS, "--archive", ROOT, "crawl", "demo-daily", "--base-url",
             server.base_url("demo-daily"), "--log-level=WARNING", "--jobs-dir",
             str(tmp_path / "jobs1")], cwd=REPO, text=True, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE)
        import time

        deadline = time.monotonic() + 60
        while not server.requests("demo-daily") and time.monotonic() < deadline:
            time.sleep(0.05)
        second = ainews(ROOT, "crawl", "demo-daily", "--base-url",
                        server.base_url("demo-daily"), "--jobs-dir", str(tmp_path / "jobs2"),
                        env=s3_env)
        _, err = first.communicate(timeout=300)
        assert first.returncode == 0, err[-2000:]
    assert second.returncode == 2 and "writing the same site" in second.stderr, second.stderr
    counts = Archive(ROOT).sql("SELECT count(*) AS n, count(DISTINCT url) AS u "
                               "FROM article_versions").to_pylist()
    assert counts[0]["n"] == counts[0]["u"] == 80
