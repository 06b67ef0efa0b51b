"""``ainews report``: one offline HTML file, rendered in a real headless Chromium."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest

from archive import Archive
from report import Scope, write_report
from report.page import CHART_IDS
from tests.conftest import AINEWS, NOW, REPO

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _ainews(*args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([AINEWS, *args], capture_output=True, text=True, cwd=REPO,
                          timeout=timeout, check=False)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo sites crawled into an archive by the CLI, as a user would."""
    root = tmp_path_factory.mktemp("report") / "archive"
    done = _ainews("--archive", str(root), "demo", timeout=600)
    assert done.returncode == 0, done.stderr
    return root


def _render(path: Path, screenshot: Path) -> dict[str, object]:
    """Open ``path`` in headless Chromium: per chart the SVG marks drawn, errors, dialogs."""
    # Playwright's sync API refuses a thread with an asyncio loop (the test reactor's).
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(_render_here, path, screenshot).result(timeout=240)


def _render_here(path: Path, screenshot: Path) -> dict[str, object]:
    from playwright.sync_api import sync_playwright

    assert CHROMIUM, "chromium is not installed (.ci/run installs Debian's package)"
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            errors: list[str] = []
            dialogs: list[str] = []
            requests: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(path.as_uri())
            page.wait_for_function(
                f"document.querySelectorAll('.main-svg').length >= {len(CHART_IDS)}")
            marks = page.evaluate("""ids => Object.fromEntries(ids.map(id => {
                const chart = document.getElementById(id);
                const svg = chart ? chart.querySelector('.main-svg') : null;
                const drawn = svg ? svg.querySelectorAll(
                    '.bars path, .scatterlayer path, .scatterlayer .point').length : -1;
                const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
                return [id, {drawn, width: box.width, height: box.height,
                             empty: !!(chart && chart.textContent.includes('nothing to show'))}];
            }))""", list(CHART_IDS))
            rows = page.evaluate("document.querySelectorAll('#newest tbody tr').length")
            page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    return {"marks": marks, "errors": errors, "dialogs": dialogs, "rows": rows,
            "requests": [r for r in requests if not r.startswith(("file:", "data:"))]}


def test_the_report_of_a_crawled_archive_draws_every_chart_offline(crawled, tmp_path):
    out = tmp_path / "report.html"
    done = _ainews("--archive", str(crawled), "report", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert str(out) in done.stdout
    text = out.read_text(encoding="utf-8")
    # Self-contained: no script, style or image fetched from anywhere.
    assert not re.search(r'<(script|link|img)[^>]+(src|href)="(https?:)?//', text)
    seen = _render(out, tmp_path / "report.png")
    assert seen["errors"] == [] and seen["requests"] == []
    marks = seen["marks"]
    assert isinstance(marks, dict)
    for chart in CHART_IDS:
        assert marks[chart]["width"] > 200 and marks[chart]["height"] > 200, chart
    # The demo has articles, categories, authors, sources, reprinted stories, AI entities,
    # runs and gaps: every chart drew marks.
    for chart in CHART_IDS:
        assert marks[chart]["drawn"] > 0 and not marks[chart]["empty"], (chart, marks[chart])
    assert seen["rows"] == 50
    png = (tmp_path / "report.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 50_000


def test_since_and_site_narrow_the_report(crawled, tmp_path):
    out = tmp_path / "one.html"
    done = _ainews("--archive", str(crawled), "report", "--out", str(out), "--site",
                   "demo-wp", "--since", "2024-01-01")
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    assert "demo-wp" in text and '"name":"demo-daily"' not in text
    bad = _ainews("--archive", str(crawled), "report", "--out", str(out), "--since", "soon")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1


def test_a_hostile_title_and_url_stay_text_and_a_cluster_is_charted(tmp_path):
    archive = Archive(tmp_path / "archive")
    story = "星河智能今天在北京发布了新一代开源大模型，参数规模达到七百亿，推理成本下降一半。" * 6
    rows = []
    for i, (site, url) in enumerate([("a", "javascript:alert(1)"),
                                     ("b", "http://b.example.cn/1.html"),
                                     ("c", "http://c.example.cn/1.html")]):
        rows.append({"url": url, "site": site,
                     "title": '<img src=x onerror="alert(1)"><script>alert(2)</script>',
                     "text": story, "text_sha256": hashlib.sha256(story.encode()).hexdigest(),
                     "published_at": NOW - timedelta(days=i), "fetched_at": NOW, "lang": "zh",
                     "authors": ["张三"], "editors": [], "breadcrumbs": [], "tags": []})
    archive.append(rows)
    out = write_report(archive, tmp_path / "r.html", Scope())
    seen = _render(out, tmp_path / "r.png")
    assert seen["dialogs"] == [] and seen["errors"] == []
    marks = seen["marks"]
    assert isinstance(marks, dict) and marks["clusters"]["drawn"] > 0
    assert "javascript:" not in out.read_text(encoding="utf-8").split('id="newest"')[1]


def test_trends_and_stories_of_the_demo_archive_tell_what_its_texts_imply(crawled):
    from collections import Counter

    from ainews.demo.site import REPRINTS, build_sites

    mentions: Counter[str] = Counter()
    articles: Counter[str] = Counter()
    for site in build_sites(NOW):
        for article in site.articles:
            mentions.update(article.entities)
            articles.update(article.entities.keys())
    done = _ainews("--archive", str(crawled), "trends", "DeepSeek", "月之暗面", "--by", "month",
                   "--json")
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    for entity in ("deepseek", "moonshot"):
        assert articles[entity] > 5
        assert sum(r["mentions"] for r in rows if r["entity"] == entity) == mentions[entity]
        assert sum(r["articles"] for r in rows if r["entity"] == entity) == articles[entity]
    assert {r["entity"] for r in rows} == {"deepseek", "moonshot"}

    done = _ainews("--archive", str(crawled), "stories", "--json")
    assert done.returncode == 0, done.stderr
    stories = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(stories) == len(REPRINTS)
    for story in stories:
        first, reprint = story["carriers"]
        assert first["site"] == story["first"]["site"] == "demo-daily"
        assert reprint["site"] == "demo-portal" and reprint["source"] == "AI日报"
        assert reprint["delay_hours"] > 0
        assert story["outlets"] == 2 and story["sources"] == 1 and story["origin"] == "AI日报"
    shown = _ainews("--archive", str(crawled), "stories").stdout
    assert "2 outlets, 1 independent sources; first: demo-daily" in shown
