"""The archive's one explicit Arrow schema."""

from __future__ import annotations

import pyarrow as pa

SCHEMA_VERSION = 1

_TS = pa.timestamp("us", tz="UTC")
_STRINGS = pa.list_(pa.string())

SCHEMA = pa.schema(
    [
        pa.field("url", pa.string(), nullable=False),
        pa.field("canonical_url", pa.string()),
        pa.field("url_hash", pa.int64(), nullable=False),
        pa.field("site", pa.string(), nullable=False),
        pa.field("crawl_month", pa.string(), nullable=False),
        pa.field("title", pa.string()),
        pa.field("authors", _STRINGS),
        pa.field("editors", _STRINGS),
        pa.field("published_at", _TS),
        pa.field("published_raw", pa.string()),
        pa.field("updated_at", _TS),
        pa.field("category", pa.string()),
        pa.field("breadcrumbs", _STRINGS),
        pa.field("tags", _STRINGS),
        pa.field("source", pa.string()),
        pa.field("lang", pa.string()),
        pa.field("text", pa.string()),
        pa.field("text_sha256", pa.string()),
        pa.field("fetched_at", _TS, nullable=False),
        pa.field("http_status", pa.int32()),
        pa.field("encoding", pa.string()),
        pa.field("spider", pa.string()),
        pa.field("crawl_run_id", pa.string()),
        pa.field("schema_version", pa.int32(), nullable=False),
    ],
    metadata={"ainews.schema_version": str(SCHEMA_VERSION)},
)
"""One row per archived article. ``crawl_month`` (``YYYY-MM`` of ``fetched_at``) and ``site``
partition the table."""

PARTITION_COLUMNS = ["site", "crawl_month"]
