"""Old article versions gain the ``entities`` column: what ``ainews maintain`` runs after a
migration to schema version 4 (rows written since carry it from extraction)."""

from __future__ import annotations

import pyarrow as pa

from archive import Archive
from archive.schema import ENTITIES_TYPE
from extractor.entities import count_mentions


def fill_entities(archive: Archive) -> int:
    """Match the AI entities of every stored version that has none recorded, in one commit;
    how many versions were filled."""
    if not archive.exists():
        return 0
    # One row per key: exact copies of a version (a retried commit) take the same value.
    found: dict[tuple[object, ...], list[dict[str, object]]] = {}
    for batch in archive.rows_lacking("entities", extra=("title", "text")):
        for row in batch.to_pylist():
            found[row["url_hash"], row["version"], row["content_sha256"]] = [
                {"id": entity, "mentions": n}
                for entity, n in count_mentions(row["title"], row["text"])]
    if not found:
        return 0
    url_hashes, versions, contents = zip(*found, strict=True)
    archive.fill_column("entities", pa.table({
        "url_hash": pa.array(url_hashes, pa.int64()), "version": pa.array(versions, pa.int32()),
        "content_sha256": pa.array(contents, pa.string()),
        "entities": pa.array(list(found.values()), ENTITIES_TYPE)}))
    return len(found)
