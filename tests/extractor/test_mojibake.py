"""Repairing UTF-8 text that was read as Latin-1 or cp1252 before it was served."""

from __future__ import annotations

import pytest

from extractor.mojibake import repair_mojibake


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Investor’s “guide” – 2025", "latin-1"),
        ("école, Müller, 中文 und ½", "latin-1"),
        ("Copyright © 2024 — ™", "latin-1"),
        ("Investor’s guide – 2025 …", "cp1252"),  # what a Windows CMS serves
        ("école, Müller und ½", "cp1252"),
    ],
)
def test_misread_text_comes_back(text, encoding):
    misread = text.encode("utf-8").decode(encoding)
    assert misread != text
    assert repair_mojibake(misread) == text


@pytest.mark.parametrize(
    "text", ["Müller café in München", "»Über« Ü»", "½ × ¼ = ⅛", "中文的正文", "plain ASCII"]
)
def test_real_text_is_left_alone(text):
    assert repair_mojibake(text) == text


def test_only_the_misread_runs_change_on_a_mixed_line():
    misread = "Investor’s".encode().decode("latin-1")
    line = f"Every {misread} calculator, and a real café – £5"
    assert repair_mojibake(line) == "Every Investor’s calculator, and a real café – £5"
