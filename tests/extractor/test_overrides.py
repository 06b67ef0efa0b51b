"""Site overrides: a profile's selector or pattern wins over the generic strategies, is
reported as the winner, and every overriding profile ships a stored page and its JSON."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime

import pytest

from crawler.sites import PROFILES
from extractor import ExtractOptions, FieldOverride, explain, extract_article
from extractor.overrides import OverrideError
from scripts.regen_golden import SITES, site_expected, site_pages
from tests.conftest import NOW

PAGE = ("<html><head><meta charset='utf-8'><title>县域工厂引入大模型质检系统</title></head><body>"
        "<h1>县域工厂引入大模型质检系统</h1><div class='meta'><span class='who'>晓风</span> "
        "2024-11-08</div><p>" + "今年以来，当地持续推进人工智能技术在制造业中的应用。" * 6
        + "</p></body></html>").encode()


def test_every_overriding_profile_has_a_stored_page():
    overriding = sorted(name for name, profile in PROFILES.items() if profile.overrides)
    stored = sorted({name for name, _ in site_pages()})
    assert overriding, "at least one profile shows how overrides work"
    assert overriding == stored, (
        f"store a page of each overriding profile in {SITES}/<name>/ and run "
        "`python scripts/regen_golden.py`")


@pytest.mark.parametrize(("name", "page"), site_pages(), ids=lambda v: getattr(v, "name", v))
def test_stored_site_page_gives_its_json(name, page):
    stored = json.loads(page.with_name(page.name.replace(".html.gz", ".json")).read_text())
    assert site_expected(name, page) == stored


def test_the_demo_wp_override_reads_the_unlabelled_author():
    name, page = next((n, p) for n, p in site_pages() if n == "demo-wp")
    html = gzip.decompress(page.read_bytes())
    options = ExtractOptions(fetched_at=NOW, explain=True, overrides=PROFILES[name].overrides)
    article = extract_article(html, "http://127.0.0.1:8702/archives/2005", options)
    assert article is not None and article.authors == ("admin",)
    report = article.report("authors")
    assert report is not None and report.rule == "the site profile's override"
    assert "override" in explain(article).split("editors:")[0]


def test_an_override_finding_nothing_keeps_the_generic_value():
    options = ExtractOptions(fetched_at=NOW, overrides={
        "authors": FieldOverride(selector=".no-such-class"),
        "published": FieldOverride(pattern=r"发布于(\d{4}-\d{2}-\d{2})")})
    article = extract_article(PAGE, None, options)
    assert article is not None and article.published_raw == "2024-11-08"


def test_a_selector_and_a_pattern_together():
    options = ExtractOptions(fetched_at=NOW, overrides={
        "authors": FieldOverride(selector=".meta .who"),
        "published": FieldOverride(selector=".meta", pattern=r"(\d{4}-\d{2}-\d{2})")})
    article = extract_article(PAGE, None, options)
    assert article is not None and article.authors == ("晓风",)
    assert article.published_at == datetime(2024, 11, 7, 16, 0, tzinfo=UTC)


def test_bad_overrides_are_refused_clearly():
    with pytest.raises(ValueError, match="no override possible for body"):
        ExtractOptions(overrides={"body": FieldOverride(selector="p")})
    with pytest.raises(OverrideError, match="bad selector"):
        extract_article(PAGE, None, ExtractOptions(
            overrides={"authors": FieldOverride(selector="..nope")}))
    with pytest.raises(OverrideError, match="bad pattern"):
        extract_article(PAGE, None, ExtractOptions(
            overrides={"title": FieldOverride(pattern="(unclosed")}))
