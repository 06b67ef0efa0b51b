"""``--explain``: each field's candidates, their scores and why the winner won, a line each."""

from __future__ import annotations

from extractor.result import Extracted

MAX_CANDIDATES = 12
"""Candidates shown per field, best first."""


def explain(extracted: Extracted) -> str:
    """The reports of ``extracted`` (extract with ``explain=True``) as plain text."""
    if not extracted.reports:
        return "no explanation kept: extract with ExtractOptions(explain=True)\n"
    out: list[str] = []
    for report in extracted.reports:
        chosen = ", ".join(report.chosen) if report.chosen else "(none)"
        out.append(f"{report.name}: {chosen}   [{report.rule}]")
        ranked = sorted(report.candidates, key=lambda c: -c.score)[:MAX_CANDIDATES]
        for c in ranked:
            mark = "*" if c.value in report.chosen else " "
            score = "override" if c.score == float("inf") else f"{c.score:5.1f}"
            raw = f"  «{c.raw}»" if c.raw and c.raw != c.value else ""
            out.append(f"  {mark} {score}  {c.value}  ({c.where}: {c.evidence}){raw}")
        if not report.candidates:
            out.append("    no candidate on the page")
    return "\n".join(out) + "\n"
