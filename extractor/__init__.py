"""Article extraction as a pure library: page in, ``Extracted`` out; no Scrapy, no clock.

>>> from extractor import ExtractOptions, extract_article
>>> article = extract_article(html_bytes, "https://example.cn/a/1.html",
...                           ExtractOptions(fetched_at=fetch_time, explain=True))

Names load on first use: a crawl process that only needs ``extractor.options`` (site
profiles) or ``extractor.charset`` (the encoding middleware) never imports trafilatura.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from extractor.article import default_timezone as default_timezone
    from extractor.article import extract_article as extract_article
    from extractor.explanation import explain as explain
    from extractor.options import ExtractOptions as ExtractOptions
    from extractor.options import FieldOverride as FieldOverride
    from extractor.result import Candidate as Candidate
    from extractor.result import Extracted as Extracted
    from extractor.result import FieldReport as FieldReport

_HOMES = {
    "Candidate": "extractor.result", "Extracted": "extractor.result",
    "FieldReport": "extractor.result", "ExtractOptions": "extractor.options",
    "FieldOverride": "extractor.options", "default_timezone": "extractor.article",
    "explain": "extractor.explanation", "extract_article": "extractor.article",
}

__all__ = [
    "Candidate", "ExtractOptions", "Extracted", "FieldOverride", "FieldReport",
    "default_timezone", "explain", "extract_article",
]


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first access."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'extractor' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
