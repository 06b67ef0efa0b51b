"""Redirects, meta refreshes and links may not move a crawl to an internal address."""

from __future__ import annotations

import subprocess

import pytest

from tests.conftest import AINEWS, REPO
from tests.faults.hostile import HostileServer, article, meta_refresh, redirect


def _run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([AINEWS, *args], cwd=REPO, capture_output=True, text=True,
                          timeout=timeout, check=False)


@pytest.fixture
def inside():
    """Two internal services: one on the public site's host (another port), one on 127.0.0.2."""
    routes = {"/secret.html": article("内部服务的秘密页面")}
    with HostileServer(routes) as same_host, HostileServer(routes, host="127.0.0.2") as other:
        yield same_host, other


def test_fetch_refuses_every_redirect_variant_to_an_internal_address(tmp_path, inside):
    same_host, other = inside
    targets = {
        "/other-port": same_host.url("/secret.html"),
        "/other-loopback": other.url("/secret.html"),
        "/localhost": f"http://localhost:{same_host.port}/secret.html",
        "/mapped-v6": f"http://[::ffff:127.0.0.1]:{same_host.port}/secret.html",
        "/decimal": f"http://2130706433:{same_host.port}/secret.html",
        "/short": f"http://127.1:{same_host.port}/secret.html",
        "/relative-host": f"//localhost:{same_host.port}/secret.html",
    }
    routes = {path: redirect(target) for path, target in targets.items()}
    routes |= {"/moved": redirect(same_host.url("/secret.html"), 301),
               "/refresh": meta_refresh(other.url("/secret.html"))}
    with HostileServer(routes) as site:
        urls = [site.url(path) for path in routes]
        result = _run("--archive", str(tmp_path / "a"), "fetch", *urls)
    assert same_host.requests == [] and other.requests == []
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == len(urls)
    assert all(("refused" in line and "internal address" in line) or "names this machine" in line
               for line in lines), result.stderr
    assert not (tmp_path / "a" / "articles").exists()


def test_allow_private_lets_the_user_fetch_internal_pages(tmp_path, inside):
    same_host, _ = inside
    with HostileServer({"/go": redirect(same_host.url("/secret.html"))}) as site:
        result = _run("--archive", str(tmp_path / "a"), "fetch", "--allow-private",
                      site.url("/go"))
    assert result.returncode == 0, result.stderr
    assert "/secret.html" in same_host.requests


def test_a_discovery_crawl_follows_no_link_to_another_port_or_host(tmp_path, inside):
    same_host, other = inside
    links = "".join(f"<li><a href='{u}'>秘密文章{i}</a></li>" for i, u in enumerate([
        same_host.url("/secret.html"), other.url("/secret.html"),
        f"http://localhost:{same_host.port}/secret.html"]))
    local = "".join(f"<li><a href='/news/{n}.html'>本站文章{n}</a></li>" for n in (1001, 1002))
    home = f"<html><body><ul>{links}{local}</ul></body></html>".encode()
    routes = {"/": _page(home), "/news/1001.html": article("本站第一篇文章"),
              "/news/1002.html": article("本站第二篇文章")}
    with HostileServer(routes) as site:
        result = _run("--archive", str(tmp_path / "a"), "crawl", site.url("/"),
                      "--set", "LOG_LEVEL=WARNING", "--set", "DOWNLOAD_DELAY=0", "--set",
                      "ROBOTSTXT_OBEY=False")
        fetched = list(site.requests)
    assert result.returncode == 0, result.stderr
    assert same_host.requests == [] and other.requests == []
    assert {"/news/1001.html", "/news/1002.html"} <= set(fetched)


def _page(body: bytes):
    from tests.faults.hostile import Reply

    return Reply(body=body)
