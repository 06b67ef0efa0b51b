"""Values the archive hands out, importable without pyarrow (they cross process boundaries)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AppendResult:
    """What one append did."""

    added: int = 0
    """Rows for URLs new to the archive."""
    updated: int = 0
    """New versions of archived URLs whose content changed."""
    unchanged: int = 0
    """Rows skipped because the latest version holds the same content."""

    @property
    def written(self) -> int:
        """Rows committed."""
        return self.added + self.updated


@dataclass(frozen=True, slots=True)
class Revisit:
    """An archived article to fetch again, with the validators of its last response."""

    url: str
    etag: str | None
    last_modified: str | None
