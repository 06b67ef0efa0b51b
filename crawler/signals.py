"""Signals ainews sends besides Scrapy's own."""

from __future__ import annotations

articles_committed = object()
"""Sent by the archive pipeline after a batch's commit succeeded, with ``articles`` (the
committed Article items, unchanged ones included): their pages' work is durable."""
