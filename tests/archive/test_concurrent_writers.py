"""Several processes appending to one archive at once lose and double nothing."""

from __future__ import annotations

import subprocess
import sys

from archive import Archive
from archive.verification import verify
from tests.conftest import REPO

WRITER = """
import sys
from datetime import UTC, datetime
from archive import Archive
root, who = sys.argv[1], int(sys.argv[2])
batches = int(sys.argv[3]) if len(sys.argv) > 3 else 10
archive = Archive(root)
for batch in range(batches):
    archive.append([{"url": f"https://example.com/{who}/{batch}/{i}.html", "site": f"s{who % 2}",
                     "title": f"标题{who}-{batch}-{i}", "fetched_at": datetime.now(UTC),
                     "text": f"写者{who}批{batch}篇{i}的正文。" * 20} for i in range(5)])
"""


def four_writers_lose_and_double_nothing(root: str, batches: int = 10) -> None:
    """Four processes append ``batches`` commits of five rows each to ``root`` at once: every
    row is there once and the archive verifies."""
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, root, str(who), str(batches)],
                                cwd=REPO, stderr=subprocess.PIPE, text=True)
               for who in range(4)]
    for writer in writers:
        _, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err
    counts = Archive(root).sql(
        "SELECT count(*) AS n, count(DISTINCT url) AS urls FROM article_versions").to_pylist()
    assert counts == [{"n": 20 * batches, "urls": 20 * batches}]
    assert verify(Archive(root)) == []


def test_four_processes_appending_at_once_lose_and_double_nothing(tmp_path):
    four_writers_lose_and_double_nothing(str(tmp_path / "archive"))


def test_maintain_while_four_processes_append_loses_nothing(tmp_path):
    from archive.maintenance import maintain

    root = tmp_path / "archive"
    first = subprocess.run([sys.executable, "-c", WRITER, str(root), "9"], cwd=REPO,
                           capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(root), str(who)], cwd=REPO,
                                stderr=subprocess.PIPE, text=True) for who in range(4)]
    rounds = 0
    while any(w.poll() is None for w in writers) or rounds == 0:
        # Compaction rewrites the small files the writers keep adding, in commits of its own.
        maintain(Archive(root))
        rounds += 1
    for writer in writers:
        _, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err
    maintain(Archive(root))
    counts = Archive(root).sql(
        "SELECT count(*) AS n, count(DISTINCT url) AS urls FROM article_versions").to_pylist()
    assert counts == [{"n": 250, "urls": 250}]
    assert verify(Archive(root)) == []


def test_repartitioning_while_four_processes_append_loses_nothing(tmp_path):
    from deltalake import DeltaTable

    from archive import tables
    from archive.schema import FIRST_PARTITION_COLUMNS, PAGES_SCHEMA, PARTITION_COLUMNS, SCHEMA

    root = tmp_path / "archive"
    archive = Archive(root)
    for path, schema in ((archive.articles_path, SCHEMA), (archive.pages_path, PAGES_SCHEMA)):
        tables.append(path, schema.empty_table(), FIRST_PARTITION_COLUMNS)
    first = subprocess.run([sys.executable, "-c", WRITER, str(root), "9", "4"], cwd=REPO,
                           capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    start = DeltaTable(str(archive.articles_path)).version()
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(root), str(who)], cwd=REPO,
                                stderr=subprocess.PIPE, text=True) for who in range(4)]
    # Rewrite while the writers commit: one of them has committed, the rest are under way.
    while DeltaTable(str(archive.articles_path)).version() == start:
        assert all(w.poll() is None for w in writers)
    assert tables.repartition(archive.articles_path, PARTITION_COLUMNS)
    for writer in writers:
        _, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err
    table = DeltaTable(str(archive.articles_path))
    assert table.metadata().partition_columns == PARTITION_COLUMNS
    counts = Archive(root).sql(
        "SELECT count(*) AS n, count(DISTINCT url) AS urls FROM article_versions").to_pylist()
    assert counts == [{"n": 220, "urls": 220}]
    assert verify(Archive(root)) == []
