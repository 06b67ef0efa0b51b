"""Full-text search: a derived FTS5 index of the archive, Chinese by words, reprints folded."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest

from archive import Archive, ArchiveError
from archive.search import SearchIndex, index_path, parse_query
from tests.conftest import NOW

STORIES = {
    "deepseek": ("深度求索发布开源大模型",
                 "深度求索今天发布了新一代开源大模型DeepSeek-V3，推理成本大幅下降，"
                 "已有多家企业宣布接入，开发者社区反响热烈。"),
    "kimi": ("月之暗面完成新一轮融资",
             "月之暗面宣布完成新一轮融资，估值超过三十亿美元，大模型赛道竞争"
             "进一步加剧，投资人看好长文本能力。"),
    "robot": ("人形机器人进入工厂",
              "一家机器人公司的人形机器人开始在汽车工厂试用，具身智能迎来量产元年，"
              "分析师认为成本仍是最大障碍。"),
    "gpt": ("OpenAI发布GPT-4o", "OpenAI发布GPT-4o，多模态能力明显提升；谷歌随后更新了Gemini，"
            "两家公司的竞争从模型延伸到应用。"),
}


def row(key: str, site: str = "s1", *, text: str | None = None, days: int = 0,
        authors: tuple[str, ...] = ()) -> dict:
    title, body = STORIES[key]
    body = (text or body) * 3
    return {"url": f"http://{site}.example.cn/{key}.html", "site": site, "title": title,
            "text": body, "text_sha256": hashlib.sha256(body.encode()).hexdigest(),
            "published_at": NOW - timedelta(days=days), "fetched_at": NOW, "lang": "zh",
            "authors": list(authors), "editors": [], "breadcrumbs": [], "tags": []}


@pytest.fixture
def archive(tmp_path, monkeypatch) -> Archive:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    archive = Archive(tmp_path / "a")
    archive.append([row("deepseek", days=3, authors=("林若川",)), row("kimi", days=2),
                    row("robot", "s2", days=1), row("gpt", "s2")])
    return archive


def urls(hits) -> list[str]:
    return [hit.url.split("/")[-1] for hit in hits]


def test_chinese_queries_find_articles_by_words_and_rank_the_title_first(archive):
    assert urls(archive.search("大模型")) == ["deepseek.html", "kimi.html"]  # title, then body
    assert urls(archive.search("具身智能")) == ["robot.html"]
    assert urls(archive.search("机器人 工厂")) == ["robot.html"]
    assert urls(archive.search("gpt-4o")) == ["gpt.html"]
    assert urls(archive.search("deepseek 开源")) == ["deepseek.html"]
    assert archive.search("量子计算") == []


def test_a_quoted_phrase_must_appear_as_written(archive):
    assert urls(archive.search('"投资人看好"')) == ["kimi.html"]
    assert archive.search('"看好投资人"') == []


def test_filters_narrow_the_results(archive):
    assert urls(archive.search("发布", site="s2")) == ["gpt.html"]
    assert urls(archive.search("大模型", author="林若川")) == ["deepseek.html"]
    assert urls(archive.search("大模型", since=NOW - timedelta(days=2, hours=1))) == ["kimi.html"]
    assert urls(archive.search("大模型", until=NOW - timedelta(days=2, hours=1))) == [
        "deepseek.html"]


def test_a_result_shows_its_words_marked_in_the_body(archive):
    hit = archive.search("融资")[0]
    assert "\x02融资\x03" in hit.snippet and hit.to_dict()["snippet"].count("[融资]") >= 1
    assert hit.title == "月之暗面完成新一轮融资" and hit.site == "s1"


def test_reprints_of_one_story_fold_into_one_result(archive):
    archive.append([row("deepseek", "s3", days=1), row("deepseek", "s4")])
    hits = archive.search("深度求索")
    assert len(hits) == 1 and hits[0].outlets == 3
    assert hits[0].others == []
    expanded = archive.search("深度求索", expand=True)[0]
    assert sorted(u.split("/")[2] for u in [expanded.url, *expanded.others]) == [
        "s1.example.cn", "s3.example.cn", "s4.example.cn"]


def test_the_index_follows_appends_and_new_versions(archive):
    index = SearchIndex(archive)
    archive.search("大模型")  # builds it
    version = index.indexed_version()
    archive.append([row("robot", "s2", text="这家公司改写了报道：量子计算芯片取得突破。")])
    # Indexed by the append itself, the archive's new version recorded.
    assert index.indexed_version() == version + 1
    assert urls(archive.search("量子计算")) == ["robot.html"]
    assert archive.search("具身智能") == []  # the old version's words are gone


def test_a_deleted_or_damaged_index_is_built_again(archive):
    archive.search("大模型")
    path = index_path(archive)
    path.unlink()
    assert urls(archive.search("融资")) == ["kimi.html"]
    path.write_bytes(b"not a database")
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    with pytest.raises(ArchiveError, match="reindex"):
        archive.search("融资")
    assert SearchIndex(archive).rebuild() == 4
    assert urls(archive.search("融资")) == ["kimi.html"]


def test_an_empty_query_is_refused():
    assert parse_query(" ，。 ") == []
    with pytest.raises(ArchiveError, match="empty query"):
        Archive("/nonexistent").search("。")


def test_search_from_the_command_line(archive, tmp_path):
    from tests.conftest import ainews_here

    done = ainews_here("search", "大模型", "--json", archive=archive.root.local_path)
    assert done.returncode == 0, done.stderr
    assert '"url": "http://s1.example.cn/deepseek.html"' in done.stdout.splitlines()[0]
    shown = ainews_here("search", "具身", "智能", archive=archive.root.local_path)
    assert "1. " in shown.stdout and "人形机器人进入工厂" in shown.stdout
    assert "[具身智能]" in shown.stdout
    none = ainews_here("search", "量子计算", archive=archive.root.local_path)
    assert none.returncode == 0 and "no article matches" in none.stdout
    bad = ainews_here("search", "大模型", "--since", "yesterday", archive=archive.root.local_path)
    assert bad.returncode != 0 and len(bad.stderr.strip().splitlines()) == 1
    rebuilt = ainews_here("maintain", "--reindex", archive=archive.root.local_path)
    assert rebuilt.returncode == 0 and "search index rebuilt: 4 articles" in rebuilt.stdout
    checked = ainews_here("verify", archive=archive.root.local_path)
    assert "search index: current" in checked.stdout
    # A writer that did not see the index (another machine's, on object storage) commits.
    path = index_path(archive)
    path.rename(tmp_path / "aside")
    archive.append([row("gpt", "s5")])
    (tmp_path / "aside").rename(path)
    behind = ainews_here("verify", archive=archive.root.local_path)
    assert behind.returncode == 0 and "search index: behind the archive" in behind.stdout
    ainews_here("search", "融资", archive=archive.root.local_path)
    assert "search index: current" in ainews_here(
        "verify", archive=archive.root.local_path).stdout


def test_an_object_storage_archive_keeps_its_index_in_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = index_path(Archive("s3://bucket/news"))
    assert path.is_relative_to(tmp_path / "cache" / "ainews" / "search")
    assert path != index_path(Archive("s3://bucket/other"))


def test_search_answers_the_same_after_maintain(archive):
    from archive.maintenance import maintain

    archive.append([row("gpt", "s5")])  # two commits: maintain has files to compact
    before = [(h.url, h.outlets) for h in archive.search("大模型 发布", limit=5)]
    maintain(archive)  # compacts the files the index was built from, in new table versions
    after = [(h.url, h.outlets) for h in archive.search("大模型 发布", limit=5)]
    assert after == before and SearchIndex(archive).behind()[0] == SearchIndex(
        archive).behind()[1]
