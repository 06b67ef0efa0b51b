"""What a finished crawl did, in one line, and whether it failed: read from its stats."""

from __future__ import annotations

from collections import Counter
from typing import Any

_STATUS = "downloader/response_status_count/"
_EXCEPTION = "downloader/exception_type_count/"
_SPIDER_ERROR = "spider_exceptions/"


def crawl_summary(site: str, stats: dict[str, Any]) -> str:
    """One line on what a crawl did."""
    not_article = stats.get("extract/not_article", 0) + stats.get("discovery/not_article", 0)
    line = (
        f"{site}: {stats.get('downloader/response_count', 0)} pages fetched, "
        f"{stats.get('archive/rows_written', 0)} articles archived "
        f"({stats.get('archive/added', 0)} new, {stats.get('archive/updated', 0)} updated), "
        f"{stats.get('archive/skipped_archived', 0)} archived URLs skipped, "
        f"{not_article} non-article pages"
    )
    if stats.get("revisit/requested"):
        line += (f", {stats['revisit/requested']} revisited "
                 f"({stats.get('revisit/not_modified', 0)} not modified)")
    return line + f" ({stats.get('finish_reason', 'unknown')})"


def crawl_failure(stats: dict[str, Any]) -> str | None:
    """Why a crawl counts as failed (exit 1), in one line; None when it did its job.

    Failed: articles the archive did not store, requests made and none answered with a success
    status, an exception in a spider callback, or every fetched page failing extraction. A
    crawl that found nothing new, or had nothing left to fetch (a resumed crawl whose queue
    was done), is not a failure.
    """
    not_stored = int(stats.get("archive/not_stored", 0))
    if not_stored or stats.get("archive/failure"):
        return (f"the archive refused a commit ({stats.get('archive/failure', 'unknown error')}):"
                f" {not_stored} articles of this run were not stored; the next crawl fetches "
                "them again")
    statuses = Counter({int(k[len(_STATUS):]): v for k, v in stats.items()
                        if k.startswith(_STATUS) and k[len(_STATUS):].isdigit()})
    attempted = bool(statuses) or any(k.startswith(_EXCEPTION) for k in stats)
    if attempted and not any(n for status, n in statuses.items() if status < 400):
        return f"no page could be fetched ({_causes(stats, statuses)})"
    if stats.get("worker/redis_outage"):
        return str(stats["worker/redis_outage"])
    crashed = sum(int(n) for key, n in stats.items()
                  if key.startswith(_SPIDER_ERROR) and key != f"{_SPIDER_ERROR}count")
    if crashed:
        return (f"{crashed} errors in the spider's callbacks (see the log): the pages they "
                "handled may be missing; the next crawl fetches them again")
    broken = int(stats.get("extract/error", 0)) + int(stats.get("extract/timeout", 0))
    if broken and not stats.get("extract/ok") and not stats.get("extract/not_article"):
        return f"extraction failed on every page ({broken} pages; see the log)"
    return None


def _causes(stats: dict[str, Any], statuses: Counter[int]) -> str:
    causes = Counter({f"HTTP {status}": n for status, n in statuses.items()})
    for key, n in stats.items():
        if key.startswith(_EXCEPTION):
            causes[key[len(_EXCEPTION):].rsplit(".", 1)[-1]] += n
    for key in ("robotstxt/forbidden", "ainews/internal_refused"):
        if stats.get(key):
            causes[key.split("/", 1)[1].replace("_", " ")] += stats[key]
    if not causes:
        return "no request was made"
    return ", ".join(f"{n} × {cause}" for cause, n in causes.most_common(4))
