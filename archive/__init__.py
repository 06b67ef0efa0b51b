"""The ainews article archive: Delta Lake tables of zstd Parquet files. Never imports Scrapy."""

from __future__ import annotations

from archive.errors import ArchiveError
from archive.schema import SCHEMA, SCHEMA_VERSION
from archive.store import AppendResult, Archive, open, url_hash

__all__ = ["SCHEMA", "SCHEMA_VERSION", "AppendResult", "Archive", "ArchiveError", "open",
           "url_hash"]
