"""Hostile pages: bounded memory, bounded time, and the real cause named for each URL."""

from __future__ import annotations

import subprocess

from tests.faults import scenarios
from tests.faults.hostile import HostileServer, Reply, article, gzip_bomb, redirect

LIMIT_MB = 600


def _huge_page(megabytes: int) -> Reply:
    paragraph = ("<p>" + "大模型训练与推理的成本在过去一年下降明显，研究者比较了多种方案。" * 8
                 + "</p>\n").encode()
    script = b"<script>var x='" + b"a" * (1 << 20) + b"';</script>"
    body = (b"<html><head><meta charset='utf-8'><title>huge</title></head><body><h1>huge</h1>"
            + script * 2 + paragraph * ((megabytes << 20) // len(paragraph)) + b"</body></html>")
    return Reply(body=body)


def _fetch(*urls: str, extra: tuple[str, ...] = ()) -> tuple[subprocess.Popen[str], str, float]:
    process = subprocess.Popen(
        [scenarios.AINEWS, "fetch", "--no-archive", "--set", "RETRY_TIMES=0", *extra, *urls],
        cwd=scenarios.REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = scenarios.PeakMemory(process.pid)
    _, err = process.communicate(timeout=240)
    return process, err, peak.stop()


def test_huge_pages_and_bombs_stay_under_the_memory_limit_and_say_why(tmp_path):
    routes = {"/huge.html": _huge_page(12), "/bomb.html": gzip_bomb(64),
              "/loop.html": redirect("/loop2.html"), "/loop2.html": redirect("/loop.html"),
              "/drip.html": Reply(body=b"<html>" + b" " * 400, drip_s=0.05),
              "/ok.html": article("正常的文章页面标题")}
    with HostileServer(routes) as site:
        process, err, peak_mb = _fetch(*(site.url(p) for p in routes),
                                       extra=("--set", "DOWNLOAD_TIMEOUT=3"))
    lines = dict(line.split(": ", 2)[1:] for line in err.strip().splitlines())
    assert peak_mb < LIMIT_MB, f"peak {peak_mb:.0f} MB"
    assert process.returncode == 0  # one URL gave an article
    assert "huge.html" not in " ".join(lines)  # the huge page still gives its article
    assert "max size" in lines[site.url("/bomb.html")].lower() or "maxsize" in lines[
        site.url("/bomb.html")].lower() or "cancelled" in lines[site.url("/bomb.html")]
    assert "redirect" in lines[site.url("/loop.html")].lower()
    assert "timeout" in lines[site.url("/drip.html")].lower() or "took longer" in lines[
        site.url("/drip.html")]


def test_an_xml_bomb_sitemap_neither_expands_nor_hangs_the_crawl(tmp_path):
    lol = "<!DOCTYPE lolz [<!ENTITY lol 'lol'>" + "".join(
        f"<!ENTITY lol{i} '{('&lol' + str(i - 1) + ';') * 10 if i > 1 else '&lol;' * 10}'>"
        for i in range(1, 10)) + "]>"
    bomb = (f"<?xml version='1.0'?>{lol}<urlset xmlns='http://www.sitemaps.org/schemas/"
            "sitemap/0.9'><url><loc>http://x/&lol9;</loc></url></urlset>").encode()
    routes = {"/": Reply(body=b"<html><body>home</body></html>"),
              "/robots.txt": Reply(body=b"Sitemap: /sitemap.xml\n",
                                   headers={"Content-Type": "text/plain"}),
              "/sitemap.xml": Reply(body=bomb, headers={"Content-Type": "application/xml"})}
    with HostileServer(routes) as site:
        process = subprocess.Popen(
            [scenarios.AINEWS, "--archive", str(tmp_path / "a"), "crawl", site.url("/"),
             "--set", "LOG_LEVEL=WARNING", "--set", "DOWNLOAD_DELAY=0"], cwd=scenarios.REPO,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        peak = scenarios.PeakMemory(process.pid)
        _, err = process.communicate(timeout=120)
        peak_mb = peak.stop()
        requested = list(site.requests)
    assert peak_mb < LIMIT_MB
    assert "/sitemap.xml" in requested
    assert not [p for p in requested if "lol" in p]
    # Nothing to archive on this site: exit 1 would say every request failed; it did not.
    assert process.returncode == 0, err
