"""``ainews mcp``: the archive as read-only tools for assistants, over the Model Context Protocol.

Built on the official ``mcp`` SDK. Every tool reads; none writes, crawls or fetches. Long
answers come in pages: each tool that can return many items takes ``offset`` and says the
``next_offset`` to ask for (null at the end).
"""

from __future__ import annotations

import functools
import hmac
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, TypeVar, cast

from mcp.server import MCPServer
from mcp.server.mcpserver.exceptions import ToolError

from ainews.cli.common import jsonable
from archive import Archive, ArchiveError
from archive import open as open_archive
from archive.reading import reading_only

F = TypeVar("F", bound=Callable[..., Any])

MAX_ROWS = 200
"""Rows one ``query_sql`` call returns at most."""
MAX_TEXT_CHARS = 20_000
"""Characters of an article's text one ``get_article`` call returns at most."""

INSTRUCTIONS = """\
An archive of Chinese (and some English) AI-news articles crawled from news sites, with every
version of each article, its authors, source (来源), publish time and the other outlets that
reprinted the same story. Start with search_articles (Chinese or English words; "quoted
phrases"), then get_article for a full text. archive_stats and list_sites describe what the
archive holds; mentions_over_time counts articles naming a term per day, week or month;
query_sql runs read-only DuckDB SQL over the views articles, article_versions, stories, pages
and crawl_runs (see the schema in its description)."""


def _answers(tool: F) -> F:
    """The tool, its ArchiveError (a bad argument, an unknown URL, a refused query) told to
    the model as the tool's error instead of a crash."""
    @functools.wraps(tool)
    def answer(*args: Any, **kwargs: Any) -> Any:
        try:
            return tool(*args, **kwargs)
        except ArchiveError as exc:
            raise ToolError(str(exc)) from exc

    return cast(F, answer)


def _day(value: str | None, name: str) -> datetime | None:
    if not value:
        return None
    try:
        found = date.fromisoformat(value)
    except ValueError:
        raise ArchiveError(f"{name} must be a date as YYYY-MM-DD, got {value!r}") from None
    return datetime(found.year, found.month, found.day, tzinfo=UTC)


def build_server(root: str) -> MCPServer:
    """The MCP server over the archive at ``root`` (opened per call: crawls may commit)."""
    server = MCPServer("ainews", instructions=INSTRUCTIONS)

    def archive() -> Archive:
        return open_archive(root)

    @server.tool()
    @_answers
    def search_articles(query: str, site: str | None = None, since: str | None = None,
                        until: str | None = None, author: str | None = None, limit: int = 10,
                        offset: int = 0) -> dict[str, Any]:
        """Full-text search of the archive's articles, best match first (BM25 over titles and
        bodies; Chinese is matched by words and by characters, Latin text by words).

        query: words that should appear, space-separated (all are preferred, articles with
          some of them follow); "a quoted phrase" must appear as written.
        site: only this site (names as list_sites gives them). since / until: publish day
          bounds, YYYY-MM-DD (until is exclusive). author: text contained in an author's name.
        limit: results per page (1-50); offset: results to skip (use next_offset).
        Each result: url, title, site, published_at, authors, a snippet with the matched
        words in [brackets], and outlets (how many sites carried the same story; reprints
        are folded into one result)."""
        limit = max(1, min(50, limit))
        hits = archive().search(query, site=site, since=_day(since, "since"),
                                until=_day(until, "until"), author=author,
                                limit=limit + 1, offset=max(0, offset))
        page = [hit.to_dict() for hit in hits[:limit]]
        return {"results": page,
                "next_offset": offset + limit if len(hits) > limit else None}

    @server.tool()
    @_answers
    def get_article(url: str, text_offset: int = 0) -> dict[str, Any]:
        """One article by its URL: the latest version's text and metadata (title, authors,
        editors, source, published_at, site, category, tags), every stored version (number,
        fetch time, content hash) and the other articles of its story (reprints: url, site,
        published_at). Text longer than 20,000 characters comes in parts: ask again with
        text_offset = next_text_offset."""
        found = archive().sql("SELECT * FROM articles WHERE url = $url", params={"url": url})
        if not found.num_rows:
            raise ArchiveError(f"no article with url {url!r} (search_articles finds URLs)")
        row = found.to_pylist()[0]
        versions = archive().sql(
            "SELECT coalesce(version, 1) AS version, fetched_at, content_sha256, title "
            "FROM article_versions WHERE url_hash = $hash ORDER BY version",
            params={"hash": row["url_hash"]}).to_pylist()
        story = archive().sql(
            "SELECT url, site, published_at, is_canonical FROM articles "
            "WHERE dup_group = $group AND url_hash <> $hash ORDER BY published_at",
            params={"group": row["dup_group"], "hash": row["url_hash"]}).to_pylist()
        text = row.pop("text") or ""
        start = max(0, text_offset)
        end = start + MAX_TEXT_CHARS
        keep = ("url", "title", "authors", "editors", "source", "published_at", "updated_at",
                "site", "category", "tags", "lang", "fetched_at", "first_seen_at", "version",
                "is_canonical", "dup_members")
        return dict(jsonable({**{k: row.get(k) for k in keep}, "text": text[start:end],
                            "next_text_offset": end if end < len(text) else None,
                            "versions": versions, "reprints": story}))

    @server.tool()
    @_answers
    def list_sites() -> dict[str, Any]:
        """Every site in the archive: its articles, newest publish time, last crawl (start,
        how it ended) and health (problems found against the site's own earlier crawls:
        failed runs, errors, layout drift such as many articles suddenly without authors)."""
        from archive.health import check

        store = archive()
        counts = store.sql("SELECT site, count(*) AS articles, max(published_at) AS newest "
                           "FROM articles GROUP BY site ORDER BY site").to_pylist()
        health = {h.site: h for h in check(store)}
        sites = []
        for row in counts:
            judged = health.get(row["site"])
            sites.append(jsonable({
                **row,
                "last_crawl": None if judged is None else {
                    "started_at": judged.latest.get("started_at"),
                    "finish_reason": judged.latest.get("finish_reason"),
                    "articles": judged.latest.get("articles")},
                "problems": [] if judged is None else judged.problems}))
        return {"sites": sites}

    @server.tool()
    @_answers
    def archive_stats() -> dict[str, Any]:
        """What the archive holds: articles, stories (reprints counted once), versions, the
        share of duplicates, counts per site and category and per publish month, the newest
        titles."""
        stats = archive().stats()
        return dict(jsonable({
            "articles": stats["total"], "stories": stats["stories"],
            "versions": stats["versions"], "duplicate_share": round(stats["duplicate_share"], 4),
            "per_site_category": [{"site": s, "category": c, "articles": n}
                                  for s, c, n in stats["per_site_category"]],
            "per_month": [{"month": m, "articles": n} for m, n in stats["per_month"]],
            "newest": stats.get("newest")}))

    @server.tool()
    @_answers
    def mentions_over_time(term: str, by: str = "month", site: str | None = None
                           ) -> dict[str, Any]:
        """How many articles name ``term`` (in the title or text, case-insensitive) per
        period of publication: by = day, week or month; optionally on one site. Each row:
        period (its first day), articles, and all articles of that period for scale."""
        if by not in ("day", "week", "month"):
            raise ArchiveError("by must be day, week or month")
        rows = archive().sql(
            f"SELECT date_trunc('{by}', published_at)::DATE AS period, "
            "count(*) FILTER (WHERE contains(lower(coalesce(title, '') || ' ' || "
            "coalesce(text, '')), lower($term))) AS articles, count(*) AS all_articles "
            "FROM articles WHERE published_at IS NOT NULL "
            "AND ($site IS NULL OR site = $site) GROUP BY ALL ORDER BY period",
            params={"term": term, "site": site}).to_pylist()
        return {"term": term, "by": by, "periods": [jsonable(row) for row in rows]}

    @server.tool()
    @_answers
    def entity_trends(entities: list[str], by: str = "month", site: str | None = None,
                      since: str | None = None, until: str | None = None) -> dict[str, Any]:
        """How often articles name AI organisations, models, products, labs or people over
        time. entities: ids or names in any language and case (DeepSeek, 深度求索, qwen,
        OpenAI, 黄仁勋); by = day, week or month; since/until: YYYY-MM-DD publish days. Each
        row: entity id, period (its first day), mentions (times named), articles (naming it)
        and stories (distinct stories among those articles: reprints count once)."""
        from archive.trends import trends
        from extractor.entities import resolve

        known = {name: resolve(name) for name in entities}
        unknown = [name for name, entity in known.items() if entity is None]
        if unknown:
            raise ArchiveError(f"unknown entities {unknown}: give names such as DeepSeek, "
                               "通义千问, OpenAI, Claude or their ids")
        ids = [entity.id for entity in known.values() if entity is not None]
        since_day, until_day = _day(since, "since"), _day(until, "until")
        points = trends(archive(), ids, by=by, site=site,
                        since=since_day.date() if since_day else None,
                        until=until_day.date() if until_day else None)
        return {"entities": {e.id: e.name for e in known.values() if e is not None},
                "by": by, "periods": [jsonable(point) for point in points]}

    @server.tool()
    @_answers
    def story_chains(since: str | None = None, site: str | None = None,
                     limit: int = 10) -> dict[str, Any]:
        """Stories several outlets ran, the most widely carried first: title, the first
        outlet and its publish time, every reprint with its delay in hours and the outlet it
        credits (来源), how many outlets and independent sources carried it, and where it
        started. since: YYYY-MM-DD (stories with an article from that day on); site: only
        stories that site carried; limit: at most 50."""
        from archive.stories import stories

        since_day = _day(since, "since")
        found = stories(archive(), since=since_day.date() if since_day else None, site=site,
                        limit=max(1, min(50, int(limit))))
        return {"stories": [jsonable(story) for story in found]}

    @server.tool()
    @_answers
    def query_sql(sql: str, offset: int = 0) -> dict[str, Any]:
        """Read-only DuckDB SQL over the views articles (latest version per URL; columns url,
        site, title, authors, editors, source, published_at, category, tags, text, lang,
        fetched_at, dup_group, is_canonical, dup_members …), article_versions (every
        version), stories (one row per story), pages (raw responses) and crawl_runs. Writes,
        file access and extensions are refused. At most 200 rows per call: ask again with
        offset = next_offset for more."""
        reading_only(sql)
        body = sql.strip().rstrip(";")
        rows = archive().sql(f"SELECT * FROM ({body}) LIMIT {MAX_ROWS + 1} OFFSET "
                             f"{max(0, int(offset))}", sandbox=True).to_pylist()
        return {"rows": [jsonable(r) for r in rows[:MAX_ROWS]],
                "next_offset": offset + MAX_ROWS if len(rows) > MAX_ROWS else None}

    return server


def serve_stdio(root: str) -> None:
    """Serve the archive at ``root`` on standard input and output until the client leaves."""
    build_server(root).run("stdio")


TOKEN_VARIABLE = "AINEWS_MCP_TOKEN"
"""The environment variable holding the bearer token HTTP clients must send."""


def serve_http(root: str, host: str, port: int, token: str) -> None:
    """Serve the archive over streamable HTTP at ``http://HOST:PORT/mcp`` until stopped; every
    request must carry ``Authorization: Bearer TOKEN``."""
    import uvicorn

    app = build_server(root).streamable_http_app(host=host)
    uvicorn.run(_BearerOnly(app, token), host=host, port=port, log_level="warning")


class _BearerOnly:
    """An ASGI wrapper that answers 401 to any HTTP request without the bearer token."""

    def __init__(self, app: Any, token: str) -> None:
        self.app = app
        self.expected = f"Bearer {token}".encode()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            given = dict(scope.get("headers") or []).get(b"authorization", b"")
            if not hmac.compare_digest(given, self.expected):
                await send({"type": "http.response.start", "status": 401,
                            "headers": [(b"content-type", b"text/plain"),
                                        (b"www-authenticate", b"Bearer")]})
                await send({"type": "http.response.body", "body": b"bearer token required\n"})
                return
        await self.app(scope, receive, send)


def tool_names(root: str) -> list[str]:
    """The tools' names (for ``--list``)."""
    import anyio

    async def names() -> list[str]:
        return [tool.name for tool in await build_server(root).list_tools()]

    return list(anyio.run(names))

