"""A site's title affix learned from its other pages in a crawl, and cut from headlines."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest_twisted
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler.items import Article, Page
from extractor.titles import strip_affixes
from pipelines.extraction import ExtractionPipeline
from pipelines.title_affixes import TitleAffixes
from tests.conftest import project_settings

AFFIX = "示例科技资讯网-领先的人工智能产业新闻平台"


def test_an_affix_is_learned_once_most_of_a_sites_titles_repeat_it():
    affixes = TitleAffixes()
    headlines = ["县域工厂引入大模型质检系统", "算力租赁价格连跌三月", "机器人走进社区养老院"]
    for headline in headlines[:2]:
        affixes.observe("example", f"{headline}｜{AFFIX}")
    assert affixes.of("example") == frozenset()  # two pages teach nothing yet
    affixes.observe("example", f"{headlines[2]}｜{AFFIX}")
    assert affixes.clean("example", f"新闻标题｜{AFFIX}") == "新闻标题"
    assert affixes.clean("other", f"新闻标题｜{AFFIX}") == f"新闻标题｜{AFFIX}"


def test_strip_affixes_never_cuts_a_title_to_nothing():
    assert strip_affixes("示例网", ("示例网",)) == "示例网"
    assert strip_affixes("手机版_标题_示例网", ("示例网", "手机版")) == "标题"


def _page(n: int) -> Page:
    paragraphs = "".join(
        f"<p>第{n}篇。今年以来，当地持续推进人工智能技术在制造业中的应用，多家企业完成了生产线"
        f"改造，效率明显提升。业内人士认为，这一趋势还将延续。</p>" for _ in range(3))
    html = (f"<html><head><meta charset='utf-8'><title>第{n}条新闻的标题在这里｜{AFFIX}</title>"
            f"</head><body><h2>第{n}条新闻的标题在这里｜{AFFIX}</h2>{paragraphs}</body></html>")
    return Page(url=f"http://127.0.0.1/a/{n}.html", body=html.encode(), site="example",
                fetched_at=datetime(2026, 11, 1, tzinfo=UTC))


@pytest_twisted.ensureDeferred
async def test_the_crawl_pipeline_cuts_an_affix_its_site_taught_it():
    crawler = get_crawler(settings_dict=project_settings(EXTRACT_WORKERS=0))
    pipeline = build_from_crawler(ExtractionPipeline, crawler)
    titles = []
    for n in range(5):
        article = await pipeline.process_item(_page(n))
        assert isinstance(article, Article)
        titles.append(article.title)
    assert titles[-1] == "第4条新闻的标题在这里"
    assert crawler.stats.get_value("extract/title_affix_cut") >= 1
