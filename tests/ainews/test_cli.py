"""The ``ainews`` command line, run as a real subprocess against the demo server."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ainews.jobs import archive_key
from archive import Archive
from tests.conftest import REPO, ainews

FIXTURE = REPO / "tests" / "fixtures" / "aigcdaily_article.html"


def run(*args: str, archive: Path | None = None, cwd: Path | None = None, timeout: int = 120):
    return ainews(*args, archive=archive, cwd=cwd, timeout=timeout)


def test_crawl_subprocess_then_query_and_stats(demo_server, tmp_path):
    archive = tmp_path / "archive"
    result = run("crawl", "demo-daily", "--base-url", demo_server.base_url("demo-daily"),
                 "--log-level=WARNING", archive=archive)
    assert result.returncode == 0, result.stderr
    expected = len(demo_server.sites["demo-daily"].articles)
    assert f"{expected} articles archived" in result.stdout
    assert Archive(archive).to_arrow().num_rows == expected

    as_json = run("query", "SELECT category, count(*) AS n FROM articles GROUP BY 1 ORDER BY 1",
                  "--format", "json", archive=archive)
    rows = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert sum(r["n"] for r in rows) == expected
    assert {r["category"] for r in rows} == {"AI大模型", "AI应用", "AI芯片", "行业动态"}

    as_csv = run("query", "SELECT title, authors FROM articles ORDER BY title LIMIT 3",
                 "--format", "csv", archive=archive)
    parsed = list(csv.reader(io.StringIO(as_csv.stdout)))
    assert parsed[0] == ["title", "authors"] and len(parsed) == 4

    table = run("query", "SELECT count(*) AS n FROM articles", archive=archive)
    assert table.stdout.split()[-1] == str(expected)

    stats = run("stats", archive=archive)
    assert stats.returncode == 0 and f"{expected} articles" in stats.stdout


def test_scrapy_crawl_works_too(demo_server, tmp_path):
    archive = tmp_path / "archive"
    env = {**os.environ, "AINEWS_ARCHIVE": str(archive)}
    result = subprocess.run(
        [str(Path(sys.executable).parent / "scrapy"), "crawl", "demo-wp", "-a",
         f"base_url={demo_server.base_url('demo-wp')}", "-s", "LOG_LEVEL=WARNING"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert Archive(archive).to_arrow().num_rows == len(demo_server.sites["demo-wp"].articles)


def test_extract_explain_is_pinned_on_a_golden_page():
    from scripts.regen_golden import EXPLAINED, FETCHED_AT, GOLDEN, page_url

    for pinned in sorted(EXPLAINED.glob("*.txt")):
        result = run("extract", str(GOLDEN / f"{pinned.stem}.html"), "--explain",
                     "--url", page_url(pinned.stem), "--fetched-at", FETCHED_AT.isoformat())
        assert result.returncode == 0, result.stderr
        # The page-type verdict comes first (the classifier's, tested on its own); then the
        # fields as pinned.
        verdict, fields = result.stdout.split("\n", 1)
        assert verdict.startswith("page: article p(article)=")
        assert fields == pinned.read_text(encoding="utf-8"), (
            "run `python scripts/regen_golden.py` after an intended change")
        for field in ("title:", "authors:", "editors:", "source:", "published:"):
            assert field in result.stdout


def test_extract_explain_with_a_site_override_and_bad_input(tmp_path):
    import gzip

    from scripts.regen_golden import site_pages

    _, page = next((n, p) for n, p in site_pages() if n == "demo-wp")
    html = tmp_path / "page.html"
    html.write_bytes(gzip.decompress(page.read_bytes()))
    result = run("extract", str(html), "--site", "demo-wp", "--explain")
    assert result.returncode == 0, result.stderr
    authors = result.stdout.split("authors:")[1].split("editors:")[0]
    assert "admin" in authors and "override" in authors
    bad = run("extract", str(FIXTURE), "--fetched-at", "yesterday")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
    unknown = run("extract", str(FIXTURE), "--site", "no-such-site")
    assert unknown.returncode == 2 and "unknown site" in unknown.stderr


def test_extract_prints_the_fields():
    result = run("extract", str(FIXTURE), "--url", "https://www.aigcdaily.cn/news/123.html")
    assert result.returncode == 0, result.stderr
    article = json.loads(result.stdout)
    assert article["title"] == "大模型训练的电费账单,到底有多贵?"
    assert article["authors"] == ["算力观察室"]
    assert article["published_at"] == "2024-11-07T16:00:00+00:00"
    assert article["category"] == "AI大模型"
    assert "Copyright" not in article["text"]


def test_fetch_json_without_archive(demo_server, tmp_path):
    site = demo_server.sites["demo-portal"]
    url = demo_server.base_url("demo-portal") + site.articles[1].path
    result = run("fetch", url, "--json", "--no-archive", archive=tmp_path / "a")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    article = json.loads(lines[0])
    assert article["url"] == url
    assert article["title"] == site.articles[1].title
    assert article["authors"] == site.articles[1].authors
    assert article["source"] == site.articles[1].source
    assert article["published_at"].startswith(f"{site.articles[1].published_at.astimezone():%Y}")
    assert not (tmp_path / "a").exists()


def test_fetch_archives_by_default(demo_server, tmp_path):
    site = demo_server.sites["demo-daily"]
    urls = [demo_server.base_url("demo-daily") + a.path for a in site.articles[:2]]
    result = run("--log-level=WARNING", "fetch", *urls, archive=tmp_path / "a")
    assert result.returncode == 0, result.stderr
    archived = Archive(tmp_path / "a").to_arrow(columns=["url"]).column("url").to_pylist()
    assert sorted(archived) == sorted(urls)


@pytest.mark.parametrize(
    "args",
    [
        ("extract", "/no/such/file.html"),
        ("fetch", "not-a-url"),
        ("fetch", "ftp://example.cn/a.html"),
        ("fetch", "file:///etc/passwd"),
        ("fetch", "http://[::1"),
        ("fetch", "http://example.cn:99999/"),
        ("crawl", "no-such-site"),
        ("crawl", "demo-daily", "--base-url", "javascript:alert(1)"),
        ("extract", str(FIXTURE), "--url", "data:text/html,x"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args, tmp_path):
    result = run(*args, archive=tmp_path / "a", timeout=60)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("ainews: error:")
    assert "Traceback" not in result.stderr


def test_query_on_a_damaged_archive_is_one_line(tmp_path):
    archive = tmp_path / "a"
    (archive / "articles" / "_delta_log").mkdir(parents=True)
    (archive / "articles" / "_delta_log" / "00000000000000000000.json").write_text("{not json")
    result = run("query", "SELECT 1", archive=archive)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_sites_lists_every_profile():
    result = run("sites")
    assert result.returncode == 0
    for name in ("aigcdaily", "demo-daily", "demo-wp", "demo-portal"):
        assert name in result.stdout
    # The real-site profiles were written offline: the table says so.
    row = next(line for line in result.stdout.splitlines() if line.startswith("aigcdaily "))
    assert row.split()[-1] == "no"


def test_archive_commands_end_to_end(demo_server, tmp_path):
    archive = tmp_path / "archive"
    assert run("crawl", "demo-portal", "--base-url", demo_server.base_url("demo-portal"),
               "--log-level=WARNING", archive=archive).returncode == 0
    runs = run("runs", archive=archive)
    assert runs.returncode == 0 and "demo-portal" in runs.stdout and "finished" in runs.stdout
    assert run("verify", archive=archive).stdout.strip() == "archive OK"
    assert run("maintain", archive=archive).returncode == 0
    assert "stories" in run("dedup", "--rebuild", archive=archive).stdout
    reextracted = run("reextract", "--site", "demo-portal", archive=archive)
    assert "0 new versions" in reextracted.stdout
    out = tmp_path / "out.csv"
    exported = run("export", "--format", "csv", "--out", str(out), archive=archive)
    assert exported.returncode == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) > 1
    before = run("query", "SELECT count(*) AS n FROM articles", "--format", "json",
                 "--as-of", "0", archive=archive)
    assert before.returncode == 0 and json.loads(before.stdout)["n"] > 0
    # A removed data file the log lists: verify names it and exits 1.
    from deltalake import DeltaTable

    victim = Path(DeltaTable(str(archive / "articles")).file_uris()[0])
    victim.unlink()
    broken = run("verify", archive=archive)
    assert broken.returncode == 1 and victim.name in broken.stderr


def test_archive_commands_need_an_archive(tmp_path):
    for command in (("runs",), ("maintain",), ("dedup",), ("export", "--out", "x.parquet")):
        result = run(*command, archive=tmp_path / "none")
        assert result.returncode == 2 and "no archive" in result.stderr, command


def _free_port_base(count: int = 3) -> int:
    """A first port of ``count`` consecutive free loopback ports."""
    import random
    import socket

    while True:
        base = random.randrange(20000, 60000)
        with contextlib.ExitStack() as held:
            try:
                for port in range(base, base + count):
                    held.enter_context(socket.socket()).bind(("127.0.0.1", port))
            except OSError:
                continue
        return base


def test_demo_twice_fetches_no_article_the_second_time_even_on_other_ports(tmp_path):
    import socket

    archive = tmp_path / "archive"
    # Ports of this test's own (the default ones may be another test's demo).
    base = _free_port_base()
    first = run("demo", "--port-base", str(base), archive=archive, timeout=300)
    assert first.returncode == 0, first.stderr
    assert first.stdout.count("80 articles archived (80 new, 0 updated)") == 3
    assert "240 articles" in first.stdout and "Newest:" in first.stdout
    # The ports taken by something else: the demo moves, its articles keep their ids.
    with contextlib.ExitStack() as held:
        for port in range(base, base + 3):
            taken = held.enter_context(socket.socket())
            # The demo's closed connections leave the port in TIME_WAIT; a listener here
            # still keeps any other server off it.
            taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            taken.bind(("127.0.0.1", port))
            taken.listen()
        second = run("demo", "--port-base", str(base), archive=archive, timeout=300)
    assert f"ports {base}-{base + 2} are busy" in second.stderr
    assert second.returncode == 0, second.stderr
    # Listing page 1 holds only archived articles: pagination stops there; young articles
    # are revisited with conditional GETs, the rest not requested at all.
    assert second.stdout.count("(0 new, ") == 3
    assert "240 articles" in second.stdout


def test_fetch_of_an_unreachable_url_says_why_in_one_line(tmp_path):
    import socket

    with socket.socket() as probe:  # a loopback port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = run("fetch", f"http://127.0.0.1:{port}/a.html", "--set", "RETRY_TIMES=0",
                 archive=tmp_path / "a")
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "fetch failed" in result.stderr and "Traceback" not in result.stderr


def test_crawl_a_url_without_profile_discovers_the_site(demo_server, tmp_path):
    base = demo_server.base_url("demo-portal")
    result = run("crawl", base + "/", "--set", "DOWNLOAD_DELAY=0", "--set",
                 "AUTOTHROTTLE_ENABLED=False", "--set", "REVISIT_WINDOW_DAYS=0",
                 archive=tmp_path / "a")
    assert result.returncode == 0, result.stderr
    site = "127.0.0.1"  # the host: a site's name never carries its port
    total = len(demo_server.sites["demo-portal"].articles)
    assert result.stdout.startswith(f"{site}: ")
    assert f"{total} articles archived ({total} new, 0 updated)" in result.stdout
    rows = Archive(tmp_path / "a").to_arrow(columns=["url", "site"]).to_pylist()
    assert {r["site"] for r in rows} == {site} and len(rows) == total
    jobs = tmp_path / "jobs" / archive_key(str((tmp_path / "a").resolve())) / site
    assert not list(jobs.iterdir())  # finished: no job left behind


def test_query_and_export_cannot_touch_files_outside_the_archive(demo_server, tmp_path):
    archive = tmp_path / "archive"
    crawled = run("crawl", "demo-portal", "--base-url", demo_server.base_url("demo-portal"),
                  "--log-level=WARNING", archive=archive)
    assert crawled.returncode == 0, crawled.stderr
    stolen = tmp_path / "stolen.csv"
    for sql in ("SELECT * FROM read_csv('/etc/passwd')",
                f"COPY (SELECT 1) TO '{stolen}'",
                f"ATTACH '{tmp_path / 'other.db'}'",
                "SET enable_external_access = true"):
        result = run("query", sql, archive=archive)
        assert result.returncode == 2, (sql, result.stdout)
        assert result.stderr.count("\n") == 1
        assert "query failed" in result.stderr or "SELECT statements only" in result.stderr
    assert not stolen.exists() and not (tmp_path / "other.db").exists()
    # Nor inside it: the sandbox lets DuckDB reach the archive's data files, and a COPY over
    # one of them (no temporary file) would truncate committed rows.
    data_file = next((archive / "articles").rglob("*.parquet"))
    size = data_file.stat().st_size
    for sql in (f"COPY (SELECT 1 AS x) TO '{data_file}' (FORMAT parquet, use_tmp_file false)",
                f"SELECT 1; COPY (SELECT 1 AS x) TO '{data_file}' (FORMAT parquet)", "", "  ;"):
        result = run("query", sql, archive=archive)
        assert result.returncode == 2 and result.stderr.count("\n") == 1, (sql, result.stderr)
    assert data_file.stat().st_size == size
    # the archive itself still answers, and export writes only its own file
    counted = run("query", "SELECT count(*) AS n FROM articles", "--format", "json",
                  archive=archive)
    assert json.loads(counted.stdout.splitlines()[0])["n"] > 0
    out = tmp_path / "out.parquet"
    sneaky = f"true) TO '{stolen}' (FORMAT csv); SELECT (1"
    assert run("export", "--out", str(out), "--where", sneaky, archive=archive).returncode == 2
    assert not stolen.exists()
    done = run("export", "--out", str(out), "--where", "category IS NOT NULL", archive=archive)
    assert done.returncode == 0, done.stderr and out.exists()


def test_query_json_prints_every_duckdb_type(tmp_path):
    from archive import Archive

    Archive(tmp_path / "a").append([{"url": "https://example.com/1.html", "site": "example",
                                     "text": "正文" * 30, "fetched_at": datetime.now(UTC)}])
    result = run("query", "SELECT 1.5::DECIMAL(4,2) AS d, DATE '2024-01-03' AS day, "
                 "'ab'::BLOB AS b, INTERVAL 3 HOUR AS i, TIME '10:00' AS t, uuid() AS u, "
                 "{'a': 1} AS s, [1, 2] AS l, 'inf'::DOUBLE AS x", "--format", "json",
                 archive=tmp_path / "a")
    assert result.returncode == 0, result.stderr
    row = json.loads(result.stdout)
    assert row["d"] == "1.50" and row["day"] == "2024-01-03" and row["i"] == "P0M0DT10800S"
    assert row["x"] is None and "Infinity" not in result.stdout
    assert row["b"] == "YWI=" and row["t"] == "10:00:00" and row["s"] == {"a": 1}


def test_demo_server_on_busy_ports_and_unwritable_reports_are_one_line(tmp_path):
    import socket

    from archive import Archive

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = run("demo-server", "--port-base", str(port), timeout=30)
    assert busy.returncode == 2 and busy.stderr.count("\n") == 1, busy.stderr
    assert "--port-base" in busy.stderr
    archive = tmp_path / "a"
    Archive(archive).append([{"url": "https://example.com/1.html", "site": "example",
                              "text": "正文" * 30, "fetched_at": datetime.now(UTC)}])
    for out in ("/proc/ainews-report.html", str(tmp_path)):
        result = run("report", "--out", out, archive=archive)
        assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
        assert "Traceback" not in result.stderr
