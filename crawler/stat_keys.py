"""Every stats key a crawl writes or reads, in one place: ours (``component/event``) and the
Scrapy keys we read. The progress line, the crawl summary, the exit code and the ``crawl_runs``
row all count from here, so a number means one thing wherever it is shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# ---- extraction (pipelines/extraction.py) ----
EXTRACT_OK = "extract/ok"
"""Pages that gave an article."""
EXTRACT_NOT_ARTICLE = "extract/not_article"
"""Pages the extractor found no article body on (listings, stubs, error pages)."""
EXTRACT_ERROR = "extract/error"
"""Pages the extractor raised on (each logged with its URL)."""
EXTRACT_TIMEOUT = "extract/timeout"
"""Pages abandoned after ``EXTRACT_TIMEOUT``."""
EXTRACT_SHRUNK = "extract/shrunk"
"""Pages over ``EXTRACT_MAX_BYTES``, shrunk before parsing."""
EXTRACT_TITLE_AFFIX_CUT = "extract/title_affix_cut"
"""Titles whose site affix (learned from the site's other pages) was cut."""

# ---- archive (pipelines/archiving.py) ----
ARCHIVE_ADDED = "archive/added"
"""Articles new to the archive."""
ARCHIVE_UPDATED = "archive/updated"
"""Articles stored as a new version (their content changed)."""
ARCHIVE_UNCHANGED = "archive/unchanged"
"""Articles fetched again with nothing changed (no row written)."""
ARCHIVE_ROWS_WRITTEN = "archive/rows_written"
"""Rows committed (new plus updated)."""
ARCHIVE_COMMITS = "archive/commits"
"""Delta commits made."""
ARCHIVE_COMMIT_RETRIES = "archive/commit_retries"
"""Commits tried again after a failure."""
ARCHIVE_NOT_STORED = "archive/not_stored"
"""Articles lost to a commit the archive refused (the crawl fails)."""
ARCHIVE_FAILURE = "archive/failure"
"""The first line of the refused commit's error."""
ARCHIVE_SKIPPED_ARCHIVED = "archive/skipped_archived"
"""Article URLs not requested because the archive holds them."""

# ---- discovery (crawler/spiders/site.py) ----
DISCOVERY_ARTICLE = "discovery/article"
"""Pages the page classifier took for articles."""
DISCOVERY_NOT_ARTICLE = "discovery/not_article"
"""Pages the classifier turned away; ``discovery_not_article(kind)`` counts them by kind."""
DISCOVERY_NOT_ARTICLE_REASON = "discovery/not_article_reason"
"""Turned-away pages by the verdict's strongest feature (``discovery_not_article_reason``)."""
DISCOVERY_DUPLICATE = "discovery/duplicate"
"""Pages that named another page (their canonical) already seen."""
DISCOVERY_CONTINUATION = "discovery/continuation"
"""Page 2, 3... of an archived article, not followed."""
DISCOVERY_PAGINATION_STOPPED = "discovery/pagination_stopped"
"""Listings whose pagination stopped at a page of archived articles."""
DISCOVERY_TEMPLATE_SPENT = "discovery/template_spent"
"""URL templates that stopped being followed (their pages gave no articles)."""
DISCOVERY_REWRITTEN = "discovery/rewritten"
"""Links rewritten to their article's identity URL."""
DISCOVERY_SITEMAP_LIMIT = "discovery/sitemap_limit"
"""Sitemaps not read: past ``SITEMAP_MAX_DEPTH`` or ``SITEMAP_MAX_FILES``."""
DISCOVERY_SITEMAP_UNCHANGED = "discovery/sitemap_unchanged"
"""Sitemaps skipped because they have not changed since the last crawl."""
DISCOVERY_SITEMAP_UNREADABLE = "discovery/sitemap_unreadable"
"""Sitemaps that could not be read (damaged, too large)."""

# ---- revisits of young articles (crawler/middlewares.py) ----
REVISIT_REQUESTED = "revisit/requested"
"""Archived articles asked for again with a conditional GET."""
REVISIT_NOT_MODIFIED = "revisit/not_modified"
"""Revisits the server answered 304."""
REVISIT_FETCHED = "revisit/fetched"
"""Revisits that fetched the page again."""

# ---- the crawl run and its safety (crawler/runs.py, crawler/middlewares.py) ----
RUN_ID = "ainews/crawl_run_id"
"""The run id every component of one crawl shares."""
INTERNAL_REFUSED = "ainews/internal_refused"
"""Requests refused because they led to an internal address the user did not start on."""
REQUESTS_FAILED = "ainews/requests_failed"
"""Requests that failed for good: after their last retry, skips and robots.txt aside
(``crawler.middlewares.FailedRequestCounter``)."""

# ---- workers (crawler/distributed/) ----
WORKER_LEASES_TAKEN = "worker/leases_taken"
"""Requests this worker took from the frontier."""
WORKER_LEASES_DONE = "worker/leases_done"
"""Leases ended because their outcome was durable."""
WORKER_LEASES_RETURNED = "worker/leases_returned"
"""Leases given back to the frontier (a stop, a request not done)."""
WORKER_LEASES_RECLAIMED = "worker/leases_reclaimed"
"""Leases of dead workers put back into the frontier."""
WORKER_REDIS_OUTAGE = "worker/redis_outage"
"""Why the worker stopped when Redis stayed unreachable (the crawl fails)."""
SCHEDULER_ENQUEUED = "scheduler/enqueued/redis"
"""Requests put into the Redis frontier."""
SCHEDULER_DEQUEUED = "scheduler/dequeued/redis"
"""Requests taken from the Redis frontier."""

# ---- one-off fetches (crawler/spiders/fetch.py), per URL ----
FETCH_FAILURE = "fetch/failure"
"""``fetch_failure(url)``: why a one-off URL gave no page."""
FETCH_REDIRECTED = "fetch/redirected"
"""``fetch_redirected(url)``: the final URL a one-off URL was redirected to."""

# ---- Scrapy's own keys that we read ----
FINISH_REASON = "finish_reason"
START_TIME = "start_time"
RESPONSE_COUNT = "downloader/response_count"
"""Responses received (pages fetched, any status)."""
RESPONSE_STATUS_PREFIX = "downloader/response_status_count/"
EXCEPTION_TYPE_PREFIX = "downloader/exception_type_count/"
IGNORED_REQUESTS = EXCEPTION_TYPE_PREFIX + "scrapy.exceptions.IgnoreRequest"
"""How a skip (archived, robots.txt, internal address) leaves the downloader: no error."""
ROBOTS_FORBIDDEN = "robotstxt/forbidden"
"""Requests robots.txt forbade."""
DROPPED_COUNT = "item_dropped_count"
DROPPED_REASON_PREFIX = "item_dropped_reasons_count/"
SPIDER_EXCEPTION_PREFIX = "spider_exceptions/"


def fetch_failure(url: str) -> str:
    """The key holding why the one-off ``url`` gave no page."""
    return f"{FETCH_FAILURE}/{url}"


def fetch_redirected(url: str) -> str:
    """The key holding the final URL of the one-off ``url``."""
    return f"{FETCH_REDIRECTED}/{url}"


def discovery_not_article(kind: str) -> str:
    """The key counting pages turned away as ``kind`` (a page type or a rule)."""
    return f"{DISCOVERY_NOT_ARTICLE}/{kind}"


def discovery_not_article_reason(feature: str) -> str:
    """The key counting turned-away pages whose strongest reason was ``feature``."""
    return f"{DISCOVERY_NOT_ARTICLE_REASON}/{feature}"


def errors(stats: Mapping[str, Any]) -> int:
    """What went wrong in a crawl, counted one way everywhere (progress line, ``crawl_runs``,
    health): requests that failed for good, spider callbacks that raised, pages the extractor
    raised on or gave up on, and a commit the archive refused.

    Neither retries (one unreachable page is one error, not one per try) nor skips count, and
    the log level changes nothing (Scrapy counts log lines only at the level it logs).
    """
    return (int(stats.get(REQUESTS_FAILED, 0)) + spider_exceptions(stats)
            + int(stats.get(EXTRACT_ERROR, 0)) + int(stats.get(EXTRACT_TIMEOUT, 0))
            + (1 if stats.get(ARCHIVE_FAILURE) else 0))


def dropped_by_reason(stats: Mapping[str, Any]) -> dict[str, int]:
    """Dropped items by the DropItem subclass that dropped them."""
    return {key[len(DROPPED_REASON_PREFIX):]: int(value) for key, value in stats.items()
            if key.startswith(DROPPED_REASON_PREFIX)}


def status_counts(stats: Mapping[str, Any]) -> dict[str, int]:
    """Responses by HTTP status (as text, ``"200"``)."""
    return {key[len(RESPONSE_STATUS_PREFIX):]: int(value) for key, value in stats.items()
            if key.startswith(RESPONSE_STATUS_PREFIX)}


def spider_exceptions(stats: Mapping[str, Any]) -> int:
    """Exceptions raised in spider callbacks."""
    return sum(int(value) for key, value in stats.items()
               if key.startswith(SPIDER_EXCEPTION_PREFIX)
               and key != f"{SPIDER_EXCEPTION_PREFIX}count")
