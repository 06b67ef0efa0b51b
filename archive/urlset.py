"""A compact set of 64-bit URL hashes: a sorted numpy array plus a small recent-adds set."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import numpy as np

from archive.urls import article_identity, identity_url


def url_hash(url: str) -> int:
    """A signed 64-bit hash of a URL's identity form (Delta Lake has no unsigned integers):
    the key of an article, equal for every spelling of one page's URL."""
    digest = hashlib.blake2b(identity_url(url).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def article_hash(url: str, canonical_url: str | None = None) -> int:
    """``url_hash`` of an article's identity: its on-site ``rel=canonical`` or its URL."""
    return url_hash(article_identity(url, canonical_url))


class UrlHashSet:
    """Membership of URL hashes at 8 bytes each (a Python set of ints costs about 60)."""

    def __init__(self, hashes: Iterable[int] | np.ndarray = ()) -> None:
        """Build from any iterable of signed 64-bit ints."""
        array = np.asarray(list(hashes) if not isinstance(hashes, np.ndarray) else hashes,
                           dtype=np.int64)
        self._sorted = np.unique(array)
        self._recent: set[int] = set()

    def __contains__(self, value: object) -> bool:
        if not isinstance(value, int | np.integer):
            return False
        value = int(value)
        if value in self._recent:
            return True
        index = int(np.searchsorted(self._sorted, value))
        return index < len(self._sorted) and int(self._sorted[index]) == value

    def __len__(self) -> int:
        return len(self._sorted) + len(self._recent)

    def add(self, value: int) -> None:
        """Add one hash; recent additions are merged into the array in bulk."""
        if value in self:
            return
        self._recent.add(value)
        if len(self._recent) > 65536:
            self._sorted = np.unique(np.concatenate(
                [self._sorted, np.fromiter(self._recent, dtype=np.int64)]))
            self._recent.clear()

    def discard(self, value: int) -> None:
        """Forget a hash added since the last merge (a failed commit)."""
        self._recent.discard(value)

    @property
    def nbytes(self) -> int:
        """Approximate memory held, in bytes."""
        return int(self._sorted.nbytes) + 64 * len(self._recent)
