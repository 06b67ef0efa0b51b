"""``ainews import-warc``: pages of WARC/ARC files through extraction into the archive, offline,
exactly as crawled pages (the raw response is stored in ``pages`` too)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from pathlib import Path

from archive import AppendResult, Archive
from archive.warc import WarcReading, read_pages
from pipelines.route import article_row, extract_page, page_for


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
            found = page_for(str(page["url"]), page["body"], page["fetched_at"], site=site,
                             http_status=page["http_status"], charset=page["encoding"],
                             headers=page["headers"], timezone=timezone)
            article = extract_page(found, spider="import-warc", run_id=run_id)
            if article is None:
                continue
            rows.append(article_row(article))
            if article.page_row is not None:
                pages.append(article.page_row)
            if len(rows) >= batch_size:
                flush()
    if rows:
        flush()
    return read, AppendResult(added, updated, unchanged)
