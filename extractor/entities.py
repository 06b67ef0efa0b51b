"""Mentions of the AI field's organisations, models, products, labs and people in an article.

The names are data (``extractor/data/ai_entities.csv``); one Aho-Corasick automaton
(``ahocorasick-rs``: 4.5× faster than pyahocorasick and 34× faster than one regular expression
on zh-news' bodies, bench/entities.py) finds every name in one pass over the title and body.
What makes a found name a mention is general:

1. Latin names stand on word boundaries (``Meta`` is not in ``metadata``, ``GPT-4`` not in
   ``GPT-4o``); a version's dot continues a name (``Qwen2`` is not in ``Qwen2.5``).
2. Short Latin names (fewer than ``CASELESS_FROM`` letters) match as written or in capitals
   (``Sony``, ``SONY``; not ``sony`` or ``pi``); longer ones in any case (``deepseek``).
3. Overlapping names resolve to the longest (``DeepSeek-R1`` is R1, not DeepSeek).
4. A name marked ambiguous (``?Kimi``, ``?Claude``, ``?豆包``, ``?Pi``) counts only when a
   second source agrees: an unambiguous mention of a related entity anywhere in the text
   (itself, its organisation, or one of that organisation's: 月之暗面 for Kimi), or a word of
   the field (``AI_WORDS``) within ``CONTEXT_CHARS`` of one of its occurrences (one sense per
   text: then every occurrence counts); else only its occurrences within ``CONTEXT_CHARS`` of
   an unambiguous mention of any entity count.
5. A person named in full (``Ilya Sutskever``, ``萨姆·奥尔特曼``) is then also found by the
   last part of the name alone (``Sutskever``, ``奥尔特曼``), after that first mention.
"""

from __future__ import annotations

import csv
import importlib.resources
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

CASELESS_FROM = 6
"""Latin names of at least this many characters match in any case; shorter ones as written."""
CONTEXT_CHARS = 100
"""How far (characters, either side) an ambiguous name looks for AI context."""
AI_WORDS = ("人工智能", "大模型", "模型", "智能体", "算法", "算力", "机器人", "自动驾驶", "芯片",
            "生成式", "AIGC", "AI", "LLM", "GPU", "chatbot", "model", "neural", "开源")
"""Words of the field that make an ambiguous name's neighbourhood AI context."""
KINDS = ("org", "lab", "model", "product", "person")
"""What an entity is: an organisation, a research lab, a model, a product, a person."""

_LATIN = re.compile(r"[A-Za-z0-9]")
_AI_CONTEXT = re.compile("|".join(
    rf"(?<![A-Za-z]){re.escape(w)}s?(?![A-Za-z])" if w.isascii() else re.escape(w)
    for w in AI_WORDS), re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Entity:
    """One entry of the gazetteer."""

    id: str
    kind: str
    names: tuple[str, ...]
    """Every name, the display name first; ambiguous ones without their ``?`` mark."""
    ambiguous: frozenset[str]
    """The names that count only when a second source agrees (rule 4 above)."""
    org: str | None = None
    """The id of the organisation it belongs to."""

    @property
    def name(self) -> str:
        """The display name."""
        return self.names[0]


@dataclass(frozen=True, slots=True)
class Mention:
    """One name of an entity found in a text."""

    entity: str
    name: str
    """The name as written in the text."""
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Name:
    """One name of the automaton: whose, as written, whether case and context matter."""

    entity: str
    written: str
    exact_case: bool
    ambiguous: bool
    latin_start: bool
    latin_end: bool
    follow_up: bool = False
    """The last part of a person's full name: counts only after the full name."""


def read_gazetteer(lines: Iterable[str]) -> dict[str, Entity]:
    """The entities of CSV ``lines`` (``id,kind,org,names``; ``#`` lines are comments)."""
    rows = csv.DictReader(line for line in lines if not line.startswith("#"))
    entities: dict[str, Entity] = {}
    for row in rows:
        raw = [n.strip() for n in row["names"].split("|") if n.strip()]
        entities[row["id"]] = Entity(
            id=row["id"], kind=row["kind"], org=row["org"] or None,
            names=tuple(n.lstrip("?") for n in raw),
            ambiguous=frozenset(n[1:] for n in raw if n.startswith("?")))
    return entities


@cache
def gazetteer() -> dict[str, Entity]:
    """The bundled gazetteer, by id."""
    source = importlib.resources.files("extractor").joinpath("data/ai_entities.csv")
    return read_gazetteer(source.read_text(encoding="utf-8").splitlines())


@cache
def _automaton() -> tuple[Any, list[tuple[_Name, ...]]]:
    """Every name of the gazetteer, lower-cased, in one Aho-Corasick automaton; what each of
    its patterns stands for."""
    import ahocorasick_rs

    by_key: dict[str, list[_Name]] = {}
    for entity in gazetteer().values():
        for written in entity.names:
            latin = written.isascii()
            by_key.setdefault(written.lower(), []).append(_Name(
                entity=entity.id, written=written,
                exact_case=latin and len(written) < CASELESS_FROM,
                ambiguous=written in entity.ambiguous,
                latin_start=bool(_LATIN.match(written[0])),
                latin_end=bool(_LATIN.match(written[-1]))))
    for entity in gazetteer().values():
        if entity.kind != "person":
            continue
        for written in entity.names:
            last = re.split(r"[ ·•]", written)[-1]
            if last != written and len(last) >= 2 and last.lower() not in by_key:
                latin = last.isascii()
                by_key.setdefault(last.lower(), []).append(_Name(
                    entity=entity.id, written=last, exact_case=latin, ambiguous=False,
                    latin_start=latin, latin_end=latin, follow_up=True))
    keys = list(by_key)
    return ahocorasick_rs.AhoCorasick(keys), [tuple(by_key[key]) for key in keys]


def _lowered(text: str) -> str:
    """``text`` lower-cased character by character (so offsets stay those of ``text``)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _on_boundaries(text: str, start: int, end: int, name: _Name) -> bool:
    """Whether a Latin name at ``start:end`` is a whole word (a version's ``.5`` continues it)."""
    if name.latin_start and start > 0 and _LATIN.match(text[start - 1]):
        return False
    if name.latin_end and end < len(text):
        after = text[end]
        if _LATIN.match(after):
            return False
        if after == "." and end + 1 < len(text) and text[end + 1].isdigit():
            return False
    return True


def find_mentions(text: str) -> list[Mention]:
    """The entity mentions of ``text``, in order (rules 1-5 of the module's docstring)."""
    if not text:
        return []
    found: list[tuple[int, int, _Name]] = []
    automaton, patterns = _automaton()
    for pattern, start, end in automaton.find_matches_as_indexes(_lowered(text),
                                                                  overlapping=True):
        for name in patterns[pattern]:
            if name.exact_case and text[start:end] not in (name.written, name.written.upper()):
                continue
            if _on_boundaries(text, start, end, name):
                found.append((start, end, name))
                break
    # 3. the longest of overlapping names
    found.sort(key=lambda m: (m[0] - m[1], m[0]))
    taken: list[tuple[int, int, _Name]] = []
    busy = bytearray(len(text))
    for start, end, name in found:
        if not any(busy[start:end]):
            taken.append((start, end, name))
            busy[start:end] = b"\x01" * (end - start)
    taken.sort(key=lambda m: m[0])
    # 5. a person's last name alone after the full name
    named: set[str] = set()
    kept = []
    for start, end, name in taken:
        if name.follow_up and name.entity not in named:
            continue
        named.add(name.entity)
        kept.append((start, end, name))
    # 4. ambiguous names need a second source: a related entity or the field's words near
    # one occurrence (then all of them: one sense per text), else a known name near this one
    sure = [start for start, _, name in kept if not name.ambiguous]
    agreed = {_family(name.entity) for _, _, name in kept if not name.ambiguous}
    agreed |= {name.entity for start, end, name in kept
               if name.ambiguous and _near_ai_words(text, start, end)}
    return [Mention(name.entity, text[start:end], start, end) for start, end, name in kept
            if not name.ambiguous or name.entity in agreed or _family(name.entity) in agreed
            or any(abs(at - start) <= CONTEXT_CHARS for at in sure)]


def _family(entity_id: str) -> str:
    """The organisation an entity belongs to (itself when none): Kimi's is 月之暗面's."""
    return gazetteer()[entity_id].org or entity_id


def _near_ai_words(text: str, start: int, end: int) -> bool:
    """Whether a word of the field (``AI_WORDS``) is within ``CONTEXT_CHARS`` of a name."""
    window = text[max(0, start - CONTEXT_CHARS):start] + " " + text[end:end + CONTEXT_CHARS]
    return _AI_CONTEXT.search(window) is not None


def count_mentions(title: str | None, text: str | None) -> tuple[tuple[str, int], ...]:
    """(entity id, mentions) over the title and body, most mentioned first."""
    counts = Counter(m.entity for m in find_mentions(f"{title or ''}\n{text or ''}"))
    return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def resolve(name: str) -> Entity | None:
    """The entity ``name`` means: its id, or any of its names in any case (None: unknown)."""
    wanted = name.strip().lower()
    known = gazetteer()
    if wanted in known:
        return known[wanted]
    return next((e for e in known.values() if any(n.lower() == wanted for n in e.names)), None)
