"""ArchiveProcess: the archive served by a child process, as crawls use it by default."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archive import Archive, ArchiveError, url_hash
from archive.crawlstate import last_finished_crawl
from archive.process import ArchiveProcess

REPO = Path(__file__).resolve().parents[2]
FETCHED = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)


def rows(batch: int, count: int = 5) -> list[dict]:
    return [{"url": f"http://example.cn/{batch}/{i}.html", "site": "demo", "title": f"标题{i}",
             "text": f"第{batch}批第{i}篇:" + "大模型行业的新消息。" * (10 + i),
             "fetched_at": FETCHED} for i in range(count)]


def test_appends_run_in_a_child_that_is_replaced_and_the_url_set_follows(tmp_path):
    served = ArchiveProcess(tmp_path / "archive", recycle_after=2)
    try:
        assert len(served.archived_url_hashes()) == 0
        first_child = served.pid
        results = [served.append(rows(batch)) for batch in range(3)]
        assert [r.added for r in results] == [5, 5, 5]
        # Replaced after its second append; the third ran in a new child.
        assert served.children_started == 2
        assert served.pid not in (None, first_child)
        # The crawl's copy of the URL set learned every appended row without asking again.
        hashes = served.archived_url_hashes()
        assert len(hashes) == 15 and url_hash("http://example.cn/2/4.html") in hashes
        # An unchanged row is recognised by the (new) child as already archived.
        assert served.append(rows(0, 1)).unchanged == 1
        served.record_run({"crawl_run_id": "r1", "site": "demo", "started_at": FETCHED,
                           "finished_at": FETCHED, "finish_reason": "finished"})
        assert served.run(last_finished_crawl, "demo") == FETCHED
    finally:
        served.close()
    assert served.pid is None
    assert Archive(tmp_path / "archive").to_arrow().num_rows == 15


def test_a_killed_child_is_an_archive_error_once_and_loses_nothing_committed(tmp_path):
    served = ArchiveProcess(tmp_path / "archive")
    try:
        served.append(rows(0))
        pid = served.pid
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        with pytest.raises(ArchiveError, match="died"):
            served.append(rows(1))
        # The next call starts a new child; the batch that failed is the caller's to resend.
        assert served.append(rows(1)).added == 5
    finally:
        served.close()
    urls = Archive(tmp_path / "archive").to_arrow().column("url").to_pylist()
    assert sorted(urls) == sorted(r["url"] for r in rows(0) + rows(1))


def test_errors_in_the_child_come_back_as_archive_errors(tmp_path):
    served = ArchiveProcess(tmp_path / "archive")
    try:
        with pytest.raises(ArchiveError):
            served.append([{"url": "http://x/1.html"}])  # no site, no fetch time
        assert served.append(rows(0)).added == 5  # the child survived the bad call
    finally:
        served.close()


def test_a_crawl_process_never_loads_the_writer_stack(demo_server, tmp_path):
    """The crawl's own process stays free of pyarrow, deltalake, DuckDB, pandas, trafilatura."""
    script = textwrap.dedent(f"""
        import json, sys
        from scrapy.crawler import CrawlerProcess
        from crawler.spiders import SITE_SPIDERS
        from tests.conftest import project_settings

        if __name__ == "__main__":
            process = CrawlerProcess(project_settings(
                ARCHIVE_URI={str(tmp_path / "archive")!r}, REVISIT_WINDOW_DAYS=0,
                PROGRESS="off"))
            crawler = process.create_crawler(SITE_SPIDERS["demo-daily"])
            process.crawl(crawler, base_url={demo_server.base_url("demo-daily")!r})
            process.start()
            heavy = ("pyarrow", "deltalake", "duckdb", "pandas", "trafilatura")
            print(json.dumps({{"added": crawler.stats.get_value("archive/added"),
                              "loaded": [m for m in heavy if m in sys.modules]}}))
    """)
    path = tmp_path / "crawl_script.py"
    path.write_text(script, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-P", str(path)], capture_output=True, text=True,
                          env=env, timeout=300, check=True)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report == {"added": len(demo_server.sites["demo-daily"].articles), "loaded": []}
    assert Archive(tmp_path / "archive").to_arrow().num_rows == report["added"]
