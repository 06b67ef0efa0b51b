"""The publish date chosen from candidates: agreement, the printed time, the fetch time bound."""

from __future__ import annotations

from datetime import UTC, datetime

from extractor import ExtractOptions, extract_article
from tests.conftest import NOW

SENTENCE = "今年以来，当地持续推进人工智能技术在制造业中的应用，多家企业完成了改造。"
BODY = "<p>" + SENTENCE * 4 + "</p>"


def page(meta="", header="", footer=""):
    return (f"<html><head><meta charset='utf-8'><title>县域工厂引入质检系统</title>{meta}"
            f"</head><body><h1>县域工厂引入质检系统</h1><div>{header}</div>{BODY}"
            f"<div>{footer}</div></body></html>").encode()


def published(html, now=NOW, explain=False):
    article = extract_article(html, None, ExtractOptions(fetched_at=now, explain=explain))
    assert article is not None
    return article


def test_the_printed_time_of_day_wins_over_a_declared_date_without_one():
    article = published(page(meta="<meta name='publishdate' content='2012-01-12'>",
                             header="2012年01月12日14:57 来源：羊城晚报"))
    assert article.published_at == datetime(2012, 1, 12, 6, 57, tzinfo=UTC)
    assert article.published_has_time and article.published_raw == "2012年01月12日14:57"


def test_a_visible_time_beats_a_declared_timestamp_of_the_same_day():
    meta = "<meta property='article:published_time' content='2019-10-23T09:10:42+08:00'>"
    article = published(page(meta=meta, header="2019年10月23日 09:05"), explain=True)
    assert article.published_at == datetime(2019, 10, 23, 1, 5, tzinfo=UTC)
    report = article.report("published")
    assert report is not None and "time of day from header" in report.rule
    assert {c.where for c in report.candidates} >= {"meta", "header"}


def test_dates_agreeing_across_places_beat_a_lone_declared_one():
    # The meta date disagrees with the meta line and the date line under it.
    meta = "<meta name='publishdate' content='2020-05-01'>"
    article = published(page(meta=meta, header="发布时间：2021-03-04 08:00",
                             footer="2021-03-04"))
    assert article.published_at == datetime(2021, 3, 4, 0, 0, tzinfo=UTC)


def test_no_date_after_the_fetch_time_and_no_copyright_year():
    article = published(page(meta="<meta name='publishdate' content='2027-01-01'>",
                             header="2024-11-08", footer="Copyright © 2026 示例网"))
    assert article.published_raw == "2024-11-08"
    undated = published(page(footer="Copyright © 2024 示例网 版权所有"))
    assert undated.published_at is None


def test_relative_dates_need_a_fetch_time():
    html = page(header="admin 3小时前")
    assert published(html).published_at == datetime(2026, 11, 29, 1, 0, tzinfo=UTC)
    article = extract_article(html, None, ExtractOptions())
    assert article is not None and article.published_at is None


def test_the_fetch_bound_is_the_fetch_moment_on_the_pages_own_calendar():
    # Fetched at 08:30 in Tokyo on 8 November (23:30 UTC on the 7th): a page of that morning
    # prints the 8th, which is not after the fetch.
    body = "<p>" + "The robot lab opened its doors to visitors for the first time. " * 6 + "</p>"
    html = (f"<html lang='en'><head><title>Lab opens</title></head><body><h1>Lab opens</h1>"
            f"<p class='date'>November 8, 2024</p>{body}</body></html>").encode()
    fetched = datetime(2024, 11, 7, 23, 30, tzinfo=UTC)
    article = extract_article(html, "https://example.jp/news/lab-opens", ExtractOptions(
        fetched_at=fetched, timezone="Asia/Tokyo"))
    assert article is not None
    assert article.published_at == datetime(2024, 11, 7, 15, 0, tzinfo=UTC)


def test_published_outranks_updated_on_one_line_in_either_order():
    for header in ("更新时间：2024-11-09 10:00 发布时间：2024-11-08 09:00",
                   "发布时间：2024-11-08 09:00 更新时间：2024-11-09 10:00"):
        assert published(page(header=header)).published_at == datetime(2024, 11, 8, 1, 0,
                                                                        tzinfo=UTC)


def test_published_part_reads_the_role_each_label_gives():
    from extractor.dates import published_part

    assert published_part("最后更新 2024-11-09") is None
    assert published_part("Updated May 9, 2024 — Published May 8, 2024") == (
        "Published May 8, 2024")
    assert published_part("2024-11-08 来源：示例网") == "2024-11-08 来源：示例网"
