"""The ainews article archive: a Delta Lake table of zstd Parquet files. Never imports Scrapy."""

from __future__ import annotations

from archive.errors import ArchiveError
from archive.schema import SCHEMA, SCHEMA_VERSION
from archive.store import Archive, url_hash

__all__ = ["SCHEMA", "SCHEMA_VERSION", "Archive", "ArchiveError", "url_hash"]
