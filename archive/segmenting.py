"""Words of Chinese and Latin text for the search index: jieba for Han, words for the rest.

jieba's words come from ``rjieba`` (jieba-rs: the same dictionary and algorithm, the same
words on every page of zh-news, 10–28× faster than the Python package; docs/benchmarks.md).
"""

from __future__ import annotations

import re

import rjieba

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# What the index's tokenizer keeps of a token: letters, digits, Han.
_WORD = re.compile(r"\w+")


def index_words(text: str) -> str:
    """``text`` as space-separated words for indexing: each Chinese word and the shorter
    words inside it (`人工智能` also as `人工`, `智能`), so a query finds either."""
    if not text:
        return ""
    if not _HAN.search(text):
        return text
    # Without jieba's HMM guesses at unknown words: 3.3× faster on bench/archive_scale.py's
    # text, and the character pairs find what they would have joined (the same nDCG and
    # recall on bench/search.py's judged queries).
    # Spaces between words are dropped by the index's tokenizer: no need to filter them here.
    return " ".join(rjieba.cut_for_search(text, False))


def query_words(term: str) -> list[str]:
    """The words of one query term, in order (a term of several words matches them close
    together: `具身智能` → 具身 智能, `GPT-4o` → gpt 4o)."""
    pieces = ([w for w in rjieba.cut(term, False) if not w.isspace()]
              if _HAN.search(term) else [term])
    return [word.lower() for piece in pieces for word in _WORD.findall(piece)]


_HAN_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


def grams(text: str) -> list[str]:
    """The overlapping character pairs of each run of Chinese characters (a run of one: that
    character): matching them needs no agreement on where words end (`醫判 賠` against a
    query's `判賠`)."""
    found: list[str] = []
    for run in _HAN_RUN.findall(text):
        found.extend(run[i:i + 2] for i in range(max(1, len(run) - 1)))
    return found


def index_grams(text: str) -> str:
    """``grams`` of ``text``, space-separated, for indexing."""
    return " ".join(" ".join(map(str.__add__, run[:-1], run[1:])) if len(run) > 1 else run
                    for run in _HAN_RUN.findall(text))
