"""The archive schema's version number, importable without pyarrow (crawl items carry it)."""

SCHEMA_VERSION = 2
"""1: the first release. 2: ``version``, ``first_seen_at`` and ``content_sha256`` (versions)."""
