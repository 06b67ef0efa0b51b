"""``ainews mcp``: a real server process driven by the MCP SDK's own client over stdio."""

from __future__ import annotations

import asyncio
import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

from archive import Archive
from pipelines.entity_fill import fill_entities
from tests.archive.test_search import row
from tests.conftest import AINEWS, REPO


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    archive = Archive(tmp_path / "a")
    archive.append([row("deepseek", days=3, authors=("林若川",)), row("kimi", days=2),
                    row("robot", "s2", days=1), row("gpt", "s2"), row("deepseek", "s3")])
    fill_entities(archive)  # rows appended by hand carry none: what `maintain` does
    return tmp_path / "a"


def drive_mcp(archive: Path | str, cache: Path, work: Any) -> Any:
    """Run a client session in a thread of its own (the test reactor owns this thread's
    event loop)."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, _session(archive, cache, work)).result(timeout=120)


async def _session(archive: Path | str, cache: Path, work: Any) -> Any:
    server = StdioServerParameters(
        command=AINEWS, args=["--archive", str(archive), "mcp"], cwd=str(REPO),
        env={**os.environ, "XDG_CACHE_HOME": str(cache)})
    async with stdio_client(server) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        return await work(session)


def _payload(result: Any) -> Any:
    assert not result.is_error, result.content
    return json.loads(result.content[0].text)


def test_an_assistant_lists_the_tools_and_finds_the_article_for_a_chinese_query(
        archive: Path, tmp_path: Path) -> None:
    async def work(session: ClientSession) -> dict[str, Any]:
        tools = await session.list_tools()
        found = _payload(await session.call_tool("search_articles", {"query": "具身智能"}))
        article = _payload(await session.call_tool(
            "get_article", {"url": found["results"][0]["url"]}))
        story = _payload(await session.call_tool("search_articles", {"query": "深度求索"}))
        page = _payload(await session.call_tool("search_articles",
                                                {"query": "发布", "limit": 1}))
        following = _payload(await session.call_tool(
            "search_articles", {"query": "发布", "limit": 1, "offset": page["next_offset"]}))
        stats = _payload(await session.call_tool("archive_stats", {}))
        sites = _payload(await session.call_tool("list_sites", {}))
        over_time = _payload(await session.call_tool("mentions_over_time",
                                                     {"term": "大模型", "by": "day"}))
        rows = _payload(await session.call_tool(
            "query_sql", {"sql": "SELECT site, count(*) AS n FROM articles GROUP BY site "
                                 "ORDER BY site"}))
        write = await session.call_tool("query_sql", {"sql": "DELETE FROM articles"})
        escape = await session.call_tool(
            "query_sql", {"sql": "SELECT * FROM read_csv('/etc/passwd')"})
        missing = await session.call_tool("get_article", {"url": "http://nowhere.cn/x"})
        trends = _payload(await session.call_tool(
            "entity_trends", {"entities": ["深度求索", "openai"], "by": "month"}))
        unknown = await session.call_tool("entity_trends", {"entities": ["nobody at all"]})
        chains = _payload(await session.call_tool("story_chains", {}))
        return {"tools": {t.name: t for t in tools.tools}, "found": found,
                "trends": trends, "unknown": unknown, "chains": chains,
                "article": article, "story": story, "page": page, "following": following,
                "stats": stats, "sites": sites, "over_time": over_time, "rows": rows,
                "write": write, "escape": escape, "missing": missing}

    got = drive_mcp(archive, tmp_path / "cache", work)
    assert set(got["tools"]) == {"search_articles", "get_article", "list_sites",
                                 "archive_stats", "mentions_over_time", "entity_trends",
                                 "story_chains", "query_sql"}
    assert all(len(t.description or "") > 80 for t in got["tools"].values())
    assert "query" in got["tools"]["search_articles"].input_schema["properties"]
    assert got["found"]["results"][0]["url"] == "http://s2.example.cn/robot.html"
    assert "[具身智能]" in got["found"]["results"][0]["snippet"]
    assert got["article"]["title"] == "人形机器人进入工厂"
    assert "具身智能" in got["article"]["text"] and got["article"]["versions"][0]["version"] == 1
    deepseek = got["story"]["results"]
    assert len(deepseek) == 1 and deepseek[0]["outlets"] == 2
    assert len(got["page"]["results"]) == 1 and got["page"]["next_offset"] == 1
    assert got["following"]["results"][0]["url"] != got["page"]["results"][0]["url"]
    assert got["stats"]["articles"] == 5 and got["stats"]["stories"] == 4
    assert [s["site"] for s in got["sites"]["sites"]] == ["s1", "s2", "s3"]
    assert sum(r["articles"] for r in got["over_time"]["periods"]) == 3
    assert got["rows"]["rows"] == [{"site": "s1", "n": 2}, {"site": "s2", "n": 2},
                                   {"site": "s3", "n": 1}]
    assert got["rows"]["next_offset"] is None
    # 深度求索 in the title and once in the text, which is repeated 3 times: 4 a copy, two
    # copies of one story; OpenAI likewise in its one article.
    named = {(p["entity"]): (p["mentions"], p["articles"], p["stories"])
             for p in got["trends"]["periods"]}
    assert got["trends"]["entities"] == {"deepseek": "深度求索", "openai": "OpenAI"}
    assert named == {"deepseek": (8, 2, 1), "openai": (4, 1, 1)}
    chain = got["chains"]["stories"]
    assert len(chain) == 1 and chain[0]["outlets"] == 2 and chain[0]["first"]["site"] == "s1"
    assert chain[0]["carriers"][1]["site"] == "s3" and chain[0]["carriers"][1]["delay_hours"] == 72
    for refused in (got["write"], got["escape"], got["missing"], got["unknown"]):
        assert refused.is_error
    assert "SELECT statements only" in got["write"].content[0].text
    assert Archive(archive).sql("SELECT count(*) AS n FROM articles").to_pylist() == [{"n": 5}]


def test_a_long_text_comes_in_parts(archive: Path, tmp_path: Path) -> None:
    from ainews.mcp_server import MAX_TEXT_CHARS

    Archive(archive).append([row("kimi", text="很长的正文。" * (MAX_TEXT_CHARS // 5))])

    async def work(session: ClientSession) -> list[dict[str, Any]]:
        parts: list[dict[str, Any]] = []
        offset: int | None = 0
        while offset is not None:
            parts.append(_payload(await session.call_tool(
                "get_article", {"url": "http://s1.example.cn/kimi.html", "text_offset": offset})))
            offset = parts[-1]["next_text_offset"]
        return parts

    parts = drive_mcp(archive, tmp_path / "cache", work)
    text = "".join(part["text"] for part in parts)
    assert len(parts) > 1 and all(len(p["text"]) == MAX_TEXT_CHARS for p in parts[:-1])
    assert text == "很长的正文。" * (MAX_TEXT_CHARS // 5) * 3
    assert len(parts[0]["versions"]) == 2


def test_over_http_a_client_needs_the_bearer_token(archive: Path, tmp_path: Path) -> None:
    import subprocess
    import urllib.error
    import urllib.request

    from mcp.client.streamable_http import create_mcp_http_client, streamable_http_client

    from tests.conftest import ainews_here
    from tests.crawler.distributed.servers import _wait_for_port, free_port

    refused = ainews_here("mcp", "--http", "127.0.0.1:8765", archive=archive)
    assert refused.returncode != 0 and "AINEWS_MCP_TOKEN" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    token = "t0ken-for-this-test-only"
    port = free_port()
    server = subprocess.Popen(
        [AINEWS, "--archive", str(archive), "mcp", "--http", f"127.0.0.1:{port}"], cwd=REPO,
        env={**os.environ, "AINEWS_MCP_TOKEN": token, "XDG_CACHE_HOME": str(tmp_path / "c")},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_for_port(port, server, "ainews mcp --http")
        url = f"http://127.0.0.1:{port}/mcp"
        with pytest.raises(urllib.error.HTTPError) as anonymous:
            urllib.request.urlopen(urllib.request.Request(url, data=b"{}", method="POST"))
        assert anonymous.value.code == 401

        async def ask() -> Any:
            client = create_mcp_http_client(headers={"Authorization": f"Bearer {token}"})
            async with client, streamable_http_client(url, http_client=client) as streams, \
                    ClientSession(streams[0], streams[1]) as session:
                await session.initialize()
                tools = await session.list_tools()
                found = await session.call_tool("search_articles", {"query": "融资"})
                return [t.name for t in tools.tools], _payload(found)

        with ThreadPoolExecutor(max_workers=1) as thread:
            names, found = thread.submit(asyncio.run, ask()).result(timeout=120)
        assert "search_articles" in names
        assert found["results"][0]["url"] == "http://s1.example.cn/kimi.html"
    finally:
        server.terminate()
        server.wait(timeout=30)
