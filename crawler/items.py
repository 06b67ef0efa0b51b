"""Items that flow from the spiders through the pipelines into the archive."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import TYPE_CHECKING

from archive.version import SCHEMA_VERSION

if TYPE_CHECKING:
    from extractor import Extracted
    from extractor.options import FieldOverride


@dataclass(slots=True, kw_only=True)
class Page:
    """A fetched page before extraction: what a spider yields."""

    url: str
    """Final URL of the response, after redirects."""
    body: bytes = field(repr=False)
    """The response body as received (decompressed): the extractor decodes it by what the
    bytes are, and the ``pages`` table keeps it (left out of logs: Scrapy logs every dropped
    item)."""
    site: str
    """Name of the site the page belongs to (``crawler.sites.site_name``)."""
    http_status: int | None = 200
    """HTTP status of the response; None for a saved file."""
    encoding: str | None = None
    """The charset the response declared (or Scrapy inferred), a hint for decoding."""
    fetched_at: datetime
    """Time of the fetch, timezone-aware UTC."""
    timezone: str | None = None
    """IANA zone the site's profile reads naive dates in; None lets the extractor choose."""
    headers: dict[str, str] = field(default_factory=dict, repr=False)
    """Response headers, one value each."""
    overrides: dict[str, FieldOverride] = field(default_factory=dict, repr=False)
    """The site profile's field overrides for the extractor."""
    lease: str | None = field(default=None, repr=False)
    """The Redis lease of the request this page answered (workers only)."""


ARTICLE_COLUMNS_EXCLUDED = frozenset({"page_row", "lease"})
"""Article fields that are not ``articles`` columns."""


@dataclass(slots=True, kw_only=True)
class Article:
    """One cleaned article: the row the archive stores."""

    url: str
    canonical_url: str | None = None
    """``<link rel=canonical>`` or ``og:url`` when the page names one."""
    site: str = ""
    title: str | None = None
    """Headline without the site-name suffix."""
    authors: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    """Publish time, timezone-aware UTC."""
    published_raw: str | None = None
    """The date string as it stood on the page (``8个月前 (04-15)``)."""
    updated_at: datetime | None = None
    """Last-modified time when the page states one, UTC."""
    published_date: date | None = None
    """The publish day as printed, in the page's timezone (``published_at`` is UTC)."""
    updated_date: date | None = None
    """The last-modified day, in the page's timezone."""
    timezone: str | None = None
    """The IANA zone the page's dates were read in (``Asia/Shanghai``)."""
    category: str | None = None
    """Last breadcrumb entry before the article itself."""
    breadcrumbs: list[str] = field(default_factory=list)
    """Breadcrumb path from the home page, e.g. ``["首页", "资讯", "AI大模型"]``."""
    tags: list[str] = field(default_factory=list)
    source: str | None = None
    """Publication the article was taken from (``来源``/``转载自``)."""
    lang: str | None = None
    """Two-letter language code."""
    entities: list[dict[str, object]] | None = None
    """``{"id", "mentions"}`` of each AI entity the title and body name, most mentioned first
    (None: not matched)."""
    text: str = field(default="", repr=False)
    """Body text, paragraphs separated by newlines (left out of logs)."""
    text_sha256: str = ""
    fetched_at: datetime | None = None
    http_status: int | None = None
    encoding: str | None = None
    spider: str | None = None
    crawl_run_id: str | None = None
    schema_version: int = SCHEMA_VERSION
    page_row: dict[str, object] | None = field(default=None, repr=False, compare=False)
    """The ``pages`` row of the response the article came from (not a column: the archive
    stores it beside the article in one commit)."""
    lease: str | None = field(default=None, repr=False, compare=False)
    """The Redis lease of the page's request: released once the article is committed."""

    @classmethod
    def from_extracted(cls, extracted: Extracted, *, url: str,
                       fetched_at: datetime | None = None, **crawl: object) -> Article:
        """The archive row of an extraction: the one place an ``Extracted`` becomes an item.

        ``crawl`` holds what the crawl knows and the page does not (``site``,
        ``http_status``, ``spider``, ``crawl_run_id``, ``page_row``...); it wins over the
        extraction where both say something (``encoding``: what the response declared).
        """
        fields: dict[str, object] = dict(
            url=url,
            canonical_url=extracted.canonical_url,
            title=extracted.title,
            authors=list(extracted.authors),
            editors=list(extracted.editors),
            published_at=extracted.published_at,
            published_raw=extracted.published_raw,
            updated_at=extracted.updated_at,
            published_date=extracted.published_date,
            updated_date=extracted.updated_date,
            timezone=extracted.timezone,
            category=extracted.category,
            breadcrumbs=list(extracted.breadcrumbs),
            tags=list(extracted.tags),
            source=extracted.source,
            lang=extracted.lang,
            entities=[{"id": entity, "mentions": n} for entity, n in extracted.entities],
            text=extracted.text,
            text_sha256=hashlib.sha256(extracted.text.encode("utf-8")).hexdigest(),
            fetched_at=fetched_at,
            encoding=extracted.encoding,
        )
        fields.update(crawl)
        return cls(**fields)  # type: ignore[arg-type]


ARTICLE_EXPORT_FIELDS = [f.name for f in fields(Article) if f.name not in ARTICLE_COLUMNS_EXCLUDED]
"""The article columns, in order: what feed exports (``scrapy crawl SITE -O FILE``) write."""
