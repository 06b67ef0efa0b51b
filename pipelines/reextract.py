"""Re-run the current extractor over stored raw pages; append versions where the result changed."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import Any

import pyarrow.dataset as ds

from archive import AppendResult, Archive
from pipelines.route import article_row, extract_page, stored_page

logger = logging.getLogger(__name__)


def reextract(archive: Archive, *, site: str | None = None, since: datetime | None = None,
              batch_size: int = 200) -> AppendResult:
    """Extract every stored page again (no network); changed results become new versions."""
    pages = archive._dataset("pages")
    condition = None
    if site is not None:
        condition = ds.field("site") == site
    if since is not None:
        after = ds.field("fetched_at") >= since
        condition = after if condition is None else condition & after
    run_id = f"reextract-{uuid.uuid4().hex[:8]}"
    added = updated = unchanged = 0
    batch: list[dict[str, object]] = []

    def flush() -> None:
        nonlocal added, updated, unchanged
        result = archive.append(batch)
        added, updated, unchanged = (added + result.added, updated + result.updated,
                                     unchanged + result.unchanged)
        batch.clear()

    # Newest page per URL wins: older responses of the same URL are older versions' sources.
    newest: dict[int, dict[str, Any]] = {}
    for page in pages.to_table(filter=condition).to_pylist():
        current = newest.get(page["url_hash"])
        if current is None or page["fetched_at"] > current["fetched_at"]:
            newest[page["url_hash"]] = page
    for row in newest.values():
        # The stored bytes, the charset the crawl saw and the site's rules, on the crawl's
        # route: an unchanged extractor gives an unchanged result.
        article = extract_page(stored_page(row), spider="reextract", run_id=run_id,
                               keep_page=False)
        if article is None:
            continue
        batch.append(article_row(article))
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    logger.info("reextract: %d new, %d updated, %d unchanged", added, updated, unchanged)
    return AppendResult(added, updated, unchanged)
