"""Which characters are Han (and kana): the one definition every module of the extractor uses."""

from __future__ import annotations

import re
import unicodedata

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
"""Han ideograph ranges, for use inside a regex character class."""
KANA = "\u3040-\u30ff"
"""Hiragana and katakana, for use inside a regex character class."""
HAN_CHAR = re.compile(f"[{HAN}]")
"""One Han character."""
KANA_CHAR = re.compile(f"[{KANA}]")
"""One kana character."""


_NON_WORD = re.compile(r"\W+")


def fold(text: str) -> str:
    """The key two spellings of one name share: NFKC, casefolded, non-word characters
    dropped (`新浪 财经` and `新浪财经`, `The Site` and `thesite`)."""
    return _NON_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())


def has_han(text: str) -> bool:
    """Whether ``text`` holds a Han character."""
    return HAN_CHAR.search(text) is not None


def han_share(text: str) -> float:
    """Share of ``text``'s characters that are Han."""
    return len(HAN_CHAR.findall(text)) / max(1, len(text))
