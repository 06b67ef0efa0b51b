"""Raw pages as WARC (ISO 28500), the web-archiving world's format: written and read by warcio.

Each stored page becomes a ``request`` record and a ``response`` record with the response's
own headers and body, and warcio's block and payload digests. Reading takes WARC and ARC
files (Common Crawl's CC-NEWS among them) and gives the HTML responses as page dicts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http.client import responses
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from archive.errors import ArchiveError

# The stored body is the decoded one (Scrapy undid any compression): headers that describe
# the bytes on the wire would make a reader decode it again.
_WIRE_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}


def write_pages(pages: Iterable[dict[str, Any]], out: BinaryIO) -> int:
    """Write request + response records for each page row (``pages`` table); the count."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    writer = WARCWriter(out, gzip=True)
    count = 0
    for page in pages:
        url = str(page.get("final_url") or page["url"])
        fetched = page.get("fetched_at") or datetime.now(UTC)
        date = fetched.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        request = StatusAndHeaders(f"GET {target} HTTP/1.1", [("Host", parts.netloc)],
                                   is_http_request=True)
        status = int(page.get("http_status") or 200)
        stored = page.get("headers") or "{}"
        headers = json.loads(stored) if isinstance(stored, str) else dict(stored)
        body = bytes(page.get("body") or b"")
        kept = [(k, str(v)) for k, v in headers.items() if k.lower() not in _WIRE_HEADERS]
        kept.append(("Content-Length", str(len(body))))
        response = StatusAndHeaders(f"{status} {responses.get(status, 'Unknown')}", kept,
                                    protocol="HTTP/1.1")
        warc_headers = {"WARC-Date": date}
        response_record = writer.create_warc_record(
            url, "response", payload=BytesIO(body), http_headers=response,
            warc_headers_dict=warc_headers)
        request_record = writer.create_warc_record(
            url, "request", payload=BytesIO(b""), http_headers=request,
            warc_headers_dict={**warc_headers, "WARC-Concurrent-To":
                               response_record.rec_headers.get_header("WARC-Record-ID")})
        writer.write_record(request_record)
        writer.write_record(response_record)
        count += 1
    return count


MAX_RECORD_BYTES = 16 * 1024 * 1024
"""Longest response body read from a WARC record (decompressed): a bigger one is skipped, so a
small compressed record cannot fill the memory."""
_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_START = re.compile(rb"(?:^|\n)(?:WARC/1\.[01]|filedesc://)")


@dataclass(slots=True)
class WarcReading:
    """What reading a WARC/ARC file met besides its pages: nothing, for an intact file."""

    damaged: int = 0
    """Places where a record could not be read; reading went on at the next record."""
    too_large: int = 0
    """Responses over ``MAX_RECORD_BYTES``, skipped."""
    truncated: bool = False
    """The file ends inside a record: it was cut short (a copy that did not finish)."""

    @property
    def intact(self) -> bool:
        """Whether every record was read."""
        return not (self.damaged or self.too_large or self.truncated)

    def problems(self) -> str:
        """The problems in words (`2 damaged records skipped, file truncated`)."""
        parts = [f"{self.damaged} damaged record(s) skipped" if self.damaged else "",
                 f"{self.too_large} response(s) over {MAX_RECORD_BYTES // 2**20} MiB skipped"
                 if self.too_large else "", "the file is truncated" if self.truncated else ""]
        return ", ".join(part for part in parts if part)


class _TooLarge(Exception):
    """A response body past the limit: leave the record for the next one."""


def read_pages(path: str | Path, reading: WarcReading | None = None, *,
               max_bytes: int = MAX_RECORD_BYTES) -> Iterator[dict[str, Any]]:
    """The HTML responses of a WARC or ARC file (gzipped or not), as page dicts: ``url``,
    ``http_status``, ``headers``, ``body``, ``fetched_at``, ``encoding``.

    A damaged record is skipped and reading goes on at the next one; a body over
    ``max_bytes`` is skipped unread; a file cut short is noticed. ``reading`` counts them.
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    reading = reading if reading is not None else WarcReading()
    _check_kind(path)
    try:
        with open(path, "rb") as stream:
            gzipped = stream.read(2) == _GZIP_MAGIC[:2]
            offset = 0
            while True:
                stream.seek(offset)
                iterator = ArchiveIterator(stream, arc2warc=True)
                start = offset
                try:
                    for record in iterator:
                        start = iterator.offset
                        page = _page(record, max_bytes)
                        if page is not None:
                            yield page
                        elif record.rec_type is None or _declared_longer(record):
                            reading.truncated = True  # the file ends inside this record
                    break
                except (ArchiveLoadFailed, ValueError, EOFError, OSError, _TooLarge) as exc:
                    if isinstance(exc, _TooLarge):
                        reading.too_large += 1
                    else:
                        reading.damaged += 1
                    found = _next_record(stream, start + 1, gzipped)
                    if found is None:
                        break
                    offset = found
        if gzipped and _gzip_cut(path):
            reading.truncated = True
    except OSError as exc:
        raise ArchiveError(f"cannot read {path} as WARC/ARC: "
                           f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
                           ) from None


def _next_record(stream: BinaryIO, start: int, gzipped: bool) -> int | None:
    """The offset of the next record start at or after ``start`` (a gzip member's header, or a
    ``WARC/1.x`` line), or None at the end of the file."""
    chunk_size = 1 << 20
    position = start
    while True:
        stream.seek(position)
        chunk = stream.read(chunk_size + 16)
        if not chunk:
            return None
        if gzipped:
            at = chunk.find(_GZIP_MAGIC)
            found = at if at >= 0 else None
        else:
            match = _WARC_START.search(chunk)
            found = None if match is None else match.start() + (match.group().startswith(b"\n"))
        if found is not None:
            return position + found
        if len(chunk) <= chunk_size:
            return None
        position += chunk_size


def _gzip_cut(path: str | Path) -> bool:
    """Whether the file's last gzip member ends before its end-of-stream marker (a copy that
    did not finish); a damaged member is counted where it was met, not here."""
    import gzip
    import zlib

    try:
        with gzip.open(path) as members:
            while members.read(1 << 20):
                pass
    except EOFError:
        return True
    except (zlib.error, gzip.BadGzipFile, OSError):
        return False
    return False


def _declared_longer(record: Any) -> bool:
    """A record whose block is shorter than its Content-Length: the file ends inside it."""
    limit = getattr(record.raw_stream, "limit", 0)
    return isinstance(limit, int) and limit > 0


def _check_kind(path: str | Path) -> None:
    """ArchiveError unless the file opens like a WARC or ARC file (gzipped or not): warcio
    reads any other file as an empty archive."""
    import gzip

    try:
        with open(path, "rb") as stream:
            head = stream.read(2)
            stream.seek(0)
            start = (gzip.GzipFile(fileobj=stream).read(16) if head == b"\x1f\x8b"
                     else stream.read(16))
    except (OSError, EOFError) as exc:
        raise ArchiveError(f"cannot read {path} as WARC/ARC: {exc}") from None
    if not start.startswith((b"WARC/", b"filedesc://")):
        raise ArchiveError(f"cannot read {path} as WARC/ARC: it does not start like one")


def _page(record: Any, max_bytes: int = MAX_RECORD_BYTES) -> dict[str, Any] | None:
    if record.rec_type != "response" or record.http_headers is None:
        return None
    headers = dict(record.http_headers.headers)
    kind = (record.http_headers.get_header("Content-Type") or "").lower()
    if kind and "html" not in kind:
        return None
    url = record.rec_headers.get_header("WARC-Target-URI")
    if not url or urlsplit(url).scheme not in ("http", "https"):
        return None
    stamp = record.rec_headers.get_header("WARC-Date") or ""
    try:
        fetched = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        fetched = datetime.now(UTC)
    charset = None
    if "charset=" in kind:
        charset = kind.split("charset=", 1)[1].split(";")[0].strip() or None
    status = record.http_headers.get_statuscode()
    body = record.content_stream().read(max_bytes + 1)
    if len(body) > max_bytes:
        raise _TooLarge(url)
    if _declared_longer(record):
        return None  # cut short: the file ends inside this record
    return {"url": url, "final_url": url, "http_status": int(status) if status else None,
            "headers": headers, "body": body, "fetched_at": fetched, "encoding": charset}
