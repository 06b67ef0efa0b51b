"""What a finished crawl did, in one line, and whether it failed: read from its stats."""

from __future__ import annotations

from collections import Counter
from typing import Any

from crawler.stat_keys import (
    ARCHIVE_ADDED,
    ARCHIVE_FAILURE,
    ARCHIVE_NOT_STORED,
    ARCHIVE_ROWS_WRITTEN,
    ARCHIVE_SKIPPED_ARCHIVED,
    ARCHIVE_UPDATED,
    DISCOVERY_NOT_ARTICLE,
    EXCEPTION_TYPE_PREFIX,
    EXTRACT_ERROR,
    EXTRACT_NOT_ARTICLE,
    EXTRACT_OK,
    EXTRACT_TIMEOUT,
    FINISH_REASON,
    INTERNAL_REFUSED,
    RESPONSE_COUNT,
    REVISIT_NOT_MODIFIED,
    REVISIT_REQUESTED,
    ROBOTS_FORBIDDEN,
    WORKER_REDIS_OUTAGE,
    spider_exceptions,
    status_counts,
)


def crawl_summary(site: str, stats: dict[str, Any]) -> str:
    """One line on what a crawl did."""
    not_article = stats.get(EXTRACT_NOT_ARTICLE, 0) + stats.get(DISCOVERY_NOT_ARTICLE, 0)
    line = (
        f"{site}: {stats.get(RESPONSE_COUNT, 0)} pages fetched, "
        f"{stats.get(ARCHIVE_ROWS_WRITTEN, 0)} articles archived "
        f"({stats.get(ARCHIVE_ADDED, 0)} new, {stats.get(ARCHIVE_UPDATED, 0)} updated), "
        f"{stats.get(ARCHIVE_SKIPPED_ARCHIVED, 0)} archived URLs skipped, "
        f"{not_article} non-article pages"
    )
    if stats.get(REVISIT_REQUESTED):
        line += (f", {stats[REVISIT_REQUESTED]} revisited "
                 f"({stats.get(REVISIT_NOT_MODIFIED, 0)} not modified)")
    return line + f" ({stats.get(FINISH_REASON, 'unknown')})"


def crawl_failure(stats: dict[str, Any]) -> str | None:
    """Why a crawl counts as failed (exit 1), in one line; None when it did its job.

    Failed: articles the archive did not store, requests made and none answered with a success
    status, an exception in a spider callback, or every fetched page failing extraction. A
    crawl that found nothing new, or had nothing left to fetch (a resumed crawl whose queue
    was done), is not a failure.
    """
    not_stored = int(stats.get(ARCHIVE_NOT_STORED, 0))
    if not_stored or stats.get(ARCHIVE_FAILURE):
        return (f"the archive refused a commit ({stats.get(ARCHIVE_FAILURE, 'unknown error')}):"
                f" {not_stored} articles of this run were not stored; the next crawl fetches "
                "them again")
    statuses = Counter({int(status): n for status, n in status_counts(stats).items()
                        if status.isdigit()})
    attempted = bool(statuses) or any(k.startswith(EXCEPTION_TYPE_PREFIX) for k in stats)
    if attempted and not any(n for status, n in statuses.items() if status < 400):
        return f"no page could be fetched ({_causes(stats, statuses)})"
    if stats.get(WORKER_REDIS_OUTAGE):
        return str(stats[WORKER_REDIS_OUTAGE])
    crashed = spider_exceptions(stats)
    if crashed:
        return (f"{crashed} errors in the spider's callbacks (see the log): the pages they "
                "handled may be missing; the next crawl fetches them again")
    broken = int(stats.get(EXTRACT_ERROR, 0)) + int(stats.get(EXTRACT_TIMEOUT, 0))
    if broken and not stats.get(EXTRACT_OK) and not stats.get(EXTRACT_NOT_ARTICLE):
        return f"extraction failed on every page ({broken} pages; see the log)"
    return None


def _causes(stats: dict[str, Any], statuses: Counter[int]) -> str:
    causes = Counter({f"HTTP {status}": n for status, n in statuses.items()})
    for key, n in stats.items():
        if key.startswith(EXCEPTION_TYPE_PREFIX):
            causes[key[len(EXCEPTION_TYPE_PREFIX):].rsplit(".", 1)[-1]] += n
    for key in (ROBOTS_FORBIDDEN, INTERNAL_REFUSED):
        if stats.get(key):
            causes[key.split("/", 1)[1].replace("_", " ")] += stats[key]
    if not causes:
        return "no request was made"
    return ", ".join(f"{n} × {cause}" for cause, n in causes.most_common(4))
