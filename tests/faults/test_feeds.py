"""Sitemaps, feeds and robots.txt from careless or hostile generators give clean requests."""

from __future__ import annotations

import subprocess

from tests.faults import scenarios
from tests.faults.hostile import HostileServer, Reply, article

XML = {"Content-Type": "application/xml"}


def _crawl(site: HostileServer, root) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [scenarios.AINEWS, "--archive", str(root), "crawl", site.url("/"), "--set",
         "LOG_LEVEL=WARNING", "--set", "DOWNLOAD_DELAY=0", "--set", "REVISIT_WINDOW_DAYS=0"],
        cwd=scenarios.REPO, capture_output=True, text=True, timeout=180, check=False)


def test_relative_robots_sitemaps_and_escaped_entities_give_clean_urls(tmp_path):
    sitemap = (
        "<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
        "<url><loc><![CDATA[{base}/news/1088.html?from=map&amp;cid=2]]></loc></url>"
        "<url><loc>{base}/news/1089.html?from=map&amp;amp;cid=2</loc></url>"
        "<url><loc>{base}/news/1090.html?from=map&#38;cid=2</loc></url></urlset>")
    routes = {
        "/": Reply(body=b"<html><body><p>home</p></body></html>"),
        "/robots.txt": Reply(body=b"User-agent: *\nAllow: /\nSitemap: /maps/news.xml\n",
                             headers={"Content-Type": "text/plain"}),
        **{f"/news/{n}.html?from=map&cid=2": article(f"第{n}号新闻的标题") for n in (1088, 1089,
                                                                                  1090)},
    }
    with HostileServer(routes) as site:
        site.routes["/maps/news.xml"] = Reply(body=sitemap.format(base=site.base_url).encode(),
                                              headers=XML)
        result = _crawl(site, tmp_path / "a")
        requested = list(site.requests)
    assert result.returncode == 0, result.stderr
    assert "/maps/news.xml" in requested
    assert not [path for path in requested if "amp;" in path or "&#" in path], requested
    assert "3 articles archived" in result.stdout, result.stdout
