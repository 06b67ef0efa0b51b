"""Zero-code discovery on every zoo layout: every article once, little else, nothing twice."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from ainews.demo.server import DemoServer
from ainews.demo.zoo.layouts import SPECS, build_zoo
from archive import Archive
from tests.conftest import AINEWS, REPO

# Sites that publish a feed or a sitemap: discovery should cost little more than the articles.
WITH_INDEX = {s.name for s in SPECS if s.feed or s.sitemap}


@pytest.fixture(scope="module")
def zoo():
    with DemoServer(ports={}, sites=build_zoo()) as server:
        yield server


def _crawl(server: DemoServer, name: str, root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [AINEWS, "--archive", str(root), "crawl", server.base_url(name) + "/",
         "--log-level=WARNING", "--set", "DOWNLOAD_DELAY=0", "--set", "AUTOTHROTTLE_ENABLED=False",
         "--set", "REVISIT_WINDOW_DAYS=0"],
        cwd=REPO, capture_output=True, text=True, timeout=600, check=False)


@pytest.mark.parametrize("name", [s.name for s in SPECS])
def test_discovery_archives_every_article_of_every_layout(zoo, tmp_path, name):
    site = zoo.sites[name]
    base = zoo.base_url(name)
    truth = {a.path for a in site.articles}
    first = _crawl(zoo, name, tmp_path / "a")
    assert first.returncode == 0, first.stderr
    fetched = len(zoo.requests(name))
    urls = Archive(tmp_path / "a").to_arrow(columns=["url"]).column("url").to_pylist()
    archived = {u.removeprefix(base) for u in urls}
    assert len(urls) == len(archived), "an article was archived twice"
    recall = len(archived & truth) / len(truth)
    precision = len(archived & truth) / len(archived)
    assert recall >= 0.98 and precision >= 0.98, (recall, precision, sorted(archived - truth))
    if name in WITH_INDEX:
        assert fetched / len(urls) <= 1.5, f"{fetched} pages for {len(urls)} articles"
    mark = len(zoo.requests(name))
    again = _crawl(zoo, name, tmp_path / "a")
    assert again.returncode == 0, again.stderr
    assert not [p for p in zoo.requests(name)[mark:] if p in truth]
