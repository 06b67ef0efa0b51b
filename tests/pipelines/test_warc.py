"""WARC out and in: the stored responses as standard WARC, and WARC files into a fresh archive."""

from __future__ import annotations

import gzip
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archive import Archive
from tests.conftest import AINEWS, REPO

FIELDS = "url, title, authors, editors, published_at, category, tags, source, text"


def ainews(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([AINEWS, "--archive", str(root), *args], cwd=REPO, text=True,
                          capture_output=True, timeout=300)


def test_crawl_export_warc_import_gives_the_same_articles(tmp_path, demo_server):
    crawled, imported = tmp_path / "crawled", tmp_path / "imported"
    done = ainews(crawled, "crawl", "demo-daily", "--base-url",
                  demo_server.base_url("demo-daily"), "--log-level=WARNING", "--jobs-dir",
                  str(tmp_path / "jobs"), "--set", "REVISIT_WINDOW_DAYS=0")
    assert done.returncode == 0, done.stderr
    warc = tmp_path / "pages.warc.gz"
    exported = ainews(crawled, "export", "--format", "warc", "--out", str(warc))
    assert exported.returncode == 0, exported.stderr
    pages = Archive(crawled).sql("SELECT count(*) AS n FROM pages")["n"][0].as_py()
    assert f"exported {pages} pages" in exported.stdout

    kinds: dict[str, int] = {}
    with warc.open("rb") as stream:
        for record in ArchiveIterator(stream):
            kinds[record.rec_type] = kinds.get(record.rec_type, 0) + 1
            if record.rec_type == "response":
                assert record.rec_headers.get_header("WARC-Payload-Digest", "").startswith(
                    "sha1:")
                assert record.http_headers.get_statuscode() == "200"
                body = record.content_stream().read()
                assert int(record.http_headers.get_header("Content-Length")) == len(body)
    assert kinds == {"request": pages, "response": pages}
    # Any WARC tool reads it: warcio's own checker verifies every digest.
    checked = subprocess.run([str(Path(sys.executable).parent / "warcio"), "check", str(warc)],
                             capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    with gzip.open(warc) as unpacked:
        assert unpacked.read(8) in (b"WARC/1.0", b"WARC/1.1")

    loaded = ainews(imported, "import-warc", str(warc), "--site", "demo-daily")
    assert loaded.returncode == 0, loaded.stderr
    assert f"{pages} HTML responses read" in loaded.stdout
    ours = Archive(crawled).sql(f"SELECT {FIELDS} FROM articles ORDER BY url").to_pylist()
    theirs = Archive(imported).sql(f"SELECT {FIELDS} FROM articles ORDER BY url").to_pylist()
    assert len(ours) == len(demo_server.sites["demo-daily"].articles)
    assert theirs == ours
    # The raw responses came along: the imported archive can be re-extracted offline.
    again = ainews(imported, "reextract")
    assert again.returncode == 0 and "0 new versions" in again.stdout, again.stderr


def test_a_file_that_is_not_warc_is_one_line_and_nothing_stored(tmp_path):
    bad = tmp_path / "bad.warc.gz"
    bad.write_bytes(b"this is not a WARC file\n" * 10)
    done = ainews(tmp_path / "archive", "import-warc", str(bad))
    assert done.returncode == 2
    assert done.stderr.startswith("ainews: error: cannot read") and done.stderr.count("\n") == 1
    assert not Archive(tmp_path / "archive").exists()
    missing = ainews(tmp_path / "archive", "import-warc", str(tmp_path / "nope.warc"))
    assert missing.returncode == 2 and "no such file" in missing.stderr


def _warc(pages: int, *, big: int | None = None) -> bytes:
    """A gzipped WARC of ``pages`` small article pages (page ``big`` padded to 20 MiB)."""
    from io import BytesIO

    from archive.warc import write_pages

    rows = []
    for i in range(pages):
        text = "".join(f"<p>第{i}篇第{j}段：今年以来，当地持续推进人工智能技术在制造业中的应用，"
                       "多家企业完成了生产线改造，效率明显提升。</p>" for j in range(4))
        padding = " " * (20 * 2**20) if i == big else ""
        rows.append({"url": f"https://news.example.cn/a/{i}.html", "http_status": 200,
                     "headers": {"Content-Type": "text/html; charset=utf-8"},
                     "body": (f"<html><head><title>第{i}篇</title></head><body><h1>第{i}篇"
                              f"</h1>{text}{padding}</body></html>").encode(),
                     "fetched_at": datetime(2026, 11, 1, tzinfo=UTC)})
    out = BytesIO()
    write_pages(rows, out)
    return out.getvalue()


def test_a_truncated_warc_imports_its_whole_records_and_says_it_was_cut(tmp_path):
    data = _warc(20)
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: len(data) * 6 // 10])
    done = ainews(tmp_path / "archive", "import-warc", str(cut))
    assert done.returncode == 1
    assert "truncated" in done.stderr and "Traceback" not in done.stderr
    rows = Archive(tmp_path / "archive").to_arrow(columns=["url"]).num_rows
    assert 0 < rows < 20


def test_a_damaged_record_is_skipped_and_reading_goes_on(tmp_path):
    from archive.warc import WarcReading, read_pages

    data = bytearray(_warc(20))
    middle = len(data) // 2
    data[middle : middle + 8] = b"\x00" * 8  # inside one gzip member
    damaged = tmp_path / "damaged.warc.gz"
    damaged.write_bytes(bytes(data))
    reading = WarcReading()
    urls = [page["url"] for page in read_pages(damaged, reading)]
    assert not reading.intact
    assert len(urls) >= 18 and urls[-1] == "https://news.example.cn/a/19.html"


def test_an_oversized_response_is_skipped_without_reading_it_whole(tmp_path):
    from archive.warc import WarcReading, read_pages

    bomb = tmp_path / "bomb.warc.gz"
    bomb.write_bytes(_warc(5, big=2))  # 20 MiB of spaces compress to a few KiB
    assert bomb.stat().st_size < 200_000
    reading = WarcReading()
    urls = [page["url"] for page in read_pages(bomb, reading, max_bytes=2**20)]
    assert reading.too_large == 1 and len(urls) == 4
    assert "https://news.example.cn/a/2.html" not in urls
