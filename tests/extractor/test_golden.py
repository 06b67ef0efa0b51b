"""Golden pages: each stored page gives exactly its stored JSON.

After an intended change of the extractor, run `python scripts/regen_golden.py`, read the diff
of tests/fixtures/golden/*.json line by line, and commit it with the change.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scripts.regen_golden import GOLDEN, expected

PAGES = sorted(GOLDEN.glob("*.html"))


def test_every_page_has_its_json():
    missing = [p.name for p in PAGES if not p.with_suffix(".json").exists()]
    assert not missing, f"run `python scripts/regen_golden.py` for {missing}"
    assert len(PAGES) >= 9


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_golden_page(page: Path):
    stored = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
    assert expected(page.read_bytes(), page.stem) == stored


def test_golden_pages_show_the_hard_cases():
    # Spot checks that keep the stored JSON honest: a wrong regeneration fails here too.
    def load(name):
        return json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))

    forum = load("forum_post_with_replies")
    assert forum["authors"] == ["算力搬运工"] and "感谢分享" not in forum["text"]
    portal = load("portal_layout_tables")
    assert portal["authors"] == ["周明远"] and portal["editors"] == ["吴佳"]
    assert portal["source"] == "示例商报" and "今 日 推 荐" not in portal["text"]
    assert "责任编辑" not in portal["text"]
    reporter = load("reporter_credit_at_paragraph_end")
    assert reporter["authors"] == ["林若川"] and reporter["text"].endswith("（记者 林若川）")
    person = load("source_names_a_person")
    assert person["authors"] == ["尹晓岚"] and person["source"] is None
    bracketed = load("bracketed_byline_hyphen_title")
    assert bracketed["authors"] == ["宋立平"]
    assert bracketed["title"] == "机器人公司上市首日破发：一个行业的冷思考"
    wire = load("dateline_credit_traditional")
    assert wire["authors"] == ["王小明"] and wire["editors"] == ["陳小華"]
    assert wire["source"] == "中央社"
    closing = load("closing_bracket_and_sidebar")
    assert closing["authors"] == ["晓风"] and closing["editors"] == ["liuxiao"]
    assert closing["source"] == "示例晚报"  # not the sidebar's columnist, not the site itself
    glued = load("glued_reporters_photo_caption")
    assert glued["authors"] == ["谭飞", "王艳明", "闫鹃"], "the photographer is no author"
    assert glued["editors"] == ["孙楚"] and glued["text"].startswith("昨天是春运首日")
    english = load("english_news_jsonld")
    assert english["published_at"] == "2025-03-05T03:30:00+00:00"
    assert english["authors"] == ["Dana Whitfield"]
