"""Bounded work per page: a huge page is shrunk to what an article can be before parsing."""

from __future__ import annotations

import re

MIN_CHARS = 40
"""Shortest body text of an article, characters: shorter pages (link lists, stubs, error
pages) hold none. Every route from a page to a row uses it (``EXTRACT_MIN_CHARS``)."""

MAX_BYTES = 2 * 1024 * 1024
"""Bytes of HTML parsed at most. Parsing costs about 90 times the page in memory (a 16 MiB
page took a worker to 1.48 GB); no article page of the benchmarks comes near 2 MiB once
scripts, styles and inline images are gone."""

# Scripts other than JSON-LD, styles, inline SVG, comments and data: URIs (inline images):
# the bulk of oversized pages, none of it article text. JSON-LD stays: it carries dates and
# authors.
_BULK = re.compile(
    rb"<script(?![^>]*application/ld\+json)[^>]*>.*?</script\s*>|<style[^>]*>.*?</style\s*>|"
    rb"<svg[^>]*>.*?</svg\s*>|<!--.*?-->|data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s]{256,}",
    re.IGNORECASE | re.DOTALL)


_BULK_TEXT = re.compile(_BULK.pattern.decode("ascii"), _BULK.flags)


def shrink(html: bytes | str, limit: int = MAX_BYTES) -> tuple[bytes | str, str | None]:
    """``html`` within ``limit`` bytes (characters, for text) and how it was made so (None:
    untouched).

    Bulk that holds no text goes first; what is still too long is cut before the last tag that
    starts within ``limit`` (never inside a character: ``<`` is no byte of a multi-byte
    character in UTF-8 or GBK). The parser closes what the cut leaves open; the lost tail is
    mostly footer.
    """
    if len(html) <= limit:
        return html, None
    slim = _BULK.sub(b"", html) if isinstance(html, bytes) else _BULK_TEXT.sub("", html)
    if len(slim) <= limit:
        return slim, f"scripts, styles and inline data removed ({len(html)} → {len(slim)})"
    cut = slim.rfind(b"<" if isinstance(slim, bytes) else "<", 0, limit)  # type: ignore[arg-type]
    return slim[:cut if cut > 0 else limit], f"cut to {limit} (was {len(html)})"
