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


def test_a_deleted_last_log_entry_is_found_and_its_rows_are_fetched_again(archive, demo_server):
    before = set(_urls(archive))
    sorted((archive / "articles" / "_delta_log").glob("*.json"))[-1].unlink()
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


def test_an_emptied_last_log_entry_is_repaired_with_every_row(archive):
    before = sorted(_urls(archive))
    sorted((archive / "articles" / "_delta_log").glob("*.json"))[-1].write_bytes(b"")
    result = _ainews(archive, "verify")
    assert result.returncode == 1 and "is empty" in result.stderr
    repaired = _ainews(archive, "maintain", "--repair")
    assert repaired.returncode == 0, repaired.stderr
    assert "rows committed again" in repaired.stdout
    assert sorted(_urls(archive)) == before
    assert _ainews(archive, "verify").returncode == 0, _ainews(archive, "verify").stderr
