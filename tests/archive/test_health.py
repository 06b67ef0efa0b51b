"""Layout drift: a redesigned demo site makes `ainews health` flag it (and only it)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from ainews.demo.server import DemoServer
from archive import Archive
from tests.conftest import AINEWS, REPO


def ainews(archive: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([AINEWS, "--archive", str(archive), *args], capture_output=True,
                          text=True, cwd=REPO, timeout=180, check=False)


def test_redesign_is_flagged_and_only_new_articles_are_fetched(tmp_path):
    archive = tmp_path / "archive"
    with DemoServer(ports={}) as server:
        for site in ("demo-daily", "demo-portal"):
            result = ainews(archive, "crawl", site, "--base-url", server.base_url(site),
                            "--log-level=WARNING")
            assert result.returncode == 0, result.stderr
        healthy = ainews(archive, "health")
        assert healthy.returncode == 0, healthy.stdout + healthy.stderr

        daily, portal = server.sites["demo-daily"], server.sites["demo-portal"]
        new_daily, new_portal = daily.add_articles(5), portal.add_articles(5)
        daily.redesigned = True
        mark = len(server.requests("demo-daily"))
        logs = {}
        for site in ("demo-daily", "demo-portal"):
            result = ainews(archive, "crawl", site, "--base-url", server.base_url(site),
                            "--log-level=WARNING")
            assert result.returncode == 0, result.stderr
            logs[site] = result.stderr
        # The second crawl fetched exactly the 5 new article pages of the daily site.
        articles = {a.path for a in daily.articles}
        fetched = [p for p in server.requests("demo-daily")[mark:] if p in articles]
        assert sorted(fetched) == sorted(a.path for a in new_daily)
        # The crawl itself warns about the drifted site, not about the other one.
        assert "demo-daily needs attention: layout drift" in logs["demo-daily"]
        assert "needs attention" not in logs["demo-portal"]

    runs = Archive(archive).sql(
        "SELECT site, articles_added FROM crawl_runs ORDER BY started_at").to_pylist()
    assert [r["articles_added"] for r in runs] == [80, 80, 5, 5]
    report = ainews(archive, "health")
    assert report.returncode == 1
    flagged = [line for line in report.stderr.splitlines() if "health:" in line]
    assert flagged and all("demo-daily" in line for line in flagged)
    assert any("no author 100%" in line for line in flagged)
    assert any("no date 100%" in line for line in flagged)
    assert len(new_portal) == 5
