"""Raw pages as WARC (ISO 28500), the web-archiving world's format: written and read by warcio.

Each stored page becomes a ``request`` record and a ``response`` record with the response's
own headers and body, and warcio's block and payload digests. Reading takes WARC and ARC
files (Common Crawl's CC-NEWS among them) and gives the HTML responses as page dicts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
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


def read_pages(path: str | Path) -> Iterator[dict[str, Any]]:
    """The HTML responses of a WARC or ARC file (gzipped or not), as page dicts: ``url``,
    ``http_status``, ``headers``, ``body``, ``fetched_at``, ``encoding``."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    _check_kind(path)
    try:
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream, arc2warc=True):
                page = _page(record)
                if page is not None:
                    yield page
    except (OSError, ArchiveLoadFailed, ValueError) as exc:
        raise ArchiveError(f"cannot read {path} as WARC/ARC: "
                           f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
                           ) from None


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


def _page(record: Any) -> dict[str, Any] | None:
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
    return {"url": url, "final_url": url, "http_status": int(status) if status else None,
            "headers": headers, "body": record.content_stream().read(), "fetched_at": fetched,
            "encoding": charset}
