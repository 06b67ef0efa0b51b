"""A site profile's overrides: a selector or pattern that replaces what the generic strategies
found for one field (fundus-style), reported as the winning candidate."""

from __future__ import annotations

import dataclasses
import re

from lxml.cssselect import CSSSelector
from lxml.etree import XPathError

from extractor import html_meta
from extractor.credits import Role, read_credit
from extractor.datetext import parse_date, parse_iso
from extractor.names import Kind
from extractor.options import ExtractOptions, FieldOverride
from extractor.page import ParsedPage
from extractor.result import Candidate, Extracted, FieldReport


class OverrideError(ValueError):
    """A site override that cannot be applied (a bad selector or pattern)."""


def _texts(override: FieldOverride, page: ParsedPage) -> list[str]:
    """The texts an override points at: the selected elements', or the page's lines."""
    if override.selector:
        try:
            elements = CSSSelector(override.selector)(page.tree)
        except (XPathError, SyntaxError, ValueError) as exc:
            raise OverrideError(f"bad selector {override.selector!r}: {exc}") from None
        texts = [html_meta.node_text(e) for e in elements]
    else:
        texts = list(page.lines)
    if not override.pattern:
        return [t for t in texts if t]
    try:
        pattern = re.compile(override.pattern)
    except re.error as exc:
        raise OverrideError(f"bad pattern {override.pattern!r}: {exc}") from None
    values = []
    for text in texts:
        match = pattern.search(text)
        if match:
            values.append((match.group(1) if pattern.groups else match.group(0)).strip())
    return [v for v in values if v]


def _names(texts: list[str], page: ParsedPage, roles: tuple[Role, ...]) -> tuple[str, ...]:
    names: list[str] = []
    for text in texts:
        found = [m.name for m in read_credit(text, site_names=page.names_of_site)
                 if m.role in roles and m.kind in (Kind.PERSON, Kind.HANDLE)]
        for name in found or [text]:
            if name not in names:
                names.append(name)
    return tuple(names)


def apply_overrides(extracted: Extracted, page: ParsedPage, options: ExtractOptions, *,
                    tz: str) -> Extracted:
    """``extracted`` with every field the options override replaced, where the override
    finds something (a field it finds nothing for keeps the generic value)."""
    changes: dict[str, object] = {}
    reports = {r.name: r for r in extracted.reports}
    for name, override in options.overrides.items():
        texts = _texts(override, page)
        if not texts:
            continue
        shown: tuple[str, ...]
        if name == "authors":
            changes["authors"] = shown = _names(texts, page, (Role.WRITER, Role.NONE))
        elif name == "editors":
            changes["editors"] = shown = _names(texts, page, (Role.EDITOR, Role.NONE))
        elif name in ("title", "source"):
            changes[name] = texts[0]
            shown = (texts[0],)
        else:  # published
            value = parse_iso(texts[0], tz=tz, now=options.fetched_at)
            if value is None:
                found = parse_date(texts[0], now=options.fetched_at, tz=tz)
                value = found.value if found else None
            if value is None:
                continue
            changes.update(published_at=value, published_raw=texts[0],
                           published_has_time=bool(re.search(r"\d:\d{2}", texts[0])))
            shown = (value.isoformat(),)
        earlier = reports.get(name)
        reports[name] = FieldReport(
            name, shown,
            (*(Candidate(v, float("inf"), "override",
                         f"the site profile says so: {override.selector or override.pattern}", v)
               for v in shown), *(earlier.candidates if earlier else ())),
            "the site profile's override")
    if options.explain:
        changes["reports"] = tuple(reports.values())
    return dataclasses.replace(extracted, **changes)  # type: ignore[arg-type]
