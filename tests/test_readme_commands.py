"""Every command the README's shell blocks show is run here, offline, and must exit 0.

Placeholders a reader replaces are replaced here too: real sites become the demo sites on
this test's ports, saved-page.html a stored page, Redis at 10.0.0.5 a real redis-server on
loopback. What cannot run offline (a worker crawling a real site, curl to a Scrapyd host) is
parsed by the CLI itself, so a renamed option still fails the test.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest

from ainews.cli import ainews
from tests.conftest import BIN, OWN_PROCESS, REPO, Ran, ainews_here
from tests.crawler.distributed.servers import redis_server

FIXTURE = REPO / "tests" / "fixtures" / "aigcdaily_article.html"
REAL_SITES = ("aigcdaily", "qbitai")


def readme_commands() -> list[str]:
    """The ``.venv/bin/…`` lines of the README's ``sh`` blocks, comments and pipes cut."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", readme, re.S):
        for line in block.splitlines():
            if line.startswith(".venv/bin/"):
                command = re.split(r"\s{2,}#|\s#\s", line)[0].split(" | ")[0].strip()
                lines.append(command)
    return lines


def _offline(words: list[str], demo: dict[str, str], redis_url: str, root: Path) -> list[str]:
    """The same command against this test's servers and files."""
    text = " ".join(shlex.quote(w) for w in words)
    text = re.sub(r"redis://(:\w+@)?10\.0\.0\.5:6379/0", redis_url, text)
    text = text.replace("s3://news/archive", str(root / "shared")).replace(
        "/srv/news", str(root / "srv"))
    words = shlex.split(text)
    out = []
    for word in words:
        if word == "saved-page.html":
            word = str(FIXTURE)
        elif word.startswith("tests/fixtures/"):
            word = str(REPO / word)  # the README runs from the checkout
        elif word == "CC-NEWS-20240101.warc.gz":
            word = "pages.warc.gz"  # written by the README's export line before it
        elif word in ("URL1", "https://example.cn/news/1.html"):
            word = demo["article1"]
        elif word == "URL2":
            word = demo["article2"]
        elif word == "https://some-site.cn/ai/":
            word = demo["demo-portal"] + "/"
        elif word in REAL_SITES and "crawl" in words and "--redis" not in words:
            word = "demo-daily"  # a crawl of a real site needs the internet: the demo's
        elif word == "DOWNLOAD_DELAY=3":
            word = "DOWNLOAD_DELAY=0"  # the demo server needs no politeness delay
        out.append(word)
    if "crawl" in out and "demo-daily" in out and "--redis" not in out:
        out += (["-a", f"base_url={demo['demo-daily']}"] if out[0].endswith("scrapy")
                else ["--base-url", demo["demo-daily"]])
        if out[0].endswith("scrapy") and "-O" not in out:
            out += ["-s", "CLOSESPIDER_ITEMCOUNT=3"]
    if out[0].endswith("ainews") and "crawl" in out and "--set" not in out:
        out += ["--set", "DOWNLOAD_DELAY=0"]
    return out


def _runs_offline(words: list[str]) -> bool:
    # A worker crawls real sites; everything else the README shows needs no network.
    return "worker" not in words


def test_the_readme_shows_commands():
    commands = readme_commands()
    assert len(commands) >= 30
    assert any(" report" in c for c in commands) and any("schema" in c for c in commands)


def test_every_readme_shell_command_runs(demo_server, tmp_path, monkeypatch):
    demo = {name: demo_server.base_url(name) for name in ("demo-daily", "demo-wp",
                                                          "demo-portal")}
    articles = demo_server.sites["demo-daily"].articles
    demo["article1"] = demo["demo-daily"] + articles[0].path
    demo["article2"] = demo["demo-daily"] + articles[1].path
    # The README runs from the checkout; here from a scratch folder (its data/archive) that
    # Scrapy knows as the project through its settings module.
    monkeypatch.setenv("AINEWS_JOBS", str(tmp_path / "jobs"))
    monkeypatch.setenv("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    monkeypatch.delenv("AINEWS_ARCHIVE", raising=False)
    monkeypatch.chdir(tmp_path)
    env = dict(os.environ)
    # The archive the README's readers have after `make demo`: every demo site crawled (the
    # three at once: each is a site of its own).
    crawls = [subprocess.Popen([str(BIN / "ainews"), "crawl", site, "--base-url", demo[site],
                                "--log-level=WARNING"], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
              for site in ("demo-daily", "demo-wp", "demo-portal")]
    for crawl in crawls:
        _, errors = crawl.communicate(timeout=300)
        assert crawl.returncode == 0, errors
    ran, parsed = [], []
    with redis_server(tmp_path) as redis_url:
        for command in readme_commands():
            words = _offline(shlex.split(command), demo, redis_url, tmp_path)
            words[0] = str(BIN / Path(words[0]).name)
            if Path(words[0]).name == "ainews" and not _runs_offline(words):
                root = ainews.make_context("ainews", words[1:], resilient_parsing=False)
                name, found, rest = ainews.resolve_command(
                    root, [*root._protected_args, *root.args])
                assert found is not None, command
                found.make_context(name or "", rest, parent=root)
                parsed.append(command)
                continue
            if Path(words[0]).name == "ainews" and not OWN_PROCESS & set(words):
                # Through the command's own entry point, in this process: no start-up.
                done: Ran | subprocess.CompletedProcess[str] = ainews_here(*words[1:])
            else:
                done = subprocess.run(words, cwd=tmp_path, env=env, capture_output=True,
                                      text=True, timeout=300, check=False)
            assert done.returncode == 0, f"{command}\n{words}\n{done.stderr[-2000:]}"
            ran.append(command)
    assert len(ran) >= 28 and len(parsed) <= 2, (ran, parsed)


@pytest.mark.parametrize("command", ["crawl", "fetch", "report", "export"])
def test_the_readme_shows_each_main_command(command):
    assert any(f" {command} " in f"{c} " for c in readme_commands())
