"""Near-duplicate detection: MinHash over character 5-grams, banded LSH, stable cluster ids.

Chinese has no spaces, so word shingles fail; character 5-grams separate a reprint with an added
``转载自…`` line and light edits (estimated Jaccard above 0.8) from a different story on the
same topic (below 0.3 on our tests). ``THRESHOLD`` sits between them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

NUM_PERM = 64
BANDS = 16
ROWS_PER_BAND = NUM_PERM // BANDS
SHINGLE_CHARS = 5
THRESHOLD = 0.6
"""Estimated Jaccard similarity from which two texts are the same story. With 16 bands of 4
rows, a pair at 0.6 becomes a candidate with probability 1 - (1 - 0.6**4)**16 = 0.89, a pair
at 0.8 with 0.9999, a pair at 0.3 with 0.12 (and is then rejected by the exact estimate)."""
MAX_CANDIDATES = 256
"""Candidates weighed per new text, those sharing the most bands first."""

_RNG = np.random.default_rng(20241108)
# Multiply-shift hashing: odd 64-bit multipliers, the high 32 bits of a*x + b (mod 2**64).
_A = _RNG.integers(0, 1 << 63, NUM_PERM, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_B = _RNG.integers(0, 1 << 63, NUM_PERM, dtype=np.uint64)
_NOISE = re.compile(r"[\s\W_]+")


_MULTIPLIERS = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9,
                         0x85EBCA77C2B2AE63, 0x27D4EB2F165667C5], dtype=np.uint64)


def shingles(text: str) -> np.ndarray:
    """32-bit hashes of the distinct character 5-grams of ``text`` (spaces, punctuation out).

    Vectorized: code points as uint64, each 5-gram mixed by multiply-add (wrapping mod 2**64).
    """
    clean = _NOISE.sub("", text.lower())
    if not clean:
        return np.empty(0, dtype=np.uint64)
    points = np.frombuffer(clean.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(points) < SHINGLE_CHARS:
        points = np.concatenate([points, np.zeros(SHINGLE_CHARS - len(points), np.uint64)])
    count = len(points) - SHINGLE_CHARS + 1
    mixed = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset, multiplier in enumerate(_MULTIPLIERS):
            mixed += points[offset : offset + count] * multiplier
    return np.unique(mixed >> np.uint64(32))


def signature(text: str) -> np.ndarray:
    """The MinHash signature of ``text``: NUM_PERM uint32 values."""
    hashes = shingles(text)
    if hashes.size == 0:
        return np.full(NUM_PERM, np.iinfo(np.uint32).max, dtype=np.uint32)
    with np.errstate(over="ignore"):
        mixed = (_A[:, None] * hashes[None, :] + _B[:, None]) >> np.uint64(32)
    result: np.ndarray = mixed.min(axis=1).astype(np.uint32)
    return result


def similarity(first: np.ndarray, second: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.mean(first == second))


def band_keys(sig: np.ndarray) -> list[int]:
    """One signed 64-bit key per band: texts sharing a key are candidates."""
    keys = []
    for band in range(BANDS):
        chunk = sig[band * ROWS_PER_BAND : (band + 1) * ROWS_PER_BAND].tobytes()
        digest = hashlib.blake2b(bytes([band]) + chunk, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "big", signed=True))
    return keys


def to_bytes(sig: np.ndarray) -> bytes:
    """Signature as stored in the ``dedup`` table."""
    return sig.astype("<u4").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    """Signature from its stored bytes."""
    return np.frombuffer(data, dtype="<u4").astype(np.uint32)


class _UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri != rj:
            self.parent[max(ri, rj)] = min(ri, rj)


def cluster(signatures: Sequence[np.ndarray], text_hashes: Sequence[str | None]) -> list[int]:
    """Cluster index of every item: exact text matches, then LSH candidates above THRESHOLD."""
    groups = _UnionFind(len(signatures))
    first_of_text: dict[str, int] = {}
    buckets: dict[int, list[int]] = {}
    for i, (sig, text_hash) in enumerate(zip(signatures, text_hashes, strict=True)):
        if text_hash:
            if text_hash in first_of_text:
                groups.union(first_of_text[text_hash], i)
            else:
                first_of_text[text_hash] = i
        for key in band_keys(sig):
            for j in buckets.setdefault(key, []):
                if groups.find(i) != groups.find(j) and similarity(sig, signatures[j]) >= THRESHOLD:
                    groups.union(i, j)
            buckets[key].append(i)
    return [groups.find(i) for i in range(len(signatures))]


def best_match(sig: np.ndarray, candidates: Iterable[tuple[int, np.ndarray]]) -> int | None:
    """The dup_group of the most similar candidate at or above THRESHOLD (the last on ties)."""
    pairs = list(candidates)
    if not pairs:
        return None
    scores = (np.stack([candidate for _, candidate in pairs]) == sig).mean(axis=1)
    best = len(scores) - 1 - int(np.argmax(scores[::-1]))
    return pairs[best][0] if scores[best] >= THRESHOLD else None


class LshIndex:
    """Band keys of every clustered text: sorted numpy chunks plus a dict of recent additions.

    Memory is about 24 bytes per band, 384 bytes per article with 16 bands. Recent additions
    become a new sorted chunk once there are enough of them; a chunk at least half the size of
    the one before is merged into it, so there are O(log n) chunks and each band key is sorted
    again O(log n) times however long the crawl or the clustering pass.
    """

    def __init__(self, keys: np.ndarray, hashes: np.ndarray, groups: np.ndarray) -> None:
        """Index rows given as parallel arrays (one entry per band of each text)."""
        self._chunks: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        if keys.size:
            self._chunks.append(_sorted_chunk(keys, hashes, groups))
        self._recent: dict[int, list[tuple[int, int]]] = {}

    @classmethod
    def from_table(cls, table: pa.Table) -> LshIndex:
        """Build from ``url_hash``, ``dup_group`` and ``bands`` columns."""
        if table.num_rows == 0 or "bands" not in table.column_names:
            empty = np.empty(0, dtype=np.int64)
            return cls(empty, empty, empty)
        bands = table.column("bands").combine_chunks()
        parents = pc.list_parent_indices(bands).to_numpy()
        keys = pc.list_flatten(bands).to_numpy(zero_copy_only=False).astype(np.int64)
        hashes = table.column("url_hash").to_numpy()[parents]
        groups = table.column("dup_group").to_numpy()[parents]
        return cls(keys, hashes, groups)

    def candidates(self, keys: Sequence[int], limit: int = MAX_CANDIDATES) -> list[tuple[int, int]]:
        """(url_hash, dup_group) of indexed texts sharing a band key: at most ``limit``, those
        sharing the most bands first (a template-like site would otherwise make every new
        article meet every old one)."""
        wanted = np.asarray(keys, dtype=np.int64)
        found_hashes: list[np.ndarray] = []
        found_groups: list[np.ndarray] = []
        for chunk_keys, chunk_hashes, chunk_groups in self._chunks:  # oldest first
            lows = np.searchsorted(chunk_keys, wanted, side="left")
            highs = np.searchsorted(chunk_keys, wanted, side="right")
            spans = [np.arange(lo, hi) for lo, hi in zip(lows.tolist(), highs.tolist(),
                                                         strict=True) if hi > lo]
            if spans:
                positions = np.concatenate(spans)
                found_hashes.append(chunk_hashes[positions])
                found_groups.append(chunk_groups[positions])
        recent = [pair for key in keys for pair in self._recent.get(key, ())]
        found_hashes.append(np.array([h for h, _ in recent], dtype=np.int64))
        found_groups.append(np.array([g for _, g in recent], dtype=np.int64))
        hashes, groups = np.concatenate(found_hashes), np.concatenate(found_groups)
        if hashes.size == 0:
            return []
        # The latest entry of a hash wins (a changed text is indexed again): unique over the
        # reversed arrays keeps the last occurrence.
        unique, first, counts = np.unique(hashes[::-1], return_index=True, return_counts=True)
        chosen = np.argsort(-counts, kind="stable")[:limit]
        return list(zip(unique[chosen].tolist(), groups[::-1][first[chosen]].tolist(),
                        strict=True))

    @property
    def has_recent(self) -> bool:
        """Tell whether texts were added since the index was loaded."""
        return bool(self._recent)

    def add(self, keys: Sequence[int], url_hash: int, group: int) -> None:
        """Index one more text."""
        for key in keys:
            self._recent.setdefault(key, []).append((url_hash, group))

    def compact(self, above: int = 20_000) -> None:
        """Turn the recent additions into a sorted chunk once there are more than ``above``
        band keys: as Python objects they cost about 200 bytes a band, in arrays 24, and a
        long crawl would otherwise grow by 3 KB per article."""
        if len(self._recent) <= above:
            return
        triples = [(key, url_hash, group) for key, pairs in self._recent.items()
                   for url_hash, group in pairs]
        added = np.array(triples, dtype=np.int64).reshape(-1, 3)
        self._chunks.append(_sorted_chunk(added[:, 0], added[:, 1], added[:, 2]))
        self._recent = {}
        while len(self._chunks) >= 2 and len(self._chunks[-1][0]) * 2 >= len(self._chunks[-2][0]):
            newer, older = self._chunks.pop(), self._chunks.pop()
            self._chunks.append(_sorted_chunk(*(np.concatenate([a, b])
                                                for a, b in zip(older, newer, strict=True))))


def _sorted_chunk(keys: np.ndarray, hashes: np.ndarray,
                  groups: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The arrays ordered by key; a stable sort keeps older entries of a key first."""
    order = np.argsort(keys, kind="stable")
    return keys[order], hashes[order], groups[order]
