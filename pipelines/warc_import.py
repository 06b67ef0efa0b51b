"""``ainews import-warc``: pages of WARC/ARC files through extraction into the archive, offline,
exactly as crawled pages (the raw response is stored in ``pages`` too)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from pathlib import Path

from archive import AppendResult, Archive
from archive.warc import WarcReading, read_pages
from crawler.items import Article
from crawler.sites import site_name
from extractor import ExtractOptions, extract_article
from pipelines.archiving import article_row


def import_warc(archive: Archive, files: Iterable[str | Path], *, site: str | None = None,
                timezone: str | None = None, batch_size: int = 200,
                readings: dict[str, WarcReading] | None = None) -> tuple[int, AppendResult]:
    """Extract every HTML response of ``files`` and append the articles; (pages read, result).

    ``readings`` receives, per file, what reading it met (damaged, oversized or cut records):
    the intact records of a damaged file are still imported.

    ``site`` names the rows' site (default: each page's host, as a crawl without a profile
    names it; a profile's name also brings its field overrides and timezone); ``timezone`` is
    the zone naive dates are read in (default: the profile's, else by language).
    """
    from crawler.sites import PROFILES

    profile = PROFILES.get(site) if site else None
    overrides = profile.overrides if profile is not None else {}
    timezone = timezone or (profile.timezone if profile is not None else None)
    run_id = f"import-{uuid.uuid4().hex[:8]}"
    added = updated = unchanged = read = 0
    rows: list[dict[str, object]] = []
    pages: list[dict[str, object]] = []

    def flush() -> None:
        nonlocal added, updated, unchanged
        result = archive.append(rows, pages)
        added, updated = added + result.added, updated + result.updated
        unchanged += result.unchanged
        rows.clear()
        pages.clear()

    for file in files:
        reading = WarcReading()
        if readings is not None:
            readings[str(file)] = reading
        for page in read_pages(file, reading):
            read += 1
            url = str(page["url"])
            extracted = extract_article(page["body"], url, ExtractOptions(
                fetched_at=page["fetched_at"], timezone=timezone, charset=page["encoding"],
                overrides=overrides))
            if extracted is None:
                continue
            name = site or site_name(url)
            article = Article.from_extracted(
                extracted, url=url, fetched_at=page["fetched_at"], site=name,
                http_status=page["http_status"], spider="import-warc", crawl_run_id=run_id)
            rows.append(article_row(article))
            pages.append({**page, "site": name, "crawl_run_id": run_id,
                          "timezone": extracted.timezone})
            if len(rows) >= batch_size:
                flush()
    if rows:
        flush()
    return read, AppendResult(added, updated, unchanged)
