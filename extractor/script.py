"""Which characters are Han (and kana): the one definition every module of the extractor uses."""

from __future__ import annotations

import re

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
"""Han ideograph ranges, for use inside a regex character class."""
KANA = "\u3040-\u30ff"
"""Hiragana and katakana, for use inside a regex character class."""
HAN_CHAR = re.compile(f"[{HAN}]")
"""One Han character."""
KANA_CHAR = re.compile(f"[{KANA}]")
"""One kana character."""


def has_han(text: str) -> bool:
    """Whether ``text`` holds a Han character."""
    return HAN_CHAR.search(text) is not None


def han_share(text: str) -> float:
    """Share of ``text``'s characters that are Han."""
    return len(HAN_CHAR.findall(text)) / max(1, len(text))
