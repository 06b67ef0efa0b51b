"""The day as the page printed it, and one spelling of UTC in every reader."""

from __future__ import annotations

from datetime import UTC, date, datetime

import duckdb
import polars as pl

from archive import Archive
from crawler.items import Article
from extractor import ExtractOptions, extract_article
from pipelines.route import article_row

PAGE = ("<html><head><title>标题</title></head><body><article><h1>大模型的新进展</h1>"
        "<p>发布时间:2024-01-03 07:30</p><p>" + "正文内容很长，讲述了大模型的新进展。" * 30
        + "</p></article></body></html>")
FETCHED = datetime(2024, 1, 5, 2, 0, tzinfo=UTC)


def _archive(tmp_path) -> Archive:
    extracted = extract_article(PAGE, "http://news.example.cn/a/1.html",
                                ExtractOptions(fetched_at=FETCHED, timezone="Asia/Shanghai"))
    assert extracted is not None
    article = Article.from_extracted(extracted, url="http://news.example.cn/a/1.html",
                                     fetched_at=FETCHED, site="news.example.cn")
    archive = Archive(tmp_path / "archive")
    archive.append([article_row(article)])
    return archive


def test_a_beijing_morning_page_keeps_its_printed_day(tmp_path):
    archive = _archive(tmp_path)
    row = archive.sql("SELECT published_at, published_date, timezone, "
                      "published_at::date AS utc_day FROM articles").to_pylist()[0]
    # 07:30 in Beijing is 23:30 UTC the day before: the UTC day is the wrong one to print.
    assert row["published_at"] == datetime(2024, 1, 2, 23, 30, tzinfo=UTC)
    assert row["utc_day"] == date(2024, 1, 2)
    assert row["published_date"] == date(2024, 1, 3)
    assert row["timezone"] == "Asia/Shanghai"


def test_polars_pandas_and_delta_readers_spell_utc_alike_and_join(tmp_path):
    archive = _archive(tmp_path)
    ours = archive.to_polars()
    theirs = pl.read_delta(str(tmp_path / "archive" / "articles"))
    assert ours.schema["published_at"] == theirs.schema["published_at"] == pl.Datetime(
        "us", "UTC")
    joined = ours.select("url_hash", "published_at", "title").join(
        theirs.select("url_hash", "published_at"), on=["url_hash", "published_at"])
    assert joined.height == 1
    assert str(archive.to_pandas()["published_at"].dtype) == "datetime64[us, UTC]"
    con = archive.to_duckdb()
    try:
        assert con.execute("SELECT current_setting('TimeZone')").fetchone() == ("UTC",)
    finally:
        con.close()
    assert isinstance(duckdb.__version__, str)
