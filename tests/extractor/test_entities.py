"""AI entities: the gazetteer is well-formed and unambiguous, and the matcher's rules hold."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from extractor.entities import KINDS, count_mentions, find_mentions, gazetteer, resolve


def found(text: str) -> list[tuple[str, str]]:
    return [(m.entity, m.name) for m in find_mentions(text)]


def test_the_gazetteer_is_well_formed_and_unambiguous():
    entities = gazetteer()
    assert len(entities) >= 400
    kinds = Counter(e.kind for e in entities.values())
    assert set(kinds) <= set(KINDS) and all(kinds[k] >= 30 for k in KINDS), kinds
    owners: dict[str, str] = {}
    for entity in entities.values():
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", entity.id), entity.id
        assert entity.names and all(n == n.strip() and n for n in entity.names), entity.id
        assert entity.ambiguous <= set(entity.names), entity.id
        if entity.org is not None:
            assert entities[entity.org].kind in ("org", "lab"), entity.id
        for name in {n.lower() for n in entity.names}:
            # One name, one entity: a name two entries share could not be told apart.
            assert owners.setdefault(name, entity.id) == entity.id, (name, entity.id)
            assert resolve(name) is entity
    # The names the project's users ask about first are there, both scripts where both exist.
    for pair in (("深度求索", "DeepSeek"), ("通义千问", "Qwen"), ("文心一言", "ERNIE Bot"),
                 ("月之暗面", "Moonshot AI"), ("智谱", "GLM"), ("豆包大模型", "Doubao")):
        assert resolve(pair[0]) is not None and resolve(pair[1]) is not None, pair
    assert entities["qwen"].org == "alibaba-cloud" and entities["claude"].org == "anthropic"


@pytest.mark.parametrize(("text", "expected"), [
    # 1. Latin names stand on word boundaries; a version's dot continues a name
    ("metadata and Metaverse", []),
    ("Meta发布了Llama 3.1", [("meta", "Meta"), ("llama-3", "Llama 3.1")]),
    ("GPT-4o比GPT-4更快", [("gpt-4o", "GPT-4o"), ("gpt-4", "GPT-4")]),
    ("Qwen2.5和Qwen2", [("qwen-2-5", "Qwen2.5"), ("qwen-2", "Qwen2")]),
    # 2. short names as written or in capitals, long ones in any case
    ("SONY and Sony, not sony", [("sony", "SONY"), ("sony", "Sony")]),
    ("deepseek, DEEPSEEK", [("deepseek", "deepseek"), ("deepseek", "DEEPSEEK")]),
    # 3. the longest of overlapping names
    ("DeepSeek-R1开源", [("deepseek-r1", "DeepSeek-R1")]),
    ("阿里云发布", [("alibaba-cloud", "阿里云")]),
])
def test_boundaries_case_and_the_longest_name(text, expected):
    assert found(text) == expected


def test_an_ambiguous_name_needs_a_second_source():
    # Nothing agrees: a zodiac sign, a politician, a single-board computer, a bun.
    assert found("Born a Gemini, Claude Goasguen bought a Raspberry Pi and a 豆包.") == []
    # AI context near one occurrence: then every occurrence in the text counts.
    text = "Gemini is a large language model." + " Filler words here." * 20 + " Ask Gemini."
    assert [e for e, _ in found(text)] == ["gemini", "gemini"]
    # A related entity anywhere in the text: its own company.
    far = "月之暗面今天开了发布会。" + "天气不错。" * 60 + "Kimi更新了。"
    assert found(far) == [("moonshot", "月之暗面"), ("kimi", "Kimi")]
    # Only a known name of another company nearby: that occurrence, not every one.
    generic = "腾讯网开通了微博。" + "天气不错。" * 60 + "很多人在微博上看新闻。"
    assert found(generic) == [("tencent", "腾讯"), ("weibo", "微博")]


def test_a_persons_last_name_counts_after_the_full_name():
    assert found("Sutskever said so.") == []
    text = "Ilya Sutskever left. Later Sutskever founded a lab."
    assert found(text) == [("ilya-sutskever", "Ilya Sutskever"),
                           ("ilya-sutskever", "Sutskever")]


def test_counts_cover_title_and_body_most_mentioned_first():
    assert count_mentions("OpenAI发布GPT-5", "OpenAI表示,GPT-5已上线。英伟达也有消息。OpenAI称…") \
        == (("openai", 3), ("gpt-5", 2), ("nvidia", 1))
    assert count_mentions(None, "") == ()


def test_extraction_counts_the_entities_and_explain_shows_each_with_its_names():
    from extractor import ExtractOptions, explain, extract_article

    html = ("<html><head><meta charset='utf-8'><title>深度求索发布R1</title></head><body>"
            "<h1>深度求索发布DeepSeek-R1推理模型</h1><p>发布时间:2025-01-20</p>"
            "<p>深度求索今天发布了DeepSeek-R1，在数学推理上与OpenAI的o1相当。月之暗面的Kimi"
            "也在同一天更新，英伟达股价随后下跌。</p></body></html>")
    extracted = extract_article(html, "https://example.cn/a.html",
                                ExtractOptions(min_chars=20, explain=True))
    assert extracted is not None
    assert dict(extracted.entities) == {"deepseek": 2, "deepseek-r1": 2, "openai": 1,
                                        "openai-o1": 1, "moonshot": 1, "kimi": 1, "nvidia": 1}
    shown = explain(extracted)
    assert "entities: deepseek ×2, deepseek-r1 ×2," in shown
    assert "  * kimi (product of moonshot): Kimi  «" in shown
    assert "  * deepseek-r1 (model of deepseek): DeepSeek-R1" in shown
