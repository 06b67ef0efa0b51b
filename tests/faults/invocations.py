"""Malformed invocations a careless user types: each must give one line and a non-zero exit,
and leave the archive as it was."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tests.faults import scenarios

_BAD_URLS = ("notaurl", "ftp://example.com/a.html", "file:///etc/passwd", "http://",
             "http://[::1/a.html", "http://example.com:99999/a.html", "javascript:alert(1)",
             "data:text/html,hello", "//example.com/a.html", "http:///a.html", "mailto:a@b.c",
             "http://exa mple.com/a.html", "", " ", "http://example.com:abc/")
_BAD_SETS = ("X", "=1", "NOPE_NOT_A_SETTING=1", "DOWNLOAD_MAXSIZE=-1",
             "CONCURRENT_REQUESTS_PER_DOMAIN=-5", "CONCURRENT_REQUESTS=0", "DOWNLOAD_DELAY=abc",
             "RETRY_TIMES=1.5", "ROBOTSTXT_OBEY=maybe", "LOG_LEVEL=LOUD",
             "DOWNLOAD_TIMEOUT=0", "DOWNLOAD_TIMEOUT=nan", "DOWNLOAD_TIMEOUT=inf",
             "ITEM_PIPELINES=notjson", "ITEM_PIPELINES=[1,2]", "ARCHIVE_BATCH_SIZE=0",
             "EXTRACT_WORKERS=-2", "EXTRACT_TIMEOUT=-1", "REVISIT_MAX=-3",
             "AUTOTHROTTLE_TARGET_CONCURRENCY=0", "PROGRESS=sometimes", "LISTING_MAX_PAGES=0",
             "DEPTH_LIMIT=-1", "EXTRACT_MAX_BYTES=10")


@dataclass(frozen=True)
class Invocation:
    """One command line (after ``ainews``) and what it should not do."""

    args: tuple[str, ...]


def invocations(archive: Path, tmp: Path) -> list[Invocation]:
    """At least a hundred malformed command lines against ``archive``."""
    a = ("--archive", str(archive))
    missing = ("--archive", str(tmp / "no-such-archive"))
    a_file = tmp / "a-file"
    a_file.write_text("not an archive")
    binary = tmp / "binary.bin"
    binary.write_bytes(bytes(range(256)) * 64)
    calls: list[tuple[str, ...]] = []
    calls += [(*a, "fetch", "--no-archive", url) for url in _BAD_URLS]
    calls += [(*a, "crawl", url) for url in _BAD_URLS if "://" in url]
    calls += [(*a, "crawl", "demo-daily", "--base-url", "http://127.0.0.1:9/", "--set", s)
              for s in _BAD_SETS]
    calls += [(*a, "fetch", "--no-archive", "http://127.0.0.1:9/a.html", "--set", s)
              for s in _BAD_SETS[:8]]
    calls += [
        (*a, "crawl", "no-such-site"), (*a, "crawl", "demo-daily", "--base-url", "notaurl"),
        (*a, "crawl", "demo-daily", "--base-url", "file:///tmp"),
        (*a, "crawl", "demo-daily", "--jobs-dir", str(a_file), "--base-url",
         "http://127.0.0.1:9"),
        ("--archive", str(a_file), "crawl", "demo-daily", "--base-url", "http://127.0.0.1:9"),
        ("--archive", str(a_file), "fetch", "http://127.0.0.1:9/a.html"),
        (*a, "query", "SELEC nothing"), (*a, "query", "SELECT * FROM no_such_table"),
        (*a, "query", "SELECT * FROM read_csv('/etc/passwd')"),
        (*a, "query", "COPY articles TO '/tmp/stolen.csv'"),
        (*a, "query", "ATTACH '/tmp/x.db' AS x"), (*a, "query", "SET enable_external_access=true"),
        (*a, "query", "INSTALL httpfs"), (*a, "query", "SELECT 1", "--format", "xml"),
        (*a, "query", "SELECT 1", "--as-of", "yesterday"), (*a, "query", "SELECT 1",
                                                            "--as-of", "999999"),
        (*a, "query"), (*missing, "query", "SELECT 1"), (*missing, "stats"),
        (*missing, "runs"), (*missing, "health"), (*missing, "dedup"), (*missing, "maintain"),
        (*missing, "verify"), (*missing, "reextract"), (*missing, "export", "--out",
                                                        str(tmp / "x.parquet")),
        (*a, "export"), (*a, "export", "--out", str(tmp)), (*a, "export", "--out",
                                                           str(tmp / "x.parquet"),
                                                           "--where", "no_such_column = 1"),
        (*a, "export", "--out", str(tmp / "x.parquet"), "--where", "1=1; DROP TABLE x"),
        (*a, "export", "--out", str(tmp / "x.xml"), "--format", "xml"),
        (*a, "export", "--out", str(tmp / "x.parquet"), "--view", "nope"),
        (*a, "export", "--out", str(a_file / "x.parquet")),
        (*a, "export", "--out", str(tmp / "x.parquet"), "--as-of", "notadate"),
        (*a, "extract", str(tmp / "missing.html")), (*a, "extract", str(tmp)),
        (*a, "extract", str(binary)), (*a, "extract", str(binary), "--url", "notaurl"),
        (*a, "extract", str(binary), "--fetched-at", "yesterday"),
        (*a, "extract", str(binary), "--fetched-at", "2026-11-01T10:00:00"),
        (*a, "extract", str(binary), "--site", "no-such-site"), (*a, "extract"),
        (*a, "runs", "--limit", "abc"), (*a, "runs", "--limit", "-1"),
        (*a, "maintain", "--retention-hours", "-5"), (*a, "maintain", "--retention-hours", "x"),
        (*a, "reextract", "--since", "notadate"), (*a, "reextract", "--since", "12"),
        (*a, "reextract", "--site", "no-such-site"),
        (*a, "schedule", "export", "no-such-site"), (*a, "schedule"),
        (*a, "demo-server", "--port-base", "99999"), (*a, "demo-server", "--port-base", "x"),
        (*a, "no-such-command"), (*a,), (*a, "--no-such-flag", "stats"),
        (*a, "stats", "extra-argument"), (*a, "fetch"), (*a, "crawl"),
        (*a, "crawl", "demo-daily", "--resume", "--discover", "--base-url", ""),
    ]
    return [Invocation(call) for call in calls]


def snapshot(root: Path) -> str:
    """A digest of every file under ``root`` (names, sizes and bytes)."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and "_locks" not in path.parts:
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class Verdict:
    """How one invocation ended."""

    args: tuple[str, ...]
    returncode: int | None
    stderr: str

    @property
    def ok(self) -> bool:
        """One line on stderr, no traceback, a non-zero exit."""
        lines = [line for line in self.stderr.splitlines() if line.strip()]
        return (self.returncode not in (None, 0) and len(lines) == 1
                and "Traceback" not in self.stderr)


def run_all(calls: Iterable[Invocation], timeout_s: float = 60) -> list[Verdict]:
    """Run every invocation (four at a time); a hang counts as a failure."""

    def one(call: Invocation) -> Verdict:
        try:
            result = subprocess.run([*scenarios.COMMAND, *call.args], cwd=scenarios.REPO,
                                    capture_output=True, text=True, timeout=timeout_s,
                                    check=False, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return Verdict(call.args, None, "hung")
        return Verdict(call.args, result.returncode, result.stderr)

    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(one, calls))


def run_in_process(calls: Iterable[Invocation]) -> list[Verdict]:
    """Run every invocation through ``ainews``'s entry point in this process (click's runner
    swaps the standard streams), one after another: the whole sweep costs no interpreter
    start-ups. A call that would start a crawl is a failure of its own: each must stop at
    the door."""
    from click.testing import CliRunner

    from ainews.cli.app import main

    runner = CliRunner()
    verdicts = []
    for call in calls:
        with runner.isolation(input=b"") as (_, stderr, _):
            returncode = main(list(call.args))
            sys.stderr.flush()  # the swapped stream buffers text until flushed
            verdicts.append(Verdict(call.args, returncode, stderr.getvalue().decode()))
    return verdicts
