"""WARC out and in: the stored responses as standard WARC, and WARC files into a fresh archive."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archive import Archive
from tests.conftest import REPO

AINEWS = str(Path(sys.executable).parent / "ainews")
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
