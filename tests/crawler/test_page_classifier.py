"""The page classifier: golden verdicts on pages written for these tests, the committed model
rebuilt bit for bit, the pure-Python trees equal to LightGBM's, the features it weighs, the
crawl's own evidence, and ``ainews classify``."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from ainews.cli import main
from crawler.discovery.classify import classify_page
from crawler.discovery.learner import SiteLearner
from crawler.discovery.page_features import FEATURES, page_features
from crawler.discovery.page_model import committed_model, load_model
from scripts import page_training
from tests.conftest import REPO

PAGES = REPO / "tests" / "fixtures" / "page_types"
SITE = "https://www.example-ai.cn"
# Each page of tests/fixtures/page_types (written for these tests): its address and type.
GOLDEN = {
    "article_zh_portal": (f"{SITE}/news/2024/1108/1712.html", "article"),
    "article_en_blog": ("https://blog.example.com/2025/03/why-small-models-win/", "article"),
    "listing_zh_home": (f"{SITE}/", "listing"),
    "listing_en_archive": ("https://modelwire.example.com/latest?page=2", "listing"),
    # Teasers not wrapped one per item: bare `h4`/`p` siblings, table rows. Neither wrapping
    # is among the pages the model learns from (the zoo has `li`, `article` and `dt`/`dd`).
    "listing_zh_flat": (f"{SITE}/ai/", "listing"),
    "listing_zh_table": (f"{SITE}/ai/", "listing"),
    "collection_zh_tag": (f"{SITE}/tag/%E5%A4%A7%E6%A8%A1%E5%9E%8B", "collection"),
    "search_zh_results": (f"{SITE}/search?kw=%E6%99%BA%E8%83%BD%E4%BD%93", "listing"),
    "forum_en_thread": ("https://forum.example.org/t/how-do-i-quantize-a-7b-model/4411",
                        "forum"),
    "product_en_camera": ("https://shop.example.com/products/x2-ai-camera", "product"),
    "documentation_en_install": ("https://docs.example.dev/guide/installation",
                                 "documentation"),
    "service_zh_about": (f"{SITE}/about.html", "service"),
    "service_en_pricing": ("https://www.example.io/pricing", "service"),
}
# Pages the model misjudges today, each a kind the benchmark shows it weak on
# (bench/page_classifier.py: forum threads and service pages are its worst types). Strict:
# the day the model judges one right, the mark must go.
KNOWN_MISSES = {
    "forum_en_thread": "forum threads: 0.30 judged article in grouped cross-validation",
}


def _page(name: str) -> str:
    return (PAGES / f"{name}.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", [
    pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=KNOWN_MISSES[name]))
    if name in KNOWN_MISSES else name for name in GOLDEN])
def test_golden_verdicts(name):
    url, page_type = GOLDEN[name]
    verdict = classify_page(_page(name), url)
    assert verdict.is_article == (page_type == "article"), verdict.reason
    assert len(verdict.reasons) == 4 and verdict.reason.startswith(verdict.page_type)


def test_every_golden_page_exists_and_every_file_is_judged():
    assert {p.stem for p in PAGES.glob("*.html")} == set(GOLDEN)


def test_a_page_that_echoes_its_query_is_a_search_page_whatever_the_model_says():
    url, _ = GOLDEN["search_zh_results"]
    verdict = classify_page(_page("search_zh_results"), url)
    assert verdict.rule == "search page" and verdict.page_type == "listing"
    # The same page at an address without the query is left to the model.
    assert classify_page(_page("search_zh_results"), f"{SITE}/search").rule is None


def test_unknown_address_leaves_the_url_features_unknown():
    features = page_features(_page("article_zh_portal"), None)
    url_features = [name for name in FEATURES if name.startswith("url_")]
    assert url_features and all(math.isnan(features[name]) for name in url_features)
    assert classify_page(_page("article_zh_portal"), None).is_article


def test_teasers_are_counted_on_listings_not_on_articles():
    listing = page_features(_page("listing_zh_home"), GOLDEN["listing_zh_home"][0])
    article = page_features(_page("article_zh_portal"), GOLDEN["article_zh_portal"][0])
    assert listing["teasers"] == 8 and listing["teaser_share"] > 0.7
    assert article["teasers"] == 0 and article["paragraph_run"] == 6


def test_dates_are_found_across_glued_inline_text():
    html = "<html><body><div><a href='/u/a'>mira_k</a><span>Feb 11, 2025</span></div></body></html>"
    assert page_features(html, None)["dates"] == 1


def test_han_text_counts_in_bytes_so_one_threshold_serves_both_scripts():
    # 40 Han characters make a paragraph (120 bytes); 40 Latin letters do not.
    han = "<html><body><p>" + "模" * 40 + "</p></body></html>"
    latin = "<html><body><p>" + "m" * 40 + "</p></body></html>"
    assert page_features(han, None)["paragraphs"] == 1
    assert page_features(latin, None)["paragraphs"] == 0


@pytest.mark.parametrize("html", ["", "<", "\x00\x01", "<html><body></body></html>",
                                  "<div>" * 20000 + "deep" + "</div>" * 20000,
                                  "<ul>" + "<li><a href='/x'>x</a></li>" * 20000 + "</ul>"])
def test_odd_and_hostile_pages_get_a_verdict(html):
    verdict = classify_page(html, "https://example.cn/a")
    assert not verdict.is_article and 0.0 <= verdict.probability <= 1.0


# ---- the model --------------------------------------------------------------------------

def test_feature_table_was_made_by_todays_feature_code():
    version, rows = page_training.read_table()
    assert version == page_training.feature_version(), (
        "crawler/discovery/page_features.py changed: run `make page-model` (it needs "
        "../shared/bench) and commit scripts/page_features.csv.gz and the model")
    assert len(rows) > 2000 and {r.label for r in rows} == set(page_training.TYPES)


def test_committed_model_is_rebuilt_bit_for_bit():
    rebuilt = page_training.model_json(page_training.fit(page_training.all_rows()))
    assert rebuilt == page_training.MODEL.read_text(encoding="utf-8"), (
        "the committed model is not what the trainer makes: run `make page-model`")


def test_the_pure_python_trees_give_lightgbms_probabilities():
    import numpy as np

    rows = page_training.all_rows()
    matrix = np.array([r.features for r in rows])
    article = page_training.fit_trees(rows, kind=False)
    kind = page_training.fit_trees(rows, kind=True)
    model = load_model(json.dumps({
        "features": list(FEATURES), "threshold": 0.5,
        "article": {"classes": ["article"], "trees": page_training.export_trees(article)},
        "kind": {"classes": list(page_training.NON_ARTICLE_TYPES),
                 "trees": page_training.export_trees(kind)}}))
    ours = [model.article.probabilities(list(r.features))["article"] for r in rows]
    assert np.abs(article.predict(matrix) - np.array(ours)).max() < 1e-12
    ours_kind = np.array([list(model.kind.probabilities(list(r.features)).values())
                          for r in rows])
    assert np.abs(kind.predict(matrix) - ours_kind).max() < 1e-12


def test_the_committed_model_names_todays_features_and_a_threshold_below_a_half():
    model = committed_model()
    assert model.features == FEATURES
    assert 0.0 < model.threshold <= 0.5
    assert model.meta["library"].startswith("lightgbm ")


# ---- the crawl's own evidence ----------------------------------------------------------

def test_a_template_of_mostly_non_articles_overrules_an_article_verdict():
    learner = SiteLearner()
    for word in ("kaiyuan", "suanli", "xinpian"):
        learner.fetched(f"https://example.cn/tag/{word}", article=False)
    assert learner.overruled("https://example.cn/tag/moxing")
    assert not learner.overruled("https://example.cn/news/2024/1108/1712.html")
    for n in range(3):
        learner.fetched(f"https://example.cn/news/2024/1108/{1700 + n}.html", article=True)
    assert not learner.overruled("https://example.cn/news/2024/1108/1712.html")


def test_a_page_linked_from_most_pages_is_site_chrome():
    learner = SiteLearner()
    for n in range(4):
        learner.linked(["https://example.cn/about.html", f"https://example.cn/a/{n}.html"])
    assert not learner.site_chrome("https://example.cn/about.html")  # too few pages yet
    learner.linked(["https://example.cn/about.html", "https://example.cn/about.html"])
    assert learner.site_chrome("https://example.cn/about.html")
    assert learner.inbound["https://example.cn/about.html"] == 5  # once per page
    assert not learner.site_chrome("https://example.cn/a/1.html")


# ---- ainews classify ---------------------------------------------------------------------

def test_classify_prints_a_verdict_per_file(capsys):
    files = [str(PAGES / "article_zh_portal.html"), str(PAGES / "listing_zh_home.html")]
    assert main(["classify", *files]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"{files[0]}: article p(article)=")
    assert lines[1].startswith(f"{files[1]}: listing p(article)=0.")


def test_classify_json_with_the_address_and_every_feature(capsys):
    url, _ = GOLDEN["search_zh_results"]
    page = str(PAGES / "search_zh_results.html")
    assert main(["classify", page, "--url", url, "--json", "--explain"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["url"] == url and found["is_article"] is False
    assert found["rule"] == "search page" and found["page_type"] == "listing"
    assert [f["feature"] for f in found["features"]] != list(FEATURES)  # strongest first
    assert {f["feature"] for f in found["features"]} == set(FEATURES)
    assert found["reasons"] == found["features"][:4]


def test_classify_reads_stdin(capsys, monkeypatch):
    import io

    data = (PAGES / "article_en_blog.html").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert main(["classify", "-", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["is_article"] is True


@pytest.mark.parametrize("args", [
    ["classify", "no-such-page.html"],
    ["classify", str(PAGES / "article_en_blog.html"), str(PAGES / "listing_zh_home.html"),
     "--url", "https://example.cn/a"],
    ["classify", str(PAGES / "article_en_blog.html"), "--url", "ftp://example.cn/a"],
])
def test_classify_bad_input_is_one_line_and_exit_2(args, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("ainews: error: ") and len(err.strip().splitlines()) == 1


def test_classify_fetches_urls_and_says_which_failed(demo_server):
    site = demo_server.sites["demo-daily"]
    base = demo_server.base_url("demo-daily")
    article, home = base + site.articles[0].path, base + "/"
    missing = base + "/no-such-page.html"
    done = subprocess.run([str(Path(sys.executable).parent / "ainews"), "classify", article,
                           home, missing, "--json"], capture_output=True, text=True,
                          cwd=REPO, timeout=120, check=False)
    assert done.returncode == 1, done.stderr
    verdicts = {v["page"]: v for v in map(json.loads, done.stdout.splitlines())}
    assert verdicts[article]["is_article"] is True
    assert verdicts[home]["is_article"] is False
    assert missing not in verdicts and missing in done.stderr
