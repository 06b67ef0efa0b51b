"""What every column of the archive means, with an example: ``ainews schema`` and the README."""

from __future__ import annotations

from dataclasses import dataclass

from archive.schema import TABLES, duck_type


@dataclass(frozen=True, slots=True)
class Column:
    """One column of one table."""

    table: str
    name: str
    type: str
    meaning: str
    example: str


_ARTICLES = {
    "url": ("the URL fetched, as fetched (tracking parameters and all)",
            "https://www.aigcdaily.cn/news/2024/1108/1712.html?utm_source=rss"),
    "canonical_url": ("the page's <link rel=canonical> or og:url", "https://www.aigcdaily.cn/news/2024/1108/1712.html"),
    "url_hash": ("the article's key: 64-bit hash of its identity URL (on-site canonical, else "
                 "url; w3lib-canonical, tracking parameters, fragment, default port and // "
                 "removed)", "-4371093418829361153"),
    "site": ("the site's profile name, else its host without www. (never the port)",
             "aigcdaily"),
    "crawl_month": ("YYYY-MM of fetched_at (UTC); a partition column", "2024-11"),
    "title": ("headline without the site-name suffix", "大模型训练的电费账单,到底有多贵?"),
    "authors": ("authors, in page order", '["科技边角料Pro"]'),
    "editors": ("editors (编辑, 责编)", '["吴先之"]'),
    "published_at": ("publish time in UTC (the page's zone applied)", "2024-11-08T02:00:00+00:00"),
    "published_raw": ("the date as printed on the page", "发布时间:2024-11-08 10:00"),
    "updated_at": ("last-modified time the page states, UTC", "2024-11-09T01:30:00+00:00"),
    "category": ("last breadcrumb entry before the article", "AI大模型"),
    "breadcrumbs": ("the breadcrumb path", '["首页", "资讯", "AI大模型"]'),
    "tags": ("the page's tags or keywords", '["大模型", "算力"]'),
    "source": ("publication the article was taken from (来源, 转载自)", "光子星球"),
    "lang": ("two-letter language code", "zh"),
    "text": ("body text, paragraphs separated by newlines; no navigation or footer",
             "训练一个千亿参数的大模型…"),
    "text_sha256": ("SHA-256 of text", "9f2c…"),
    "fetched_at": ("when the page was fetched, UTC", "2024-11-08T03:12:45+00:00"),
    "http_status": ("HTTP status of the response", "200"),
    "encoding": ("the charset the page was decoded with", "gbk"),
    "spider": ("what fetched it: a profile name, site, fetch, import-warc", "aigcdaily"),
    "crawl_run_id": ("the crawl run (crawl_runs) that stored the row", "3f1c9b0e…"),
    "schema_version": ("the schema version the row was written with", "4"),
    "version": ("1 for the first stored text of an article, +1 for each change", "1"),
    "first_seen_at": ("fetched_at of version 1", "2024-11-08T03:12:45+00:00"),
    "content_sha256": ("hash of the fields a new version is judged by", "a81e…"),
    "published_date": ("the publish day as printed, in the page's own zone", "2024-11-08"),
    "updated_date": ("the last-modified day, in the page's zone", "2024-11-09"),
    "timezone": ("the IANA zone the page's dates were read in", "Asia/Shanghai"),
    "entities": ("AI organisations, models, products, labs and people the title and body "
                 "mention (extractor/data/ai_entities.csv ids), most mentioned first; null: "
                 "not matched yet (`ainews maintain` fills it)",
                 '[{"id": "deepseek", "mentions": 3}]'),
}
_VIEW_ONLY = {
    "dup_group": ("BIGINT", "the near-duplicate cluster (story) the article belongs to",
                  "-4371093418829361153"),
    "is_canonical": ("BOOLEAN", "true for the story's main entry (the earliest published)",
                     "true"),
    "dup_members": ("BIGINT", "how many articles the story has", "3"),
}
_PAGES = {
    "url": ("the URL fetched", "https://www.aigcdaily.cn/news/1712.html"),
    "url_hash": ("the article's key (as in articles)", "-4371093418829361153"),
    "site": ("as in articles", "aigcdaily"),
    "crawl_month": ("YYYY-MM of fetched_at; a partition column", "2024-11"),
    "final_url": ("the URL after redirects", "https://www.aigcdaily.cn/news/1712.html"),
    "http_status": ("HTTP status", "200"),
    "headers": ("response headers, JSON", '{"Content-Type": "text/html; charset=gbk"}'),
    "encoding": ("declared or detected charset", "gbk"),
    "body": ("the response body, decompressed bytes", "<html>…"),
    "fetched_at": ("when it was fetched, UTC", "2024-11-08T03:12:45+00:00"),
    "timezone": ("the zone its dates were read in", "Asia/Shanghai"),
    "crawl_run_id": ("the crawl run", "3f1c9b0e…"),
}
_RUNS = {
    "crawl_run_id": ("one crawl's id", "3f1c9b0e…"),
    "spider": ("the spider that ran", "aigcdaily"),
    "site": ("the site crawled", "aigcdaily"),
    "started_at": ("start, UTC", "2024-11-08T03:00:00+00:00"),
    "finished_at": ("end, UTC", "2024-11-08T03:14:10+00:00"),
    "finish_reason": ("Scrapy's finish reason", "finished"),
    "pages_fetched": ("responses received", "412"),
    "articles_added": ("new articles", "37"),
    "articles_updated": ("new versions of stored articles", "2"),
    "articles_unchanged": ("refetched, same content", "5"),
    "articles_dropped": ("pages that gave no article", "12"),
    "dropped_by_reason": ("JSON: drops per reason", '{"not_article": 12}'),
    "errors": ("requests failed after their retries, spider and extraction errors", "0"),
    "http_status_counts": ("JSON: responses per status", '{"200": 410, "404": 2}'),
}
_DOCS: dict[str, dict[str, tuple[str, str]]] = {
    "articles": _ARTICLES, "pages": _PAGES, "crawl_runs": _RUNS,
}
DESCRIBED = tuple(name for name, table in TABLES.items() if not table.derived)
"""The tables (and view) ``columns`` describes: every table a user queries (``dedup`` is
internal, read through the ``articles`` view's duplicate columns)."""


def columns(table: str | None = None) -> list[Column]:
    """Every column of ``table`` (all tables if None), in schema order; the ``articles`` view
    adds its duplicate columns. KeyError for an unknown table."""
    names = [table] if table else list(DESCRIBED)
    found: list[Column] = []
    for name in names:
        if name not in DESCRIBED:
            raise KeyError(name)
        docs = _DOCS[name]
        for field in TABLES[name].schema:
            meaning, example = docs[field.name]
            found.append(Column(name, field.name, duck_type(field.type), meaning, example))
        if name == "articles":
            found += [Column(name, column, kind, meaning, example)
                      for column, (kind, meaning, example) in _VIEW_ONLY.items()]
    return found
