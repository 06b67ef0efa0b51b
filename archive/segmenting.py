"""Words of Chinese and Latin text for the search index: jieba for Han, words for the rest."""

from __future__ import annotations

import logging
import os
import re
import threading
from functools import cache
from pathlib import Path
from typing import Any

_LOCK = threading.Lock()
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# What the index's tokenizer keeps of a token: letters, digits, Han.
_WORD = re.compile(r"\w+")


@cache
def _jieba() -> Any:
    """jieba's tokenizer, its dictionary cache kept with ours instead of in /tmp."""
    import jieba

    cache_home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "ainews"
    tokenizer = jieba.Tokenizer()
    try:
        cache_home.mkdir(parents=True, exist_ok=True)
        tokenizer.tmp_dir = str(cache_home)
    except OSError:
        pass  # jieba falls back to the system's temporary folder
    logging.getLogger("jieba").setLevel(logging.WARNING)
    with _LOCK:
        tokenizer.initialize()
    return tokenizer


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
    return " ".join(w for w in _jieba().cut_for_search(text, HMM=False) if not w.isspace())


def query_words(term: str) -> list[str]:
    """The words of one query term, in order (a term of several words matches them close
    together: `具身智能` → 具身 智能, `GPT-4o` → gpt 4o)."""
    pieces = ([w for w in _jieba().cut(term, HMM=False) if not w.isspace()]
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
    return " ".join(grams(text))
