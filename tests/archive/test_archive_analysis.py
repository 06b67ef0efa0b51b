"""Issue-4 features on real tables: duplicates, raw pages, re-extraction, maintenance, export."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from deltalake import DeltaTable, write_deltalake

from ainews.demo.site import build_sites
from archive import Archive, ArchiveError
from archive.export import export
from archive.maintenance import maintain
from archive.schema import SCHEMA, V1_COLUMNS
from archive.verification import verify
from crawler.items import Article
from extractor import ExtractOptions, extract_article
from pipelines.reextract import reextract
from pipelines.route import article_row
from tests.conftest import NOW

STORY = (
    "星河智能今天在北京发布了新一代开源大模型，参数规模达到七百亿，推理成本比上一代下降一半。"
    "公司表示，新模型在代码生成和长文本理解两项评测中取得了领先，已有三十多家企业完成接入测试。"
    "业内人士认为，开源模型的快速迭代正在改变行业格局，中小企业获得先进模型的门槛明显降低。"
    "不过也有专家提醒，模型在复杂推理任务上仍然存在不稳定的情况，落地还需要时间验证。"
)
OTHER = (
    "深瞳科技昨日推出面向医疗影像的专用模型，主打肺结节和骨折的辅助识别，已在五家医院试用。"
    "公司负责人说，专用模型更看重召回率，宁可多提示也不漏诊，最终诊断仍由医生负责。"
    "医院方面反馈，系统提高了阅片效率，但对少见病的判断还需要更多样本训练，数据安全也是关注重点。"
)


def article(i: int, text: str, *, site: str = "s1", published: datetime | None = None) -> dict:
    import hashlib

    return {
        "url": f"http://{site}.example.cn/a/{i}.html", "site": site, "title": f"标题{i}",
        "text": text, "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
        "published_at": published or NOW - timedelta(days=i), "fetched_at": NOW, "lang": "zh",
        "category": "AI", "authors": [], "editors": [], "breadcrumbs": [], "tags": [],
    }


def test_a_reprint_joins_the_story_and_a_different_story_does_not(tmp_path):
    archive = Archive(tmp_path)
    original = article(1, STORY, site="origin", published=NOW - timedelta(days=2))
    reprint_text = ("转载自示例科技网：" + STORY.replace("今天", "11月8日")
                    .replace("三十多家", "30余家").replace("不过也有", "也有"))
    reprint = article(2, reprint_text, site="aggregator", published=NOW - timedelta(days=1))
    exact_copy = article(3, STORY, site="mirror", published=NOW)
    different = article(4, OTHER, site="origin", published=NOW - timedelta(days=3))
    archive.append([original, different])
    archive.append([reprint])  # incremental: matched against archived rows
    archive.append([exact_copy])
    rows = {r["url"]: r for r in Archive(tmp_path).to_arrow().to_pylist()}
    group = rows[original["url"]]["dup_group"]
    assert rows[reprint["url"]]["dup_group"] == group
    assert rows[exact_copy["url"]]["dup_group"] == group
    assert rows[different["url"]]["dup_group"] != group
    assert rows[original["url"]]["is_canonical"]  # earliest published member
    assert not rows[reprint["url"]]["is_canonical"]
    stories = Archive(tmp_path).sql("SELECT url, dup_members FROM stories ORDER BY url")
    assert stories.num_rows == 2
    assert sorted(s["dup_members"] for s in stories.to_pylist()) == [1, 3]
    stats = Archive(tmp_path).stats()
    assert stats["stories"] == 2 and stats["duplicate_share"] == pytest.approx(0.5)
    # A rebuild from scratch finds the same clusters.
    assert Archive(tmp_path).rebuild_duplicates() == 2
    rebuilt = {r["url"]: r["dup_group"] for r in Archive(tmp_path).to_arrow().to_pylist()}
    assert rebuilt[reprint["url"]] == rebuilt[original["url"]] == rebuilt[exact_copy["url"]]
    assert rebuilt[different["url"]] != rebuilt[original["url"]]


def _demo_rows_with_pages(count: int = 6):
    site = build_sites(NOW)[2]  # the GBK portal
    rows, pages = [], []
    for truth in site.articles[:count]:
        body = site.render(truth.path, "http://portal", now=NOW).body
        url = "http://portal" + truth.path
        extracted = extract_article(body.decode("gb18030"), url, ExtractOptions(fetched_at=NOW))
        assert extracted is not None
        article = Article.from_extracted(extracted, url=url, fetched_at=NOW, site="demo-portal")
        rows.append(article_row(article))
        pages.append({"url": url, "site": "demo-portal", "final_url": url, "http_status": 200,
                      "headers": {"Content-Type": "text/html"}, "encoding": "gb18030",
                      "body": body, "fetched_at": NOW, "timezone": "Asia/Shanghai"})
    return rows, pages


def test_raw_pages_are_stored_and_reextract_changes_nothing_when_the_extractor_is_unchanged(
        tmp_path):
    archive = Archive(tmp_path)
    rows, pages = _demo_rows_with_pages()
    assert archive.append(rows, pages).added == len(rows)
    stored = Archive(tmp_path).sql("SELECT url, body, headers FROM pages").to_pylist()
    assert len(stored) == len(rows)
    assert stored[0]["body"] == next(p["body"] for p in pages if p["url"] == stored[0]["url"])
    assert json.loads(stored[0]["headers"]) == {"Content-Type": "text/html"}
    result = reextract(Archive(tmp_path))
    assert (result.added, result.updated, result.unchanged) == (0, 0, len(rows))
    assert Archive(tmp_path).sql("SELECT count(*) AS n FROM article_versions").to_pylist() == [
        {"n": len(rows)}]


def test_reextract_appends_a_version_when_the_result_changes(tmp_path):
    archive = Archive(tmp_path)
    rows, pages = _demo_rows_with_pages(2)
    rows[0]["title"] = "an older extractor's wrong title"
    archive.append(rows, pages)
    result = reextract(Archive(tmp_path), site="demo-portal")
    assert result.updated == 1 and result.unchanged == 1
    latest = Archive(tmp_path).sql(
        f"SELECT title, version FROM articles WHERE url = '{rows[0]['url']}'").to_pylist()
    assert latest[0]["version"] == 2 and latest[0]["title"] != "an older extractor's wrong title"


def test_maintain_under_a_concurrent_reader_keeps_counts_exact(tmp_path):
    archive = Archive(tmp_path)
    for batch in range(12):  # many small commits, many small files
        archive.append([article(batch * 5 + k, f"{STORY}{batch}-{k}{OTHER[: batch + k]}")
                        for k in range(5)])
    total = 60
    seen: list[int] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def read_forever() -> None:
        while not stop.is_set():
            try:
                count = Archive(tmp_path).sql("SELECT count(*) AS n FROM article_versions")
                seen.append(count.to_pylist()[0]["n"])
            except BaseException as exc:
                errors.append(exc)

    reader = threading.Thread(target=read_forever)
    reader.start()
    while not seen and not errors:  # the reader is mid-stream when maintenance starts
        threading.Event().wait(0.01)
    try:
        files_before = len(DeltaTable(str(tmp_path / "articles")).file_uris())
        # The default retention keeps replaced files for readers of older table versions.
        report = maintain(Archive(tmp_path))
    finally:
        stop.set()
        reader.join()
    assert not errors, errors[:1]
    assert len(seen) >= 2 and set(seen) == {total}
    files_after = len(DeltaTable(str(tmp_path / "articles")).file_uris())
    assert files_after < files_before
    assert report.compacted["articles"]["numFilesRemoved"] == files_before
    assert report.vacuumed["articles"] == 0
    assert Archive(tmp_path).to_arrow().num_rows == total
    assert verify(Archive(tmp_path)) == []
    # Once no reader needs them, a zero-hour retention deletes the replaced files.
    def data_files() -> int:
        return sum(1 for f in (tmp_path / "articles").rglob("*.parquet")
                   if "_delta_log" not in f.parts)

    on_disk = data_files()
    assert maintain(Archive(tmp_path), retention_hours=0).vacuumed["articles"] == files_before
    assert data_files() == on_disk - files_before
    assert Archive(tmp_path).to_arrow().num_rows == total


def test_verify_names_a_truncated_and_a_removed_data_file(tmp_path):
    archive = Archive(tmp_path)
    archive.append([article(1, STORY)])
    archive.append([article(2, OTHER)])
    assert verify(archive) == []
    files = sorted((tmp_path / "articles").rglob("*.parquet"))
    data = files[0].read_bytes()
    files[0].write_bytes(data[: len(data) // 2])
    files[1].unlink()
    problems = verify(Archive(tmp_path))
    assert any("bytes, the log says" in p and files[0].name in p for p in problems)
    assert any("missing data file" in p and files[1].name in p for p in problems)


@pytest.mark.parametrize("fmt", ["parquet", "jsonl", "csv"])
def test_export_round_trips(tmp_path, fmt):
    archive = Archive(tmp_path / "a")
    rows, pages = _demo_rows_with_pages(4)
    archive.append(rows, pages)
    out = tmp_path / f"out.{fmt}"
    assert export(archive, out, fmt=fmt) == 4
    expected = archive.to_arrow().sort_by("url").to_pylist()
    reader = {"parquet": "read_parquet", "jsonl": "read_json_auto", "csv": "read_csv_auto"}[fmt]
    back = duckdb.sql(f"SELECT * FROM {reader}('{out}') ORDER BY url").fetchall()
    assert len(back) == 4
    if fmt == "parquet":
        table = pq.read_table(out).sort_by("url")
        assert table.column_names == list(expected[0].keys())
        for got, want in zip(table.to_pylist(), expected, strict=True):
            assert got == want
    assert export(archive, tmp_path / "few.parquet", where="category = '人工智能'") < 4


def test_an_old_archive_opens_and_maintain_migrates_it(tmp_path):
    v1 = pa.schema([SCHEMA.field(name) for name in V1_COLUMNS])
    row = {name: None for name in V1_COLUMNS}
    row.update(url="http://old.example.cn/1.html", url_hash=1, site="old", crawl_month="2025-01",
               fetched_at=NOW, schema_version=1, text="旧的文章", authors=[], editors=[],
               breadcrumbs=[], tags=[])
    write_deltalake(str(tmp_path / "articles"), pa.Table.from_pylist([row], schema=v1),
                    partition_by=["site", "crawl_month"])
    old = Archive(tmp_path)
    first = old.to_arrow().to_pylist()[0]
    assert first["version"] is None and first["published_date"] is None  # new columns empty
    assert any("columns missing" in p for p in verify(old))
    report = maintain(Archive(tmp_path))
    assert set(report.migrated_columns) == {"version", "first_seen_at", "content_sha256",
                                            "published_date", "updated_date", "timezone",
                                            "entities"}
    assert verify(Archive(tmp_path)) == []
    assert Archive(tmp_path).append([article(9, STORY)]).added == 1
    assert Archive(tmp_path).to_arrow().num_rows == 2


def test_a_site_and_month_partitioned_archive_is_repartitioned_by_month_losing_nothing(tmp_path):
    from archive import tables
    from archive.schema import FIRST_PARTITION_COLUMNS, PAGES_SCHEMA, PARTITION_COLUMNS

    archive = Archive(tmp_path)
    # Schema 3 as it was written before: both tables partitioned by site and month.
    for path, schema in ((archive.articles_path, SCHEMA), (archive.pages_path, PAGES_SCHEMA)):
        tables.append(path, schema.empty_table(), FIRST_PARTITION_COLUMNS)
    rows = [article(i, STORY + f"第{i}条。" * i, site=f"s{i % 3}") for i in range(6)]
    pages = [{"url": r["url"], "fetched_at": NOW, "http_status": 200, "body": b"<html/>",
              "site": r["site"]} for r in rows]
    archive.append(rows, pages=pages)
    archive.append([{**rows[0], "text": "改过的正文。" * 30, "fetched_at": NOW + timedelta(1)}])
    assert DeltaTable(str(archive.articles_path)).metadata().partition_columns \
        == FIRST_PARTITION_COLUMNS
    query = "SELECT url, version, site, text FROM article_versions ORDER BY ALL"
    before = Archive(tmp_path).sql(query).to_pylist()
    old_version = DeltaTable(str(archive.articles_path)).version()
    assert len(before) == 7

    report = maintain(Archive(tmp_path))

    assert report.repartitioned == ["articles", "pages"]
    for path in (archive.articles_path, archive.pages_path):
        table = DeltaTable(str(path))
        assert table.metadata().partition_columns == PARTITION_COLUMNS
        assert not table.metadata().configuration.get(tables.REPARTITIONING)
    assert Archive(tmp_path).sql(query).to_pylist() == before
    assert Archive(tmp_path).sql("SELECT count(*) AS n FROM pages").to_pylist() == [{"n": 6}]
    assert Archive(tmp_path).sql(query, as_of=old_version).to_pylist() == before
    assert verify(Archive(tmp_path)) == []
    assert Archive(tmp_path).append([article(9, STORY + "新的一篇。" * 9, site="s9")]).added == 1
    assert Archive(tmp_path).to_arrow().num_rows == 7
    assert maintain(Archive(tmp_path)).repartitioned == []  # done once


def test_a_repartitioning_cut_short_holds_writers_until_maintain_finishes_it(tmp_path):
    from archive import tables
    from archive.schema import FIRST_PARTITION_COLUMNS

    archive = Archive(tmp_path)
    tables.append(archive.articles_path, SCHEMA.empty_table(), FIRST_PARTITION_COLUMNS)
    archive.append([article(1, STORY)])
    # As if `maintain` died after marking the table, before its rewrite.
    DeltaTable(str(archive.articles_path)).alter.set_table_properties(
        {tables.REPARTITIONING: '{"pid": 1}'}, raise_if_not_exists=False)
    done = threading.Event()
    writer = threading.Thread(target=lambda: (
        Archive(tmp_path).append([article(2, STORY + "另一篇。" * 20)]),
        done.set()))
    writer.start()
    assert not done.wait(2.5)  # the writer waits for the rewrite
    assert maintain(Archive(tmp_path)).repartitioned == ["articles"]
    writer.join(timeout=60)
    assert done.is_set()
    assert sorted(Archive(tmp_path).sql("SELECT url FROM articles")["url"].to_pylist()) == [
        "http://s1.example.cn/a/1.html", "http://s1.example.cn/a/2.html"]
    assert verify(Archive(tmp_path)) == []


def test_export_to_an_unwritable_place_is_an_archive_error(tmp_path):
    archive = Archive(tmp_path / "a")
    archive.append([article(1, STORY)])
    with pytest.raises(ArchiveError):
        export(archive, tmp_path / "out.parquet", where="no_such_column = 1")
    assert not (tmp_path / "out.parquet").exists()


def test_tables_checkpoint_every_ten_commits_and_maintain_sets_it_on_old_ones(tmp_path):
    from archive.maintenance import maintain
    from archive.schema import RUNS_SCHEMA

    archive = Archive(tmp_path / "a")
    now = datetime.now(UTC)
    for number in range(12):
        archive.append([{"url": f"http://a.cn/{number}.html", "site": "a", "title": "t",
                         "text": f"第{number}篇正文。" * 20, "fetched_at": now}], cluster=False)
    log = tmp_path / "a" / "articles" / "_delta_log"
    assert (log / "00000000000000000009.checkpoint.parquet").exists()
    # A crawl_runs table written before the property existed.
    write_deltalake(str(archive.runs_path),
                    pa.Table.from_pylist([{"crawl_run_id": "old"}], schema=RUNS_SCHEMA))
    assert "delta.checkpointInterval" not in DeltaTable(str(archive.runs_path)).metadata(
        ).configuration
    maintain(archive)
    for path in (archive.articles_path, archive.runs_path):
        assert DeltaTable(str(path)).metadata().configuration["delta.checkpointInterval"] == "10"


def _first_layout(root):
    """An archive of the first layout: the root itself is the articles table (schema 1)."""
    v1 = pa.schema([SCHEMA.field(name) for name in V1_COLUMNS])
    rows = []
    for n in range(3):
        row = {name: None for name in V1_COLUMNS}
        row.update(url=f"http://old.example.cn/{n}.html", url_hash=100 + n, site="old",
                   crawl_month="2025-01", fetched_at=NOW, schema_version=1,
                   text=f"旧的文章{n}" * 20, authors=[], editors=[], breadcrumbs=[], tags=[])
        rows.append(row)
    write_deltalake(str(root), pa.Table.from_pylist(rows, schema=v1),
                    partition_by=["site", "crawl_month"])


def test_a_first_layout_archive_is_named_not_hidden_and_maintain_moves_it(tmp_path):
    from archive import open as open_archive
    from archive.maintenance import maintain

    root = tmp_path / "news"
    _first_layout(root)
    for refused in (lambda: open_archive(root), lambda: Archive(root).check_writable()):
        with pytest.raises(ArchiveError, match=r"first layout.*maintain"):
            refused()
    report = maintain(Archive(root))
    assert report.migrated_layout and "version" in report.migrated_columns
    assert not (root / "_delta_log").exists()
    assert sorted(r["url"] for r in open_archive(root).to_arrow(columns=["url"]).to_pylist()) \
        == [f"http://old.example.cn/{n}.html" for n in range(3)]
    assert verify(Archive(root)) == []
    assert maintain(Archive(root)).migrated_layout is False  # done once


def test_a_layout_migration_cut_short_after_the_move_is_finished_by_the_next_run(tmp_path):
    from archive.maintenance import _link_or_copy, maintain

    root = tmp_path / "news"
    _first_layout(root)
    # As if the process died right after moving the table in, before the old names went.
    import shutil

    shutil.copytree(root, tmp_path / "copy", copy_function=_link_or_copy)
    shutil.move(str(tmp_path / "copy"), str(root / "articles"))
    assert Archive(root).exists() and (root / "_delta_log").exists()
    maintain(Archive(root))
    assert not (root / "_delta_log").exists()
    assert Archive(root).to_arrow(columns=["url"]).num_rows == 3


def test_a_batch_committed_twice_is_named_by_verify_and_repair_keeps_one_copy(tmp_path):
    from archive import tables
    from archive.schema import PARTITION_COLUMNS
    from archive.verification import repair

    archive = Archive(tmp_path / "a")
    archive.append([article(n, STORY) for n in range(3)])
    batch = archive.to_arrow()
    # A commit stored twice, as a lost answer on object storage once made delta-rs do.
    tables.append(archive.articles_path, batch.select(SCHEMA.names), PARTITION_COLUMNS)
    problems = verify(Archive(tmp_path / "a"))
    assert any("stored more than once (3 extra rows)" in p for p in problems), problems
    report = repair(Archive(tmp_path / "a"))
    assert report.duplicate_rows == 3
    assert verify(Archive(tmp_path / "a")) == []
    assert Archive(tmp_path / "a").sql(
        "SELECT count(*) AS n FROM article_versions")["n"][0].as_py() == 3


def test_a_batch_retried_after_its_articles_commit_failed_stores_its_pages_once(tmp_path):
    archive = Archive(tmp_path / "a")
    archive.append([article(0, STORY)])

    def page_of(row):
        return {"url": row["url"], "final_url": row["url"], "site": row["site"],
                "http_status": 200, "body": b"<html></html>", "headers": {},
                "fetched_at": row["fetched_at"]}

    rows = [article(n, STORY) for n in range(1, 4)]
    # The articles table's next commit cannot be written (its name is taken by a folder):
    # the pages commit before it lands, the articles commit fails.
    blocker = tmp_path / "a" / "articles" / "_delta_log" / f"{1:020d}.json"
    blocker.mkdir()
    with pytest.raises(ArchiveError):
        archive.append(rows, [page_of(r) for r in rows])
    blocker.rmdir()
    assert archive.append(rows, [page_of(r) for r in rows]).added == 3  # the retry
    counts = Archive(tmp_path / "a").sql(
        "SELECT count(*) AS n, count(DISTINCT url) AS u FROM pages").to_pylist()
    assert counts == [{"n": 3, "u": 3}]
