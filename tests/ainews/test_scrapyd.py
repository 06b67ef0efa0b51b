"""Deployment to a real Scrapyd on 127.0.0.1: egg, addversion, schedule, the job's articles."""

from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.parse
import urllib.request
import uuid
import zipfile

import pytest

from archive import Archive
from tests.conftest import BIN, REPO


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _call(base: str, endpoint: str, fields: dict[str, str | list[str]] | None = None,
          egg: bytes | None = None) -> dict:
    """GET (no fields) or POST form / multipart (with an egg) to a Scrapyd endpoint."""
    url = f"{base}/{endpoint}"
    if fields is None:
        request = urllib.request.Request(url)
    elif egg is None:
        body = urllib.parse.urlencode(fields, doseq=True).encode()
        request = urllib.request.Request(url, data=body)
    else:
        boundary = uuid.uuid4().hex
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
                 .encode() for k, v in fields.items()]
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="egg"; '
                     f'filename="ainews.egg"\r\nContent-Type: application/octet-stream\r\n\r\n'
                     .encode() + egg + b"\r\n")
        request = urllib.request.Request(
            url, data=b"".join(parts) + f"--{boundary}--\r\n".encode(),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return dict(json.loads(response.read()))


@pytest.fixture
def scrapyd(tmp_path):
    """A throwaway Scrapyd on a free loopback port."""
    port = _free_port()
    (tmp_path / "scrapyd.conf").write_text(
        "[scrapyd]\nbind_address = 127.0.0.1\n"
        f"http_port = {port}\neggs_dir = {tmp_path}/eggs\nlogs_dir = {tmp_path}/logs\n"
        f"dbs_dir = {tmp_path}/dbs\nitems_dir =\nmax_proc = 1\npoll_interval = 0.5\n")
    process = subprocess.Popen([str(BIN / "scrapyd")], cwd=tmp_path,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            _call(base, "daemonstatus.json")
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("scrapyd did not start") from None
            time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(timeout=30)


def test_deploy_schedule_and_the_job_archives_its_articles(scrapyd, demo_server, tmp_path):
    egg = tmp_path / "ainews.egg"
    subprocess.run([str(BIN / "scrapyd-deploy"), f"--build-egg={egg}"], cwd=REPO, check=True,
                   capture_output=True)
    packages = {name.split("/")[0] for name in zipfile.ZipFile(egg).namelist()}
    assert {"crawler", "pipelines", "archive"} <= packages
    assert "tests" not in packages

    added = _call(scrapyd, "addversion.json", {"project": "ainews", "version": "1"},
                  egg=egg.read_bytes())
    assert added["status"] == "ok", added
    spiders = _call(scrapyd, "listspiders.json?project=ainews")["spiders"]
    assert {"demo-daily", "site", "fetch"} <= set(spiders)

    archive = tmp_path / "archive"
    job = _call(scrapyd, "schedule.json", {
        "project": "ainews", "spider": "demo-daily",
        "base_url": demo_server.base_url("demo-daily"),
        "setting": [f"ARCHIVE_URI={archive}", "REVISIT_WINDOW_DAYS=0"],
    })
    assert job["status"] == "ok", job
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        finished = _call(scrapyd, "listjobs.json?project=ainews")["finished"]
        if any(j["id"] == job["jobid"] for j in finished):
            break
        time.sleep(0.5)
    else:
        pytest.fail("the Scrapyd job did not finish")
    rows = Archive(archive).to_arrow(columns=["url", "spider"]).to_pylist()
    assert len(rows) == len(demo_server.sites["demo-daily"].articles)
    assert {r["spider"] for r in rows} == {"demo-daily"}
    runs = Archive(archive).sql("SELECT finish_reason FROM crawl_runs").to_pylist()
    assert runs == [{"finish_reason": "finished"}]
