"""Errors the archive raises."""

from __future__ import annotations


class ArchiveError(Exception):
    """The archive cannot be read or written; the message names the problem."""
