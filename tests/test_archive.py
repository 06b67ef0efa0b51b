"""The Delta Lake archive: appends, deduplication, readers, schema and damaged tables."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pyarrow as pa
import pytest
from deltalake import DeltaTable

from archive import SCHEMA, Archive, ArchiveError, url_hash
from crawler.items import Article

FETCHED = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)


def row(i: int, site: str = "demo-daily", **extra) -> dict:
    article = Article(
        url=f"http://example.cn/news/{i}.html", site=site, title=f"标题{i}", authors=["作者甲"],
        published_at=datetime(2024, 11, 8, 4, 0, tzinfo=UTC), published_raw="2024-11-08",
        category="AI大模型", breadcrumbs=["首页", "资讯", "AI大模型"], tags=["大模型"],
        text=f"正文{i}", text_sha256="0" * 64, fetched_at=FETCHED, lang="zh",
    )
    return {**dataclasses.asdict(article), **extra}


def test_schema_matches_the_article_item():
    item_fields = {f.name for f in dataclasses.fields(Article)}
    derived = {"url_hash", "crawl_month"}
    assert set(SCHEMA.names) - derived == item_fields


def test_append_and_read_back(tmp_path):
    archive = Archive(tmp_path / "a")
    assert archive.append([row(1), row(2), row(3, site="demo-wp")]) == 3
    table = Archive(tmp_path / "a").to_arrow()
    assert table.num_rows == 3
    assert table.schema.equals(SCHEMA, check_metadata=False) or set(table.schema.names) == set(
        SCHEMA.names)
    first = next(r for r in table.to_pylist() if r["url"].endswith("/1.html"))
    assert first["authors"] == ["作者甲"]
    assert first["breadcrumbs"] == ["首页", "资讯", "AI大模型"]
    assert first["published_at"] == datetime(2024, 11, 8, 4, 0, tzinfo=UTC)
    assert first["url_hash"] == url_hash(first["url"])
    assert first["crawl_month"] == "2026-11"
    # Partitioned by site and crawl month, files zstd-compressed.
    partitions = {tuple(sorted(p.items())) for p in DeltaTable(str(tmp_path / "a")).partitions()}
    assert (("crawl_month", "2026-11"), ("site", "demo-wp")) in partitions
    files = list((tmp_path / "a").rglob("*.parquet"))
    assert files
    import pyarrow.parquet as pq

    assert pq.ParquetFile(files[0]).metadata.row_group(0).column(0).compression == "ZSTD"


def test_each_append_is_one_commit_and_urls_are_deduplicated(tmp_path):
    archive = Archive(tmp_path)
    archive.append([row(1), row(2)])
    assert archive.append([row(2), row(3), row(3)]) == 1
    assert Archive(tmp_path).append([row(1)]) == 0
    assert DeltaTable(str(tmp_path)).version() == 1
    assert sorted(Archive(tmp_path).to_arrow(["url"]).column("url").to_pylist()) == [
        f"http://example.cn/news/{i}.html" for i in (1, 2, 3)
    ]
    assert Archive(tmp_path).is_archived("http://example.cn/news/3.html")
    assert not Archive(tmp_path).is_archived("http://example.cn/news/4.html")
    assert Archive(tmp_path).archived_url_hashes(site="nope") == set()


def test_readers_agree(tmp_path):
    archive = Archive(tmp_path)
    archive.append([row(i, site="a" if i % 2 else "b") for i in range(10)])
    con = archive.to_duckdb()
    assert con.execute("SELECT count(*) FROM articles WHERE site = 'a'").fetchone() == (5,)
    assert archive.to_polars().height == 10
    assert len(archive.to_pandas()) == 10
    result = archive.query("SELECT site, count(*) AS n FROM articles GROUP BY site ORDER BY site")
    assert result.to_pylist() == [{"site": "a", "n": 5}, {"site": "b", "n": 5}]
    assert archive.stats()["total"] == 10


def test_empty_archive_reads_as_empty(tmp_path):
    archive = Archive(tmp_path / "none")
    assert not archive.exists()
    assert archive.to_arrow().num_rows == 0
    assert archive.query("SELECT count(*) AS n FROM articles").to_pylist() == [{"n": 0}]
    assert archive.append([]) == 0
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
        archive.query("SELECT nope FROM articles")


def test_a_damaged_data_file_is_an_archive_error_not_a_crash(tmp_path):
    archive = Archive(tmp_path)
    archive.append([row(1)])
    data_file = next(tmp_path.rglob("*.parquet"))
    data_file.write_bytes(b"PAR1 not really parquet")
    with pytest.raises(ArchiveError):
        Archive(tmp_path).to_arrow()


def test_a_failed_append_leaves_the_table_as_it_was(tmp_path):
    archive = Archive(tmp_path)
    archive.append([row(1)])
    with pytest.raises((ArchiveError, pa.ArrowException, TypeError)):
        archive.append([row(2, published_at="not a datetime")])
    assert Archive(tmp_path).to_arrow().num_rows == 1
    assert not Archive(tmp_path).is_archived("http://example.cn/news/2.html")
