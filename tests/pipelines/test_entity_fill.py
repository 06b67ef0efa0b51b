"""An archive of schema 3 gains the ``entities`` column through ``ainews maintain``: every row
kept, every version filled in, none twice."""

from __future__ import annotations

import json
from datetime import timedelta

from deltalake import DeltaTable, write_deltalake

from archive import Archive
from archive import tables as delta
from archive.schema import FIRST_PARTITION_COLUMNS, SCHEMA
from tests.conftest import NOW, ainews_here

TEXTS = ("深度求索发布DeepSeek-R1，OpenAI随后回应。" * 5,
         "天气晴朗，适合出行，没有提到任何公司。" * 5,
         "英伟达的H100供不应求，深度求索也在排队。" * 5)


def test_maintain_fills_the_entities_of_an_older_archive_losing_no_row(tmp_path):
    # Rows as the current writer makes them, stored as schema 3 did: without the column,
    # partitioned by site and month.
    scratch = Archive(tmp_path / "scratch")
    rows = [{"url": f"http://old.example.cn/{i}.html", "site": "old", "title": f"旧文{i}",
             "text": text, "fetched_at": NOW - timedelta(days=i)} for i, text in enumerate(TEXTS)]
    scratch.append(rows, cluster=False)
    scratch.append([{**rows[0], "text": TEXTS[0] + "后记。", "fetched_at": NOW}], cluster=False)
    stored = delta.dataset(scratch.articles_path, SCHEMA).to_table().drop_columns(["entities"])
    root = tmp_path / "archive"
    write_deltalake(str(root / "articles"), stored, partition_by=FIRST_PARTITION_COLUMNS)
    archive = Archive(root)
    before = archive.sql("SELECT url, version, text FROM article_versions ORDER BY ALL")
    assert before.num_rows == 4
    assert "entities" not in DeltaTable(str(archive.articles_path)).schema().to_arrow().names

    asked = ainews_here("trends", "DeepSeek", archive=root)
    assert asked.returncode == 0 and "no article mentions 深度求索" in asked.stdout
    assert "3 articles have no entities matched yet" in asked.stderr  # the latest versions
    assert asked.stderr.strip().endswith(f"maintain --archive {root}")

    done = ainews_here("maintain", archive=root)
    assert done.returncode == 0, done.stderr
    assert "added columns entities" in done.stdout
    assert "entities: matched in 4 stored article versions" in done.stdout

    after = Archive(root)
    assert after.sql("SELECT url, version, text FROM article_versions ORDER BY ALL") == before
    got = {(r["url"], r["version"]): {e["id"]: e["mentions"] for e in r["entities"]}
           for r in after.sql("SELECT url, version, entities FROM article_versions").to_pylist()}
    assert got[rows[0]["url"], 1] == {"deepseek": 5, "deepseek-r1": 5, "openai": 5}
    assert got[rows[0]["url"], 2] == {"deepseek": 5, "deepseek-r1": 5, "openai": 5}
    assert got[rows[1]["url"], 1] == {}
    assert got[rows[2]["url"], 1] == {"nvidia": 5, "h100": 5, "deepseek": 5}
    # Filled once: a second run has nothing left to do.
    again = ainews_here("maintain", archive=root)
    assert again.returncode == 0 and "entities: matched" not in again.stdout
    asked = ainews_here("trends", "DeepSeek", "--json", archive=root)
    assert asked.stderr == ""
    # One week: the latest versions of the first and third article name it 5 times each.
    assert [(p["mentions"], p["articles"]) for p in map(json.loads, asked.stdout.splitlines())] \
        == [(10, 2)]
