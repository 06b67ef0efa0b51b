"""Shared fixtures: the demo server on loopback and in-process crawls."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.test import get_crawler

from ainews.demo.server import DemoServer
from crawler import settings as project

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
AINEWS = str(BIN / "ainews")
"""The installed ``ainews`` command, for tests that need a process of its own (a crawl runs
Scrapy's reactor, which starts once per process)."""
SCRAPY = str(BIN / "scrapy")
NOW = datetime(2026, 11, 29, 4, 0, tzinfo=UTC)
"""The tests' fixed "now": fetch times and relative dates count from it."""

# Strings of the demo pages' breadcrumbs, meta lines, share bars, comments, disclaimers and
# footers: none may reach an article's text.
BOILERPLATE = (
    "当前位置", "Copyright", "ICP", "版权所有", "分享到", "QQ空间", "免责声明", "不代表本",
    "相关文章", "相关推荐", "相关阅读", "网友评论", "期待后续报道", "客户端", "二维码", "作者:",
    "发布时间", "编辑 |", "责任编辑", "来源:", "标签:", "阅读(",
)


# What makes a test an end-to-end scenario: it starts processes or serves pages over HTTP.
_E2E_SIGNS = ("subprocess", "Popen", "demo_server", "DemoServer", "ThreadingHTTPServer",
              "redis_server", "moto_server", "run_crawl")


def _is_e2e(path: Path, seen: dict[Path, bool]) -> bool:
    if path not in seen:
        text = path.read_text(encoding="utf-8")
        seen[path] = any(sign in text for sign in _E2E_SIGNS)
    return seen[path]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the end-to-end scenarios (``-m e2e`` runs them, ``-m "not e2e"`` the components)
    and start them first: they are the long ones, and a parallel run ends with short tests
    instead of waiting on one long straggler."""
    seen: dict[Path, bool] = {}
    for item in items:
        if _is_e2e(Path(str(item.fspath)), seen):
            item.add_marker(pytest.mark.e2e)
    items.sort(key=lambda item: item.get_closest_marker("e2e") is None)


@pytest.fixture(scope="session")
def demo_server():
    """The three demo sites on free loopback ports for the whole session."""
    with DemoServer(ports={}) as server:
        yield server


def project_settings(**overrides: Any) -> dict[str, Any]:
    """The project's settings as a dict, with test overrides."""
    values = {name: getattr(project, name) for name in dir(project) if name.isupper()}
    values.update({"LOG_LEVEL": "WARNING", **overrides})
    return values


def crawl(spidercls: type, settings: dict[str, Any], **kwargs: Any):
    """Start an in-process crawl; yield the Deferred from an inlineCallbacks test."""
    crawler = get_crawler(spidercls, settings)
    return crawler, deferred_from_coro(crawler.crawl_async(**kwargs))




def answer(handler: Any, body: bytes, kind: str, status: int = 200) -> None:
    """Send ``body`` from a ``BaseHTTPRequestHandler`` of a test server, whole."""
    handler.send_response(status)
    handler.send_header("Content-Type", kind)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def run_ainews(*args: str, archive: Path | None = None, stdin: str | None = None,
               timeout: float = 180, cwd: Path | None = None,
               ) -> subprocess.CompletedProcess[str]:
    """``ainews [--archive ARCHIVE] ARGS`` as a process of its own (for commands that crawl)."""
    command = [AINEWS, *(["--archive", str(archive)] if archive else []), *args]
    return subprocess.run(command, input=stdin, capture_output=True, text=True,
                          cwd=cwd or REPO, timeout=timeout, check=False)


@dataclass(frozen=True)
class Ran:
    """How an ``ainews`` command run in this process ended."""

    returncode: int
    stdout: str
    stderr: str


def ainews_here(*args: str, archive: Path | None = None, stdin: str | bytes = b"") -> Ran:
    """``ainews [--archive ARCHIVE] ARGS`` in this process, through the same entry point as
    the command (exit codes and one-line errors included), with click's runner holding the
    standard streams: no interpreter start-up. Not for commands that crawl."""
    from click.testing import CliRunner

    from ainews.cli.app import main

    with CliRunner().isolation(input=stdin) as (stdout, stderr, _):
        try:
            returncode = main([*(["--archive", str(archive)] if archive else []), *args])
        finally:
            sys.stdout.flush()  # the swapped streams buffer text until flushed
            sys.stderr.flush()
        return Ran(returncode, stdout.getvalue().decode(), stderr.getvalue().decode())


OWN_PROCESS = frozenset(("crawl", "fetch", "demo", "demo-server", "worker", "classify"))
"""Commands that run Scrapy's reactor (once per process) or serve until stopped."""


def ainews(*args: str, archive: Path | None = None, stdin: str | None = None,
           timeout: float = 180, cwd: Path | None = None) -> Ran | subprocess.CompletedProcess[str]:
    """Run ``ainews ARGS`` the cheapest real way: in this process, unless it crawls, serves
    or must run in another folder (then as a process of its own)."""
    if cwd is not None or OWN_PROCESS & set(args):
        return run_ainews(*args, archive=archive, stdin=stdin, timeout=timeout, cwd=cwd)
    return ainews_here(*args, archive=archive, stdin=(stdin or "").encode())
