"""What the caller tells the extractor: when the page was fetched, its zone, a site's overrides."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from extractor.limits import MAX_BYTES, MIN_CHARS

OVERRIDABLE_FIELDS = frozenset(("title", "authors", "editors", "source", "published"))
"""Fields a site profile may point at an element or a pattern for."""


@dataclass(frozen=True, slots=True)
class FieldOverride:
    """Where one field sits on a site's pages: a CSS selector, a regex, or both.

    With a selector, the matching elements' texts are the values (``authors``: each element
    one name, or a credit read like a byline); with a pattern, its first group in the
    selected text (or in the page's text lines) is.
    """

    selector: str | None = None
    pattern: str | None = None


@dataclass(frozen=True, slots=True)
class ExtractOptions:
    """Settings of one extraction. Nothing in the extractor reads the clock: pass the time."""

    fetched_at: datetime | None = None
    """When the page was fetched (aware). Relative dates (``3小时前``) count back from it and no
    date after it is accepted; None reads no relative date and applies no such bound."""
    timezone: str | None = None
    """IANA zone of dates printed without one; None: Asia/Shanghai for Chinese pages, else UTC."""
    charset: str | None = None
    """The charset the server declared (the HTTP header), for page bytes: tried after the
    page's own ``<meta charset>``; a wrong one (GBK bytes labelled utf-8) loses to what the
    bytes decode as."""
    min_chars: int = MIN_CHARS
    """Minimum body length of an article; shorter pages (link lists, stubs, error pages)
    give None."""
    max_bytes: int = MAX_BYTES
    """Longest page parsed: beyond it, scripts, styles and inline data go, then the tail (see
    ``extractor.limits``), so memory stays bounded on hostile pages."""
    explain: bool = False
    """Keep every field's candidates in ``Extracted.reports``."""
    overrides: dict[str, FieldOverride] = field(default_factory=dict)
    """A site profile's overrides, by field name (see ``OVERRIDABLE_FIELDS``)."""

    def __post_init__(self) -> None:
        """Refuse overrides for fields that cannot be overridden, and naive fetch times."""
        unknown = set(self.overrides) - OVERRIDABLE_FIELDS
        if unknown:
            raise ValueError(f"no override possible for {', '.join(sorted(unknown))}")
        if self.fetched_at is not None and self.fetched_at.tzinfo is None:
            raise ValueError("fetched_at must be timezone-aware")
