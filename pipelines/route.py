"""The one route from a fetched page to archive rows.

Every way a page becomes a row takes it: the crawl and its workers (``ExtractionPipeline``),
``ainews fetch`` (a crawl), ``ainews extract``, ``reextract``, ``import-warc`` and
``scrapy parse``. What a page is read with (its site's name, zone and field overrides, the
charset the server declared, the minimum article length) is decided here once, so one page
gives one row whichever way it came.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from crawler.items import ARTICLE_COLUMNS_EXCLUDED, Article, Page
from crawler.sites import site_of
from extractor.limits import MAX_BYTES, MIN_CHARS
from extractor.options import ExtractOptions

if TYPE_CHECKING:
    from extractor import Extracted


def page_for(url: str, body: bytes, fetched_at: datetime, *, site: str | None = None,
             http_status: int | None = 200, charset: str | None = None,
             headers: dict[str, str] | None = None, timezone: str | None = None) -> Page:
    """A page that was not crawled (a saved file, a WARC record, a stored response), with
    the rules its site's profile gives, as a crawl would have given them.

    ``site`` names the profile (else the one the URL belongs to; a name no profile has is
    kept as the site's name, with no rules); ``timezone`` overrides the profile's zone.
    """
    name, profile = site_of(url, site)
    return Page(url=url, body=body, fetched_at=fetched_at, http_status=http_status,
                encoding=charset, headers=dict(headers or {}), site=name,
                timezone=timezone or (profile.timezone if profile else None),
                overrides=dict(profile.overrides) if profile else {})


def options_for(page: Page, *, min_chars: int = MIN_CHARS, max_bytes: int = MAX_BYTES,
                explain: bool = False) -> ExtractOptions:
    """The extractor's options for ``page``: what the crawl knows about it."""
    return ExtractOptions(fetched_at=page.fetched_at, timezone=page.timezone,
                          charset=page.encoding, min_chars=min_chars, max_bytes=max_bytes,
                          overrides=page.overrides, explain=explain)


def article_of(extracted: Extracted, page: Page, *, spider: str | None = None,
               run_id: str | None = None, keep_page: bool = True) -> Article:
    """The Article of ``page``'s extraction, carrying its ``pages`` row when ``keep_page``."""
    return Article.from_extracted(
        extracted, url=page.url, fetched_at=page.fetched_at, site=page.site,
        http_status=page.http_status, encoding=page.encoding or extracted.encoding,
        spider=spider, crawl_run_id=run_id, lease=page.lease,
        page_row=page_row(page, run_id) if keep_page else None)


def extract_page(page: Page, *, spider: str | None = None, run_id: str | None = None,
                 min_chars: int = MIN_CHARS, keep_page: bool = True) -> Article | None:
    """Extract ``page`` here and now (no pool, no stats); None when it holds no article."""
    from extractor import extract_article  # loaded by the routes that extract in-process

    extracted = extract_article(page.body, page.url, options_for(page, min_chars=min_chars))
    if extracted is None:
        return None
    return article_of(extracted, page, spider=spider, run_id=run_id, keep_page=keep_page)


def article_row(article: Article) -> dict[str, Any]:
    """The ``articles`` columns of an Article."""
    return {f.name: getattr(article, f.name) for f in dataclasses.fields(article)
            if f.name not in ARTICLE_COLUMNS_EXCLUDED}


def page_row(page: Page, run_id: str | None) -> dict[str, Any]:
    """The ``pages`` row of ``page``: the response as received, for re-extraction later.

    ``timezone`` is the zone the page was given (its profile's, or the user's), None when
    the extractor chose one: re-extraction then chooses again, as the crawl did.
    """
    return {
        "url": page.url, "site": page.site, "final_url": page.url,
        "http_status": page.http_status, "headers": page.headers, "encoding": page.encoding,
        "body": page.body, "fetched_at": page.fetched_at, "timezone": page.timezone,
        "crawl_run_id": run_id,
    }


def stored_page(row: dict[str, Any]) -> Page:
    """A ``pages`` row as the page it was: its site's rules applied as they are today."""
    headers = row.get("headers")
    return page_for(str(row["url"]), row["body"] or b"", row["fetched_at"],
                    site=str(row["site"]), http_status=row["http_status"],
                    charset=row.get("encoding"), timezone=row.get("timezone"),
                    headers=json.loads(headers) if isinstance(headers, str) else headers)
