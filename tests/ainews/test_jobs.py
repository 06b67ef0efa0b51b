"""Jobs record what continues them, belong to one archive, and resume only as they began."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from ainews.cli.app import ainews
from ainews.jobs import INTERRUPTED, JobError, JobSpec, archive_key, open_job, read_spec


def _spec(archive: str = "/srv/news", **changes: object) -> JobSpec:
    values: dict[str, object] = {"target": "https://news.example.cn/ai/", "archive": archive,
                                 "discover": True, "pairs": ("DOWNLOAD_DELAY=3",)}
    values.update(changes)
    return JobSpec(**values)  # type: ignore[arg-type]


def test_the_resume_command_carries_everything_the_crawl_was_started_with():
    words = shlex.split(_spec(archive="/srv/my news", base_url="http://127.0.0.1:8001").command(
        "/opt/ainews/bin/ainews"))
    assert words == ["/opt/ainews/bin/ainews", "--archive", "/srv/my news", "crawl",
                     "https://news.example.cn/ai/", "--discover", "--base-url",
                     "http://127.0.0.1:8001", "--set", "DOWNLOAD_DELAY=3", "--resume"]


def test_jobs_of_two_archives_in_one_folder_have_folders_of_their_own():
    assert archive_key("/srv/a/archive") != archive_key("/srv/b/archive")
    assert archive_key("s3://bucket/news").startswith("news-")


def _interrupted(root: Path, site: str, spec: JobSpec) -> Path:
    job, _ = open_job(root, site, resume=False, spec=spec)
    job.mark(INTERRUPTED)
    return job.path


def test_a_resume_in_another_mode_or_archive_is_refused_with_the_command_to_run(tmp_path):
    spec = _spec()
    path = _interrupted(tmp_path, "news.example.cn", spec)
    for other in (_spec(discover=False), _spec(archive="/srv/other"),
                  _spec(base_url="http://127.0.0.1:9")):
        with pytest.raises(JobError) as refused:
            open_job(tmp_path, "news.example.cn", resume=True, spec=other)
        assert spec.command() in str(refused.value)
    # New settings on an otherwise matching resume are taken, and recorded for the next one.
    job, message = open_job(tmp_path, "news.example.cn", resume=True,
                            spec=_spec(pairs=("DOWNLOAD_DELAY=5",)))
    assert job.path == path and "resuming" in message
    assert read_spec(path) == _spec(pairs=("DOWNLOAD_DELAY=5",))


def _jobs_root(archive: Path) -> Path:
    return archive.resolve().parent / "jobs" / archive_key(str(archive.resolve()))


def test_resume_without_a_site_names_what_there_is_to_resume(tmp_path):
    archive = tmp_path / "archive"
    runner = CliRunner()
    none = runner.invoke(ainews, ["--archive", str(archive), "crawl", "--resume"])
    assert none.exit_code == 2 and "no interrupted crawl" in none.output
    root = _jobs_root(archive)
    first = _spec(archive=str(archive.resolve()), target="https://a.example.cn/")
    second = _spec(archive=str(archive.resolve()), target="https://b.example.cn/")
    _interrupted(root, "a.example.cn", first)
    _interrupted(root, "b.example.cn", second)
    several = runner.invoke(ainews, ["--archive", str(archive), "crawl", "--resume"])
    assert several.exit_code == 2
    assert "2 interrupted crawls" in several.output
    assert "https://a.example.cn/" in several.output and "https://b.example.cn/" in several.output
    bare = runner.invoke(ainews, ["--archive", str(archive), "crawl"])
    assert bare.exit_code == 2 and "--resume" in bare.output
