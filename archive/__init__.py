"""The ainews article archive: Delta Lake tables of zstd Parquet files. Never imports Scrapy.

The names below load on first use: a process that only needs ``archive.version`` (extraction
workers, via the crawl items) does not pay for pyarrow, deltalake, DuckDB and pandas.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from archive.version import SCHEMA_VERSION

if TYPE_CHECKING:
    from archive.errors import ArchiveError
    from archive.results import AppendResult
    from archive.schema import SCHEMA
    from archive.store import Archive, open
    from archive.urlset import url_hash

__all__ = ["SCHEMA", "SCHEMA_VERSION", "AppendResult", "Archive", "ArchiveError", "open",
           "url_hash"]
_HOMES = {"SCHEMA": "archive.schema", "ArchiveError": "archive.errors",
          "AppendResult": "archive.results", "Archive": "archive.store", "open": "archive.store",
          "url_hash": "archive.urlset"}


def __getattr__(name: str) -> Any:
    """Import the module that defines ``name`` when it is first asked for."""
    if name not in _HOMES:
        raise AttributeError(f"module 'archive' has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOMES[name]), name)
    globals()[name] = value
    return value
