"""The archive's explicit Arrow schemas, one per table."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from archive.version import SCHEMA_VERSION

_TS = pa.timestamp("us", tz="UTC")
_STRINGS = pa.list_(pa.string())
ENTITIES_TYPE = pa.list_(pa.struct([pa.field("id", pa.string()), pa.field("mentions", pa.int32())]))
"""The ``entities`` column: each AI entity the article mentions, with how often."""

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
        # schema version 2
        pa.field("version", pa.int32()),
        pa.field("first_seen_at", _TS),
        pa.field("content_sha256", pa.string()),
        # schema version 3
        pa.field("published_date", pa.date32()),
        pa.field("updated_date", pa.date32()),
        pa.field("timezone", pa.string()),
        # schema version 4
        pa.field("entities", ENTITIES_TYPE),
    ],
    metadata={"ainews.schema_version": str(SCHEMA_VERSION)},
)
"""``articles``: one row per version of an article. ``site`` and ``crawl_month`` (``YYYY-MM`` of
``fetched_at``) partition the table."""

V1_COLUMNS = SCHEMA.names[: SCHEMA.get_field_index("schema_version") + 1]
"""Columns of schema version 1, for migration tests and checks."""

PAGES_SCHEMA = pa.schema(
    [
        pa.field("url", pa.string(), nullable=False),
        pa.field("url_hash", pa.int64(), nullable=False),
        pa.field("site", pa.string(), nullable=False),
        pa.field("crawl_month", pa.string(), nullable=False),
        pa.field("final_url", pa.string()),
        pa.field("http_status", pa.int32()),
        pa.field("headers", pa.string()),
        pa.field("encoding", pa.string()),
        pa.field("body", pa.large_binary()),
        pa.field("fetched_at", _TS, nullable=False),
        pa.field("timezone", pa.string()),
        pa.field("crawl_run_id", pa.string()),
    ]
)
"""``pages``: the raw response (decompressed bytes) behind every archived article version."""

RUNS_SCHEMA = pa.schema(
    [
        pa.field("crawl_run_id", pa.string(), nullable=False),
        pa.field("spider", pa.string()),
        pa.field("site", pa.string()),
        pa.field("started_at", _TS),
        pa.field("finished_at", _TS),
        pa.field("finish_reason", pa.string()),
        pa.field("pages_fetched", pa.int64()),
        pa.field("articles_added", pa.int64()),
        pa.field("articles_updated", pa.int64()),
        pa.field("articles_unchanged", pa.int64()),
        pa.field("articles_dropped", pa.int64()),
        pa.field("dropped_by_reason", pa.string()),
        pa.field("errors", pa.int64()),
        pa.field("http_status_counts", pa.string()),
    ]
)
"""``crawl_runs``: one row per crawl. JSON strings hold the per-reason and per-status counts."""

DEDUP_SCHEMA = pa.schema(
    [
        pa.field("url_hash", pa.int64(), nullable=False),
        pa.field("dup_group", pa.int64(), nullable=False),
        pa.field("text_sha256", pa.string()),
        pa.field("published_at", _TS),
        pa.field("signature", pa.binary()),
        pa.field("bands", pa.list_(pa.int64())),
    ]
)
"""``dedup``: the near-duplicate cluster of every archived URL and its MinHash signature."""

PARTITION_COLUMNS = ["crawl_month"]
"""How a new table of articles or pages is partitioned: by month only (a site's rows are found
by the files' statistics). Site and month made files of ~55 rows at 100,000 articles
(docs/benchmarks.md); tables of that first partitioning keep it until ``maintain``
repartitions them (``tables.repartition``)."""

FIRST_PARTITION_COLUMNS = ["site", "crawl_month"]
"""The partitioning of tables made before schema version 4's layout, for migration tests."""


@dataclass(frozen=True, slots=True)
class Table:
    """One Delta table of the archive: its schema, what identifies a row, how it is laid out."""

    name: str
    """Its folder under the archive's root, and its DuckDB view's name."""
    schema: pa.Schema
    key: tuple[str, ...]
    """Columns that identify a row: ``verify`` finds a lost row's copy by them."""
    partitioned: bool = False
    """Partitioned by ``PARTITION_COLUMNS``."""
    time_travel: bool = False
    """Read as of a version or time when asked (``--as-of``); the others are read as now."""
    derived: bool = False
    """Computed from the others (rebuilt, never recommitted from orphaned files)."""
    scanned_as: str = ""
    """Its DuckDB view's name when not its own: the ``articles`` views are built on it."""

    @property
    def view(self) -> str:
        """The name DuckDB reads the table under."""
        return self.scanned_as or self.name


TABLES: dict[str, Table] = {table.name: table for table in (
    Table("articles", SCHEMA, ("url_hash", "version", "content_sha256"), partitioned=True,
          time_travel=True, scanned_as="_versions"),
    Table("pages", PAGES_SCHEMA, ("url_hash", "fetched_at"), partitioned=True),
    Table("crawl_runs", RUNS_SCHEMA, ("crawl_run_id",)),
    Table("dedup", DEDUP_SCHEMA, ("url_hash", "dup_group"), derived=True,
          scanned_as="_dedup_table"),
)}
"""Every table of the archive, by name: the one list the store, ``verify``, ``columns`` and
the CLI read."""


def duck_type(arrow_type: pa.DataType) -> str:
    """The DuckDB type an Arrow column of the archive reads as."""
    if pa.types.is_list(arrow_type):
        return duck_type(arrow_type.value_type) + "[]"
    if pa.types.is_struct(arrow_type):
        fields = ", ".join(f"{f.name} {duck_type(f.type)}" for f in arrow_type)
        return f"STRUCT({fields})"
    if pa.types.is_boolean(arrow_type):
        return "BOOLEAN"
    if pa.types.is_floating(arrow_type):
        return "DOUBLE"
    if pa.types.is_date(arrow_type):
        return "DATE"
    if pa.types.is_timestamp(arrow_type):
        return "TIMESTAMPTZ"
    if pa.types.is_integer(arrow_type):
        return "INTEGER" if arrow_type.bit_width == 32 else "BIGINT"
    if pa.types.is_binary(arrow_type) or pa.types.is_large_binary(arrow_type):
        return "BLOB"
    return "VARCHAR"
