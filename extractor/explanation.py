"""``--explain``: each field's candidates, their scores and why the winner won, a line each."""

from __future__ import annotations

from extractor.entities import Mention, find_mentions, gazetteer
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
    out.extend(_entity_lines(extracted))
    return "\n".join(out) + "\n"


def _entity_lines(extracted: Extracted) -> list[str]:
    """The AI entities of title and body, each with its names as written and a mention's
    surroundings."""
    counted = ", ".join(f"{entity} ×{n}" for entity, n in extracted.entities) or "(none)"
    out = [f"entities: {counted}   [gazetteer names; ambiguous ones with a second source]"]
    known = gazetteer()
    text = f"{extracted.title or ''}\n{extracted.text}"
    by_entity: dict[str, list[Mention]] = {}
    for mention in find_mentions(text):
        by_entity.setdefault(mention.entity, []).append(mention)
    for entity, mentions in by_entity.items():
        first = mentions[0]
        near = text[max(0, first.start - 12):first.end + 12].replace("\n", " ")
        written = ", ".join(dict.fromkeys(m.name for m in mentions))
        info = known[entity]
        owner = f" of {info.org}" if info.org else ""
        out.append(f"  * {entity} ({info.kind}{owner}): {written}  «{near}»")
    return out
