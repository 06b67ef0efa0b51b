"""The archive schema's version number, importable without pyarrow (crawl items carry it)."""

SCHEMA_VERSION = 4
"""1: the first release. 2: ``version``, ``first_seen_at`` and ``content_sha256`` (versions).
3: ``published_date``, ``updated_date`` and ``timezone`` (the day as the page printed it).
4: ``entities`` (the AI organisations, models, products and people mentioned)."""
