"""Near-duplicate clusters of the archive's articles, kept in the ``dedup`` table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import closing
from typing import Any

import pyarrow as pa

from archive import dedup, tables
from archive.reading import ArchiveReading, duck_errors
from archive.schema import DEDUP_SCHEMA


class ArchiveClustering(ArchiveReading):
    """Clustering of an archive's texts (``archive.store.Archive`` has it)."""

    _lsh: dedup.LshIndex | None = None

    def _assign_duplicates(self, records: Sequence[Mapping[str, Any]]) -> None:
        """Give each new or changed row the cluster of its most similar archived text.

        Identical texts have identical signatures, so exact copies are found the same way.
        """
        index = self._lsh_index()
        # Before the lookups, so `has_recent` below still means "added in this batch".
        index.compact()
        signatures = [dedup.signature(r.get("text") or "") for r in records]
        keys = [dedup.band_keys(sig) for sig in signatures]
        archived = [index.candidates(row_keys) for row_keys in keys]
        known = self._signatures({h for found in archived for h, _ in found})
        rows: list[dict[str, Any]] = []
        for record, sig, row_keys, found in zip(records, signatures, keys, archived, strict=True):
            # Archived candidates were looked up before this batch; in-batch ones come now.
            fresh = []
            if index.has_recent:
                seen = set(found)
                fresh = [pair for pair in index.candidates(row_keys) if pair not in seen]
            pairs = [(group, known[h]) for h, group in [*found, *fresh] if h in known]
            group = dedup.best_match(sig, pairs)
            group = group if group is not None else record["url_hash"]
            index.add(row_keys, record["url_hash"], group)
            known[record["url_hash"]] = sig
            rows.append({"url_hash": record["url_hash"], "dup_group": group,
                         "text_sha256": record.get("text_sha256"),
                         "published_at": record.get("published_at"),
                         "signature": dedup.to_bytes(sig), "bands": row_keys})
        tables.append(self.paths["dedup"], pa.Table.from_pylist(rows, schema=DEDUP_SCHEMA))

    def _lsh_index(self) -> dedup.LshIndex:
        """The band-key index of every clustered row, loaded once per Archive object."""
        if self._lsh is None:
            table = self._dataset("dedup").to_table(columns=["url_hash", "dup_group", "bands"])
            self._lsh = dedup.LshIndex.from_table(table)
        return self._lsh

    def _signatures(self, hashes: set[int]) -> dict[int, Any]:
        if not hashes:
            return {}
        import pyarrow.dataset as ds  # here: it loads pandas, which reading the archive skips

        table = self._dataset("dedup").to_table(
            columns=["url_hash", "signature"], filter=ds.field("url_hash").isin(list(hashes)))
        return {h: dedup.from_bytes(sig) for h, sig in zip(
            table.column("url_hash").to_pylist(), table.column("signature").to_pylist(),
            strict=True) if sig is not None}

    def rebuild_duplicates(self) -> int:
        """Recompute every cluster from the latest article versions; return the cluster count."""
        latest = self.sql(
            "SELECT url_hash, text, text_sha256, published_at FROM _latest "
            "ORDER BY coalesce(published_at, fetched_at), url_hash")
        rows = latest.to_pylist()
        signatures = [dedup.signature(r["text"] or "") for r in rows]
        clusters = dedup.cluster(signatures, [r["text_sha256"] for r in rows])
        out = [{"url_hash": r["url_hash"], "dup_group": rows[c]["url_hash"],
                "text_sha256": r["text_sha256"], "published_at": r["published_at"],
                "signature": dedup.to_bytes(sig), "bands": dedup.band_keys(sig)}
               for r, c, sig in zip(rows, clusters, signatures, strict=True)]
        tables.overwrite(self.paths["dedup"], pa.Table.from_pylist(out, schema=DEDUP_SCHEMA))
        self._lsh = None
        return len(set(clusters))

    def assign_missing_duplicates(self) -> int:
        """Cluster archived rows that have no ``dedup`` row yet (a crawl killed between commits)."""
        con = self.to_duckdb()
        done = 0
        with closing(con), duck_errors("clustering failed"):
            reader = con.sql(
                "SELECT url_hash, text, text_sha256, published_at FROM _latest "
                "ANTI JOIN _dedup USING (url_hash)").to_arrow_reader(10_000)
            # Streamed in chunks, unsorted: the texts of a large archive do not fit in memory as
            # Python objects, and the canonical member is chosen by date in the views anyway.
            for batch in reader:
                rows = batch.to_pylist()
                self._assign_duplicates(rows)
                done += len(rows)
        return done

