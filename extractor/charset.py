"""A page's own ``<meta charset>``: read by the crawl's middleware and by the extractor."""

from __future__ import annotations

import re

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.IGNORECASE)


def declared_charset(body: bytes) -> str | None:
    """The page's own ``<meta charset>``, lowercased; gb2312 and gbk read as gb18030."""
    match = _META_CHARSET.search(body[:4096])
    if not match:
        return None
    name = match.group(1).decode("ascii", "replace").lower()
    # gb2312 and gbk pages often hold characters only their superset gb18030 knows.
    return "gb18030" if name in ("gb2312", "gbk") else name
