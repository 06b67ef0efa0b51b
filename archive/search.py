"""Full-text search over the archive: a derived SQLite FTS5 index of each URL's latest version.

The index is never a source of truth: it records the articles table version it reflects, is
brought up to date from the archive's committed rows before every search (and after each
append that finds it current), and can be deleted and rebuilt at any time
(``ainews maintain --reindex``). Titles and bodies are indexed as words (``segmenting``):
jieba for Chinese, words for Latin text; BM25 ranks, the title weighing four times the body.
A local archive keeps its index in ``_search/``; an ``s3://`` archive in the user's cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from archive import tables
from archive.errors import ArchiveError
from archive.segmenting import grams, index_grams, index_words, query_words

if TYPE_CHECKING:
    from archive.reading import ArchiveReading

INDEX_FORMAT = "3"
"""Changes when the words or the tables change: an index of another format is rebuilt."""
TITLE_WEIGHT = 4.0
"""BM25 weight of the title against the body's 1."""
SYNC_BATCH = 2000
"""Articles read from the archive and indexed per transaction while syncing."""
SNIPPET_CHARS = 90
"""Characters of body text around the first match shown with a result."""

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs (
    id INTEGER PRIMARY KEY, url_hash INTEGER NOT NULL UNIQUE, version INTEGER NOT NULL,
    url TEXT NOT NULL, site TEXT, title TEXT, authors TEXT, published_at TEXT,
    dup_group INTEGER, dup_members INTEGER, is_canonical INTEGER, text TEXT);
CREATE INDEX IF NOT EXISTS docs_group ON docs (dup_group);
CREATE VIRTUAL TABLE IF NOT EXISTS words USING fts5 (
    title, body, title_grams, body_grams, content='',
    tokenize='unicode61 remove_diacritics 2');
INSERT OR IGNORE INTO meta VALUES ('format', '{INDEX_FORMAT}');
INSERT INTO words (words, rank) VALUES ('rank', 'bm25({TITLE_WEIGHT}, 1.0, {TITLE_WEIGHT}, 1.0)');
"""


def _create(con: sqlite3.Connection) -> None:
    """The index's tables in a new file."""
    con.executescript(_SCHEMA)


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result: an article (the best-ranked of its story's outlets)."""

    url: str
    title: str
    site: str | None
    published_at: str | None
    authors: list[str]
    snippet: str
    """Body text around the first match, matched words between ``\\x02`` and ``\\x03``."""
    score: float
    """BM25, higher is better."""
    outlets: int
    """Articles of the story in the archive (1: no reprint known)."""
    dup_group: int | None
    others: list[str] = field(default_factory=list)
    """The story's other matching articles' URLs (filled with ``expand``)."""

    def to_dict(self) -> dict[str, Any]:
        """Plain values, for JSON."""
        return {"url": self.url, "title": self.title, "site": self.site,
                "published_at": self.published_at, "authors": self.authors,
                "snippet": self.snippet.replace("\x02", "[").replace("\x03", "]"),
                "score": round(self.score, 4), "outlets": self.outlets, "others": self.others}


def index_path(archive: ArchiveReading) -> Path:
    """Where the archive's search index lives: in it when local, in the user's cache when not."""
    if archive.root.is_local:
        return archive.root.local_path / "_search" / "index.sqlite3"
    cache_home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    digest = hashlib.sha256(str(archive.root).encode()).hexdigest()[:16]
    return cache_home / "ainews" / "search" / digest / "index.sqlite3"


class SearchIndex:
    """The search index of one archive."""

    def __init__(self, archive: ArchiveReading) -> None:
        """Open (or create on first use) the index of ``archive``."""
        self.archive = archive
        self.path = index_path(archive)

    def exists(self) -> bool:
        """Whether the index file is there."""
        return self.path.exists()

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            con = sqlite3.connect(self.path, timeout=60)
        except (OSError, sqlite3.Error) as exc:
            raise ArchiveError(f"cannot open the search index {self.path}: {exc}") from exc
        try:
            con.execute("PRAGMA journal_mode = WAL")
            if con.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone() is None:
                _create(con)
            elif self._meta(con, "format") != INDEX_FORMAT:
                con.close()
                self._remove()
                con = sqlite3.connect(self.path, timeout=60)
                con.execute("PRAGMA journal_mode = WAL")
                _create(con)
            yield con
        except sqlite3.DatabaseError as exc:
            raise ArchiveError(f"search index {self.path}: {exc}; `ainews maintain --reindex` "
                               "builds it again") from exc
        finally:
            con.close()

    def _remove(self) -> None:
        """Delete the index file with its write-ahead log."""
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                Path(str(self.path) + suffix).unlink()

    @staticmethod
    def _meta(con: sqlite3.Connection, key: str) -> str | None:
        row = con.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def indexed_version(self) -> int | None:
        """The articles table version the index reflects (None: empty or absent)."""
        if not self.exists():
            return None
        with self._connect() as con:
            value = self._meta(con, "archive_version")
        return None if value is None else int(value)

    def behind(self) -> tuple[int | None, int | None]:
        """(indexed version, archive version) when the index exists and lags, else (v, v)."""
        return self.indexed_version(), self._archive_versions()[0]

    def _archive_versions(self) -> tuple[int | None, int | None]:
        """The articles and dedup tables' versions (the index reflects both)."""
        return (tables.version(self.archive.paths["articles"]),
                tables.version(self.archive.paths["dedup"]))

    def rebuild(self) -> int:
        """Delete the index and build it from the archive; the number of articles indexed."""
        self._remove()
        return self.sync()

    def sync(self) -> int:
        """Bring the index up to the archive's committed rows; the number of articles
        (re)indexed. Runs in transactions: a crash leaves the index as of a whole batch,
        and the recorded version moves only once everything is in."""
        articles_version, dedup_version = self._archive_versions()
        with self._connect() as con:
            if (self._meta(con, "archive_version") == str(articles_version)
                    and self._meta(con, "dedup_version") == str(dedup_version)):
                return 0
            if articles_version is None:
                keys = pa.table({"url_hash": pa.array([], pa.int64())})
            else:
                keys = self.archive.sql(
                    "SELECT url_hash, coalesce(version, 1) AS version, dup_group, "
                    "dup_members, is_canonical FROM articles", as_of=articles_version)
            have = dict(con.execute("SELECT url_hash, version FROM docs").fetchall())
            wanted = dict(zip(keys["url_hash"].to_pylist(),
                              keys["version"].to_pylist(), strict=True)) if keys.num_rows else {}
            stale = [h for h, v in wanted.items() if have.get(h) != v]
            gone = [h for h in have if h not in wanted]
            with con:
                for url_hash in gone:
                    self._delete(con, url_hash)
            for start in range(0, len(stale), SYNC_BATCH):
                self._index_rows(con, stale[start:start + SYNC_BATCH], articles_version)
            if keys.num_rows:
                with con:
                    con.executemany(
                        "UPDATE docs SET dup_group = ?, dup_members = ?, is_canonical = ? "
                        "WHERE url_hash = ?",
                        zip(keys["dup_group"].to_pylist(), keys["dup_members"].to_pylist(),
                            [int(bool(c)) for c in keys["is_canonical"].to_pylist()],
                            keys["url_hash"].to_pylist(), strict=True))
            with con:
                con.execute("INSERT OR REPLACE INTO meta VALUES ('archive_version', ?)",
                            (str(articles_version),))
                con.execute("INSERT OR REPLACE INTO meta VALUES ('dedup_version', ?)",
                            (str(dedup_version),))
        return len(stale)

    def _index_rows(self, con: sqlite3.Connection, hashes: Sequence[int],
                    as_of: int | None) -> None:
        """Read ``hashes``' latest rows from the archive and (re)index them."""
        duck = self.archive.to_duckdb(as_of=as_of)
        with contextlib.closing(duck):
            duck.register("_wanted", pa.table({"url_hash": pa.array(hashes, pa.int64())}))
            rows = duck.sql(
                "SELECT url_hash, coalesce(version, 1) AS version, url, site, title, authors, "
                "published_at, text FROM _latest SEMI JOIN _wanted USING (url_hash)"
            ).to_arrow_table().to_pylist()
        self._store(con, rows)

    def _store(self, con: sqlite3.Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        """(Re)index article rows, one transaction."""
        with con:
            for row in rows:
                self._delete(con, int(row["url_hash"]))
                published = row.get("published_at")
                cursor = con.execute(
                    "INSERT INTO docs (url_hash, version, url, site, title, authors, "
                    "published_at, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (int(row["url_hash"]), int(row.get("version") or 1), row["url"],
                     row.get("site"), row.get("title"),
                     json.dumps(list(row.get("authors") or []), ensure_ascii=False),
                     published.isoformat() if isinstance(published, datetime) else None,
                     row.get("text")))
                con.execute("INSERT INTO words (rowid, title, body, title_grams, body_grams) "
                            "VALUES (?, ?, ?, ?, ?)",
                            (cursor.lastrowid, *_indexed(row.get("title"), row.get("text"))))

    @staticmethod
    def _delete(con: sqlite3.Connection, url_hash: int) -> None:
        """Take one article out (a contentless index is told the words it had indexed)."""
        old = con.execute("SELECT id, title, text FROM docs WHERE url_hash = ?",
                          (url_hash,)).fetchone()
        if old is None:
            return
        con.execute("INSERT INTO words (words, rowid, title, body, title_grams, body_grams) "
                    "VALUES ('delete', ?, ?, ?, ?, ?)", (old[0], *_indexed(old[1], old[2])))
        con.execute("DELETE FROM docs WHERE id = ?", (old[0],))

    def search(self, query: str, *, site: str | None = None, since: datetime | None = None,
               until: datetime | None = None, author: str | None = None, limit: int = 10,
               expand: bool = False, offset: int = 0) -> list[Hit]:
        """Ranked articles for ``query`` (words ANDed; "a phrase" in double quotes), reprints
        of one story folded into its best-ranked article (``expand``: their URLs listed)."""
        terms = parse_query(query)
        if not terms:
            raise ArchiveError("empty query: give a word or a \"phrase\"")
        self.sync()
        where, params = [], []
        for clause, value in (("d.site = ?", site),
                              ("d.published_at >= ?", since.isoformat() if since else None),
                              ("d.published_at < ?", until.isoformat() if until else None),
                              ("instr(d.authors, ?) > 0", author)):
            if value is not None:
                where.append(clause)
                params.append(value)
        filters = " AND ".join(where) or "1"
        phrases = [term.phrase for term in terms if term.phrase is not None]
        marked = [text for term in terms for text in (*term.words, term.text)]
        # Every term first; then, when those run short, articles with some of them
        # (ranked below: a reader asking `鞭炮 销售` still wants `烟花爆竹` sales rules).
        matches = [" AND ".join(t.match for t in terms)]
        if len(terms) > 1 and not phrases:
            matches.append(" OR ".join(t.match for t in terms))
        wanted = offset + limit
        hits: list[Hit] = []
        seen_ids: set[int] = set()
        seen_groups: dict[int, Hit] = {}
        with self._connect() as con:
            for match in matches:
                # The best-ranked rows first (FTS5 ranks in C); a bigger window only when
                # folding, filters or phrases left too few.
                window = 4 * wanted + 40
                done = 0
                while len(hits) < wanted or expand:
                    ranked = con.execute(
                        "SELECT rowid, rank FROM words WHERE words MATCH ? ORDER BY rank "
                        "LIMIT ? OFFSET ?", (match, window, done)).fetchall()
                    if ranked:
                        marks = ", ".join("?" * len(ranked))
                        found = {row[0]: row for row in con.execute(
                            "SELECT d.id, d.url, d.title, d.site, d.published_at, d.authors, "
                            f"d.text, 0, d.dup_members, d.dup_group FROM docs d WHERE d.id IN "
                            f"({marks}) AND {filters}", [r[0] for r in ranked] + params)}
                        for rowid, rank in ranked:
                            if rowid in found:
                                self._take((*found[rowid][:7], -rank, *found[rowid][8:]), hits,
                                           seen_ids, seen_groups, phrases, marked, expand)
                    done += window
                    if len(ranked) < window:
                        break  # every match seen
                    window *= 4
                if len(hits) >= wanted and not expand:
                    break
        return hits[offset:offset + limit]

    @staticmethod
    def _take(row: tuple[Any, ...], hits: list[Hit], seen_ids: set[int],
              seen_groups: dict[int, Hit], phrases: Sequence[str], marked: Sequence[str],
              expand: bool) -> None:
        """Add one matching row as a hit, unless it was seen, lacks a phrase, or is a reprint
        of a story already found (then listed under it with ``expand``)."""
        doc_id, url, title, site, published, authors, text, score, members, group = row
        if doc_id in seen_ids:
            return
        seen_ids.add(doc_id)
        if phrases and not all(_contains(f"{title}\n{text}", p) for p in phrases):
            return
        if group is not None and group in seen_groups:
            if expand:
                seen_groups[group].others.append(url)
            return
        hit = Hit(url=url, title=title or "", site=site, published_at=published,
                  authors=json.loads(authors or "[]"), snippet=snippet(text or "", marked),
                  score=float(score), outlets=int(members or 1), dup_group=group)
        if group is not None:
            seen_groups[group] = hit
        hits.append(hit)


_TERM = re.compile(r'"([^"]+)"|(\S+)')


@dataclass(frozen=True, slots=True)
class Term:
    """One term of a query: its words, its character pairs, the phrase when quoted."""

    text: str
    words: list[str]
    grams: list[str]
    phrase: str | None

    @property
    def match(self) -> str:
        """FTS5 syntax: its words near one another (the index also holds the shorter words
        inside long ones, so they need not be adjacent there), or its character pairs in a
        row (whatever the segmenter made of the indexed text)."""
        quoted = ['"' + word.replace('"', '""') + '"' for word in self.words]
        words = quoted[0] if len(quoted) == 1 else f"NEAR({' '.join(quoted)}, {2 * len(quoted)})"
        if not self.grams:
            return "{title body} : " + words
        return (f"({{title body}} : {words} OR "
                f"{{title_grams body_grams}} : \"{' '.join(self.grams)}\")")


def parse_query(query: str) -> list[Term]:
    """The query's terms (a quoted phrase is one term); terms without words dropped."""
    terms = []
    for quoted, bare in _TERM.findall(query):
        text = quoted or bare
        words = query_words(text)
        if words:
            terms.append(Term(text, words, grams(text), quoted or None))
    return terms


def _indexed(title: str | None, text: str | None) -> tuple[str, str, str, str]:
    """The four indexed columns of an article: words and character pairs of each field."""
    return (index_words(title or ""), index_words(text or ""), index_grams(title or ""),
            index_grams(text or ""))


def _contains(text: str, phrase: str) -> bool:
    """Whether ``phrase`` appears in ``text`` (case and spacing of Latin words aside)."""
    squeeze = re.compile(r"\s+")
    return squeeze.sub(" ", phrase.lower()).strip() in squeeze.sub(" ", text.lower())


def snippet(text: str, words: Sequence[str]) -> str:
    """``SNIPPET_CHARS`` of ``text`` around the first matched word, each match marked."""
    lowered = text.lower()
    found = [lowered.find(w) for w in words if w]
    first = min((at for at in found if at >= 0), default=0)
    start = max(0, first - SNIPPET_CHARS // 3)
    piece = text[start:start + SNIPPET_CHARS].replace("\n", " ")
    marked = sorted({w for w in words if w}, key=len, reverse=True)
    if marked:
        piece = re.sub("|".join(map(re.escape, marked)), lambda m: f"\x02{m.group(0)}\x03",
                       piece, flags=re.IGNORECASE).replace("\x03\x02", "")
    return ("…" if start else "") + piece + ("…" if start + SNIPPET_CHARS < len(text) else "")


def after_append(archive: ArchiveReading, rows: Sequence[Mapping[str, Any]],
                 before: int | None, after: int | None) -> None:
    """After an append: when the index exists and reflected the version before it, index the
    appended rows at once (a search would otherwise do it first)."""
    index = SearchIndex(archive)
    if not index.exists() or index.indexed_version() != before:
        return
    with index._connect() as con:
        for start in range(0, len(rows), SYNC_BATCH):
            index._store(con, rows[start:start + SYNC_BATCH])
        with con:
            con.execute("INSERT OR REPLACE INTO meta VALUES ('archive_version', ?)",
                        (str(after),))
