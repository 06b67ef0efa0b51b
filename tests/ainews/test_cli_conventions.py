"""CLI conventions: options anywhere, --version, --json, stdin and stdout, exit codes, quiet."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from wcwidth import wcswidth

from archive import Archive
from tests.conftest import AINEWS, REPO, ainews_here, run_ainews

FIXTURE = REPO / "tests" / "fixtures" / "aigcdaily_article.html"
# Commands that crawl need a process of their own (Scrapy's reactor starts once per process);
# the rest run here, through the same entry point.
run = ainews_here


@pytest.fixture(scope="module")
def archived(demo_server, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("conventions") / "archive"
    done = run_ainews("crawl", "demo-portal", "--archive", str(root), "--base-url",
               demo_server.base_url("demo-portal"), "--log-level=WARNING")
    assert done.returncode == 0, done.stderr
    return root


def test_archive_is_accepted_after_the_subcommand_and_the_last_one_wins(archived, tmp_path):
    after = run("stats", "--archive", str(archived))
    before = run("--archive", str(tmp_path / "nothing"), "stats", "--archive", str(archived))
    assert after.returncode == before.returncode == 0, after.stderr + before.stderr
    assert after.stdout == before.stdout and "80 articles" in after.stdout


def test_version_and_a_description_on_every_command():
    version = run("--version")
    assert version.returncode == 0 and version.stdout.startswith("ainews, version ")
    listing = run("--help").stdout
    commands = [line.split()[0] for line in listing.split("Commands:")[1].splitlines()
                if line.strip()]
    assert {"crawl", "fetch", "report", "schema", "completion"} <= set(commands)
    for command in commands:
        shown = run(command, "--help")
        assert shown.returncode == 0, command
        assert len(shown.stdout.split("\n\n")[1].strip()) > 10, f"{command} has no description"


@pytest.mark.parametrize("command", ["stats", "runs", "health", "sites"])
def test_json_output(archived, command):
    done = run(command, "--json", "--archive", str(archived))
    assert done.returncode in (0, 1), done.stderr  # health: 1 on drift
    documents = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    assert documents
    if command == "stats":
        assert documents[0]["total"] == 80
    if command == "runs":
        assert documents[0]["started_at"].endswith("+00:00")
    if command == "sites":
        assert {"demo-daily", "aigcdaily"} <= {d["site"] for d in documents}


def test_stdin_for_urls_and_html_and_stdout_for_exports(archived, demo_server, tmp_path):
    urls = [demo_server.base_url("demo-daily") + a.path
            for a in demo_server.sites["demo-daily"].articles[:2]]
    fetched = run_ainews("fetch", "-", "--json", "--no-archive", stdin="\n".join(urls) + "\n")
    assert fetched.returncode == 0, fetched.stderr
    assert sorted(json.loads(line)["url"] for line in fetched.stdout.splitlines()) == sorted(urls)
    extracted = run("extract", "-", stdin=FIXTURE.read_text(encoding="utf-8"))
    assert extracted.returncode == 0, extracted.stderr
    assert json.loads(extracted.stdout)["title"] == "大模型训练的电费账单,到底有多贵?"
    exported = subprocess.run([AINEWS, "export", "--archive", str(archived), "--format",
                               "parquet", "--out", "-"], capture_output=True, cwd=tmp_path,
                              timeout=120, check=False)
    assert exported.returncode == 0, exported.stderr
    assert not (tmp_path / "-").exists()
    (tmp_path / "got.parquet").write_bytes(exported.stdout)
    assert pq.read_table(tmp_path / "got.parquet").num_rows == 80
    lines = run("export", "--archive", str(archived), "--format", "jsonl", "--out", "-")
    assert len(lines.stdout.splitlines()) == 80
    # One way to print a time, in every command and format: ISO 8601 with its offset.
    row = json.loads(lines.stdout.splitlines()[0])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00", row["fetched_at"])
    as_csv = run("export", "--archive", str(archived), "--format", "csv", "--out", "-")
    first = next(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", first["published_at"])
    table = run("query", "SELECT published_at FROM articles LIMIT 1", "--archive",
                str(archived))
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", table.stdout.split()[-1])


def test_exit_codes_for_cron(demo_server, tmp_path):
    # A limit the user set is a finished crawl: 0.
    limited = run_ainews("crawl", "demo-daily", "--archive", str(tmp_path / "a"), "--base-url",
                  demo_server.base_url("demo-daily"), "--set", "CLOSESPIDER_PAGECOUNT=5")
    assert limited.returncode == 0, limited.stderr
    assert "(closespider_pagecount)" in limited.stdout
    # Every request failed (nothing listens there): 1.
    dead = run_ainews("crawl", "http://127.0.0.1:9/", "--archive", str(tmp_path / "b"), "--set",
               "RETRY_TIMES=0", timeout=120)
    assert dead.returncode == 1 and "no page could be fetched" in dead.stderr
    # Bad input: 2, one line.
    bad = run("crawl", "demo-daily", "--set", "NOSEP", "--archive", str(tmp_path / "c"))
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1


def test_quiet_prints_nothing_on_success(demo_server, tmp_path):
    done = run_ainews("--quiet", "crawl", "demo-wp", "--archive", str(tmp_path / "a"), "--base-url",
               demo_server.base_url("demo-wp"))
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr == ""
    assert Archive(tmp_path / "a").stats()["total"] == 80


def test_shell_completion():
    script = run("completion", "bash")
    assert script.returncode == 0 and "_AINEWS_COMPLETE" in script.stdout
    offered = subprocess.run([AINEWS], env={"_AINEWS_COMPLETE": "bash_complete",
                                            "COMP_WORDS": "ainews rep", "COMP_CWORD": "1",
                                            "PATH": "/usr/bin:/bin"},
                             capture_output=True, text=True, timeout=60, check=False)
    assert "report" in offered.stdout


def test_tables_line_up_with_chinese_text():
    lines = run("sites").stdout.splitlines()
    starts = [m.start() for m in re.finditer(r"-+", lines[1])]
    assert len(starts) == 6
    for line in lines[2:]:
        for column in starts[1:]:
            # Every cell begins at its column's terminal position (CJK counting two).
            cut = next((i for i in range(len(line) + 1) if wcswidth(line[:i]) >= column), None)
            assert cut is not None and wcswidth(line[:cut]) == column, line
            assert line[cut - 1] == " " and line[cut] != " ", line


def test_a_crawled_site_is_searchable_from_the_cli_and_from_python(archived, tmp_path,
                                                                   monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    article = Archive(archived).sql(
        "SELECT url, title FROM articles ORDER BY url LIMIT 1").to_pylist()[0]
    shown = run("search", f'"{article["title"]}"', "--json", "--archive", str(archived))
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout.splitlines()[0])["url"] == article["url"]
    hits = Archive(archived).search(article["title"], limit=3)
    assert hits[0].url == article["url"] and hits[0].title == article["title"]
    assert (archived / "_search" / "index.sqlite3").exists()
