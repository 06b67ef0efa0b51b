"""``verify`` finds what breaks readers; ``maintain --repair`` and the next crawl mend it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from deltalake import DeltaTable

from archive import Archive
from tests.faults import scenarios


def _ainews(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([scenarios.AINEWS, "--archive", str(root), *args], cwd=scenarios.REPO,
                          capture_output=True, text=True, timeout=180, check=False)


@pytest.fixture(scope="module")
def crawled(demo_server, tmp_path_factory):
    """An archive of one demo site, crawled once; each test gets a copy."""
    root = tmp_path_factory.mktemp("crawled") / "archive"
    result = subprocess.run(scenarios.crawl_command(demo_server, root, "--set",
                                                    "DOWNLOAD_DELAY=0"),
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture
def archive(crawled, tmp_path):
    copy = tmp_path / "archive"
    shutil.copytree(crawled, copy)
    return copy


def _urls(root: Path) -> list[str]:
    return Archive(root).to_arrow(columns=["url"]).column("url").to_pylist()


def test_overwritten_bytes_inside_a_data_file_fail_verify_and_repair_sets_it_aside(archive):
    assert _ainews(archive, "verify").returncode == 0
    file = Path(DeltaTable(str(archive / "articles")).file_uris()[0].removeprefix("file://"))
    data = bytearray(file.read_bytes())
    for at in range(200, len(data) - 2000, 300):  # same size: only a full read can tell
        data[at:at + 8] = b"\xff" * 8
    file.write_bytes(bytes(data))
    result = _ainews(archive, "verify")
    assert result.returncode == 1
    assert "corrupt data file" in result.stderr and file.name in result.stderr
    assert "maintain --repair" in result.stderr
    repaired = _ainews(archive, "maintain", "--repair")
    assert repaired.returncode == 0, repaired.stderr
    assert "set aside" in repaired.stdout
    assert _ainews(archive, "verify").returncode == 0
    assert (archive / "_quarantine" / "articles").exists()
    assert len(_urls(archive)) < 80


def _last_entry(archive: Path) -> Path:
    return sorted((archive / "articles" / "_delta_log").glob("*.json"))[-1]


def _checkpoint_files(entry: Path) -> list[Path]:
    return [*entry.parent.glob(f"{entry.stem}.checkpoint*.parquet"),
            *([entry.parent / "_last_checkpoint"] if any(
                entry.parent.glob(f"{entry.stem}.checkpoint*.parquet")) else [])]


def test_a_deleted_last_log_entry_is_found_and_its_rows_are_fetched_again(archive, demo_server):
    before = set(_urls(archive))
    last = _last_entry(archive)
    # A checkpoint written at that version would still hold its rows: the newest files of
    # the log are lost together (how many commits a crawl makes depends on its timing).
    for file in _checkpoint_files(last):
        file.unlink()
    last.unlink()
    lost = before - set(_urls(archive))
    assert lost
    result = _ainews(archive, "verify")
    assert result.returncode == 1 and "no commit lists" in result.stderr
    # The archived-URL set comes from the rows: the next crawl fetches exactly what was lost.
    again = subprocess.run(scenarios.crawl_command(demo_server, archive, "--set",
                                                   "DOWNLOAD_DELAY=0"),
                           capture_output=True, text=True, timeout=300, check=False)
    assert again.returncode == 0, again.stderr
    assert f"{len(lost)} new" in again.stdout
    urls = _urls(archive)
    assert len(urls) == len(set(urls)) == len(before)


@pytest.mark.parametrize("checkpointed", [False, True])
def test_an_emptied_last_log_entry_is_repaired_with_every_row(archive, checkpointed):
    # Commits of rows of its own until the last version is (or is not) a checkpoint's.
    extra = 0
    while bool(_checkpoint_files(_last_entry(archive))) != checkpointed:
        extra += 1
        Archive(archive).append([{"url": f"http://extra.example/{extra}.html",
                                  "site": "extra", "text": f"附加的文章{extra}"}])
    before = sorted(_urls(archive))
    _last_entry(archive).write_bytes(b"")
    result = _ainews(archive, "verify")
    assert result.returncode == 1 and "is empty" in result.stderr
    repaired = _ainews(archive, "maintain", "--repair")
    assert repaired.returncode == 0, repaired.stderr
    assert "rows committed again" in repaired.stdout
    assert sorted(_urls(archive)) == before
    assert _ainews(archive, "verify").returncode == 0, _ainews(archive, "verify").stderr
