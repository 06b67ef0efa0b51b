"""The Delta Lake archive: appends, versions, readers, schema and damaged tables."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pyarrow.parquet as pq
import pytest
from deltalake import DeltaTable

import archive as archive_module
from archive import SCHEMA, Archive, ArchiveError, url_hash
from crawler.items import Article

FETCHED = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)


def row(i: int, site: str = "demo-daily", **extra) -> dict:
    article = Article(
        url=f"http://example.cn/news/{i}.html", site=site, title=f"标题{i}", authors=["作者甲"],
        published_at=datetime(2024, 11, 8, 4, 0, tzinfo=UTC), published_raw="2024-11-08",
        category="AI大模型", breadcrumbs=["首页", "资讯", "AI大模型"], tags=["大模型"],
        text=f"正文{i}，这是第{i}篇文章的内容，讲述一个完全不同的故事编号{i * 7919}。",
        text_sha256=f"{i:064d}", fetched_at=FETCHED, lang="zh",
    )
    return {**dataclasses.asdict(article), **extra}


def test_schema_matches_the_article_item():
    from crawler.items import ARTICLE_COLUMNS_EXCLUDED

    item_fields = {f.name for f in dataclasses.fields(Article)} - ARTICLE_COLUMNS_EXCLUDED
    derived = {"url_hash", "crawl_month", "version", "first_seen_at", "content_sha256"}
    assert set(SCHEMA.names) - derived == item_fields


def test_append_and_read_back(tmp_path):
    archive = Archive(tmp_path / "a")
    result = archive.append([row(1), row(2), row(3, site="demo-wp")])
    assert (result.added, result.updated, result.unchanged) == (3, 0, 0)
    table = Archive(tmp_path / "a").to_arrow()
    assert table.num_rows == 3
    first = next(r for r in table.to_pylist() if r["url"].endswith("/1.html"))
    assert first["authors"] == ["作者甲"]
    assert first["breadcrumbs"] == ["首页", "资讯", "AI大模型"]
    assert first["published_at"] == datetime(2024, 11, 8, 4, 0, tzinfo=UTC)
    assert first["url_hash"] == url_hash(first["url"])
    assert first["crawl_month"] == "2026-11"
    assert first["version"] == 1 and first["first_seen_at"] == FETCHED
    # Partitioned by site and crawl month, files zstd-compressed.
    articles = tmp_path / "a" / "articles"
    partitions = {tuple(sorted(p.items())) for p in DeltaTable(str(articles)).partitions()}
    assert partitions == {(("crawl_month", "2026-11"),)}
    files = [f for f in articles.rglob("*.parquet") if "_delta_log" not in f.parts]
    assert files
    group = pq.ParquetFile(files[0]).metadata.row_group(0)
    columns = {group.column(i).path_in_schema: group.column(i) for i in range(group.num_columns)}
    assert columns["url"].compression == "ZSTD"
    # Bodies carry no min/max statistics (two whole texts per file otherwise); dates do.
    assert columns["text"].statistics is None
    assert columns["published_at"].statistics is not None


def test_unchanged_refetch_is_not_stored_twice_and_a_change_is_a_new_version(tmp_path):
    archive = Archive(tmp_path)
    archive.append([row(1), row(2)])
    later = FETCHED + timedelta(days=3)
    result = archive.append([row(2, fetched_at=later), row(3)])
    assert (result.added, result.updated, result.unchanged) == (1, 0, 1)
    edited = row(1, fetched_at=later, text="正文1，更正后的内容。", text_sha256="f" * 64)
    assert Archive(tmp_path).append([edited]).updated == 1
    fresh = Archive(tmp_path)
    assert fresh.to_arrow().num_rows == 3
    versions = fresh.sql("SELECT url, version, first_seen_at, fetched_at, text "
                         "FROM article_versions ORDER BY url, version").to_pylist()
    assert len(versions) == 4
    one = [v for v in versions if v["url"].endswith("/1.html")]
    assert [v["version"] for v in one] == [1, 2]
    assert one[1]["first_seen_at"] == FETCHED and one[1]["fetched_at"] == later
    latest = fresh.sql("SELECT text FROM articles WHERE url LIKE '%/1.html'").to_pylist()
    assert latest == [{"text": "正文1，更正后的内容。"}]
    assert DeltaTable(str(tmp_path / "articles")).version() == 2
    assert fresh.is_archived("http://example.cn/news/3.html")
    assert not fresh.is_archived("http://example.cn/news/4.html")


def test_readers_agree_and_filters_apply(tmp_path):
    archive = Archive(tmp_path)
    archive.append([row(i, site="a" if i % 2 else "b",
                        category="X" if i < 4 else "Y") for i in range(10)])
    con = archive.to_duckdb()
    assert con.execute("SELECT count(*) FROM articles WHERE site = 'a'").fetchone() == (5,)
    assert archive.to_polars().height == 10
    assert len(archive.to_pandas()) == 10
    assert archive.to_arrow(site="a").num_rows == 5
    assert archive.to_arrow(site="a", category="X").num_rows == 2
    assert archive.to_arrow(since=datetime(2025, 1, 1, tzinfo=UTC)).num_rows == 0
    result = archive.sql("SELECT site, count(*) AS n FROM articles GROUP BY site ORDER BY site")
    assert result.to_pylist() == [{"site": "a", "n": 5}, {"site": "b", "n": 5}]
    assert archive.stats()["total"] == 10
    assert archive_module.open(tmp_path).to_arrow().num_rows == 10


def test_open_needs_an_archive(tmp_path):
    with pytest.raises(ArchiveError, match="no archive"):
        archive_module.open(tmp_path / "nothing")


def test_empty_archive_reads_as_empty(tmp_path):
    archive = Archive(tmp_path / "none")
    assert not archive.exists()
    assert archive.to_arrow().num_rows == 0
    assert archive.sql("SELECT count(*) AS n FROM articles").to_pylist() == [{"n": 0}]
    assert archive.append([]).written == 0
    assert not (tmp_path / "none").exists()


def test_odd_unicode_round_trips(tmp_path):
    odd = "𠀀\u200b\ufeff表情😀 RTL\u202e 末尾\x00"
    Archive(tmp_path).append([row(1, title=odd, text=odd, authors=[odd])])
    back = Archive(tmp_path).to_arrow().to_pylist()[0]
    assert back["title"] == odd and back["text"] == odd and back["authors"] == [odd]


def test_bad_rows_and_bad_sql_raise_archive_error(tmp_path):
    archive = Archive(tmp_path)
    with pytest.raises(ArchiveError):
        archive.append([{"url": "", "site": "x"}])
    archive.append([row(1)])
    with pytest.raises(ArchiveError, match="query failed"):
        archive.sql("SELECT nope FROM articles")


def test_a_damaged_data_file_is_an_archive_error_not_a_crash(tmp_path):
    archive = Archive(tmp_path)
    archive.append([row(1)])
    data_file = next((tmp_path / "articles").rglob("*.parquet"))
    data_file.write_bytes(b"PAR1 not really parquet")
    with pytest.raises(ArchiveError):
        Archive(tmp_path).to_arrow()


def test_a_failed_append_leaves_the_table_as_it_was(tmp_path):
    archive = Archive(tmp_path)
    archive.append([row(1)])
    with pytest.raises(ArchiveError):
        archive.append([row(2, fetched_at="not a datetime")])
    assert Archive(tmp_path).to_arrow().num_rows == 1
    assert not Archive(tmp_path).is_archived("http://example.cn/news/2.html")


def test_time_travel_reads_an_earlier_version(tmp_path):
    archive = Archive(tmp_path)
    archive.append([row(1)])
    archive.append([row(2)])
    assert archive.to_arrow(as_of=0).num_rows == 1
    assert archive.sql("SELECT count(*) AS n FROM articles", as_of=1).to_pylist() == [{"n": 2}]


def test_url_hash_set_is_compact(tmp_path):
    from archive.urlset import UrlHashSet

    values = list(range(-500, 500, 3))
    hashes = UrlHashSet(values)
    assert all(v in hashes for v in values) and 2 not in hashes
    hashes.add(2)
    assert 2 in hashes and len(hashes) == len(values) + 1
    assert hashes.nbytes < 8 * len(values) + 200


def test_lsh_index_answers_the_same_after_compaction():
    import numpy as np

    from archive.dedup import LshIndex, band_keys, signature

    texts = [f"第{i}篇:人工智能大模型的发展速度令人惊叹,研究人员持续改进训练方法。" * 3
             for i in range(40)]
    index = LshIndex(*(np.empty(0, dtype=np.int64),) * 3)
    keys = [band_keys(signature(text)) for text in texts]
    for number, row_keys in enumerate(keys[:30]):
        index.add(row_keys, url_hash=number, group=number % 7)
    before = [sorted(index.candidates(row_keys)) for row_keys in keys]
    index.compact(above=0)
    assert not index.has_recent
    assert [sorted(index.candidates(row_keys)) for row_keys in keys] == before
    assert any(before[30:])  # near-identical texts are found
    index.add(keys[31], url_hash=31, group=31)
    assert index.has_recent and (31, 31) in index.candidates(keys[31])


def test_lsh_index_chunks_merge_and_answer_like_one_array():
    import numpy as np

    from archive.dedup import LshIndex, band_keys, signature

    empty = (np.empty(0, dtype=np.int64),) * 3
    chunked, plain = LshIndex(*empty), LshIndex(*empty)
    texts = [f"{i % 5}号新闻:大模型公司发布新产品,研究人员说训练方法有改进。" * 4
             for i in range(60)]
    keys = [band_keys(signature(text)) for text in texts]
    for number, row_keys in enumerate(keys):
        chunked.add(row_keys, url_hash=number, group=number % 5)
        plain.add(row_keys, url_hash=number, group=number % 5)
        chunked.compact(above=0)
    assert len(chunked._chunks) < 10  # merged as they grew, not one chunk per text
    for row_keys in keys:
        assert sorted(chunked.candidates(row_keys)) == sorted(plain.candidates(row_keys))


def test_a_relative_date_read_again_later_is_no_new_version(tmp_path):
    archive = Archive(tmp_path / "a")
    first = row(1, published_at=FETCHED - timedelta(hours=3), published_raw="3小时前")
    assert archive.append([first]).added == 1
    # Read 40 minutes later: the page still says 3小时前, which now means 40 minutes later.
    later = FETCHED + timedelta(minutes=40)
    again = row(1, published_at=later - timedelta(hours=3), published_raw="3小时前",
                fetched_at=later)
    assert archive.append([again]).unchanged == 1
    # A real edit is a new version, and keeps the date of the first reading.
    edited = row(1, published_at=later - timedelta(hours=4), published_raw="4小时前",
                 fetched_at=later, text="改写后的正文,内容和第一版不同。")
    assert archive.append([edited]).updated == 1
    versions = Archive(tmp_path / "a").sql(
        "SELECT version, published_at, published_raw FROM article_versions ORDER BY version"
    ).to_pylist()
    assert [v["version"] for v in versions] == [1, 2]
    assert {v["published_at"] for v in versions} == {FETCHED - timedelta(hours=3)}
    assert {v["published_raw"] for v in versions} == {"3小时前"}
    # An absolute date that changed is a change like any other.
    redated = row(2, published_raw="2024-11-08")
    archive.append([redated])
    moved = row(2, published_at=datetime(2024, 11, 9, 4, 0, tzinfo=UTC),
                published_raw="2024-11-09")
    assert archive.append([moved]).updated == 1


def test_a_second_writer_never_stores_another_copy_of_an_unchanged_version(tmp_path):
    from datetime import UTC, datetime

    from archive import Archive

    row = {"url": "https://example.com/news/1.html", "site": "example", "title": "一篇文章",
           "text": "正文" * 40, "fetched_at": datetime(2026, 11, 1, tzinfo=UTC)}
    first, second = Archive(tmp_path / "a"), Archive(tmp_path / "a")
    first.append([{**row, "url": "https://example.com/news/0.html"}])
    second.archived_url_hashes()  # loaded before the other writer's commit
    assert first.append([row]).added == 1
    result = second.append([row])
    assert (result.added, result.unchanged) == (0, 1)
    urls = Archive(tmp_path / "a").sql("SELECT url FROM article_versions")["url"].to_pylist()
    assert sorted(urls) == ["https://example.com/news/0.html", "https://example.com/news/1.html"]
