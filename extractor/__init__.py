"""Article extraction as a pure library: page in, ``Extracted`` out; no Scrapy, no clock.

>>> from extractor import ExtractOptions, extract_article
>>> article = extract_article(html_bytes, "https://example.cn/a/1.html",
...                           ExtractOptions(fetched_at=fetch_time, explain=True))
"""

from extractor.article import default_timezone, extract_article
from extractor.explain import explain
from extractor.options import ExtractOptions, FieldOverride
from extractor.result import Candidate, Extracted, FieldReport

__all__ = [
    "Candidate",
    "ExtractOptions",
    "Extracted",
    "FieldOverride",
    "FieldReport",
    "default_timezone",
    "explain",
    "extract_article",
]
