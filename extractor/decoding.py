"""Page bytes to text: a BOM, the page's own ``<meta charset>``, UTF-8, GB18030; mojibake
repaired before anything parses it."""

from __future__ import annotations

import re

from extractor.charset import declared_charset
from extractor.mojibake import repair_mojibake

UTF8_LOSS_SHARE = 0.1
"""A page that decodes as UTF-8 with at most this share of its non-ASCII characters lost is
UTF-8 with a few broken bytes; above it, the page is read as its declared charset or GB18030."""
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


# Single-byte Latin charsets decode any bytes without an error, so a page declaring one says
# nothing about whether it is UTF-8: they are tried after UTF-8 (a UTF-8 page labelled
# iso-8859-1 is common, and read as Latin-1 it becomes mojibake).
_DECODES_ANYTHING = frozenset(("iso-8859-1", "latin-1", "latin1", "cp1252", "windows-1252",
                               "ascii", "us-ascii"))


def decode_html(html: str | bytes, transport_charset: str | None = None) -> tuple[str, str]:
    """Decode page bytes: a BOM, the page's own ``<meta charset>``, the charset the server
    declared (``transport_charset``), then UTF-8, then GB18030; the first that decodes the
    bytes cleanly wins, a declared Latin single-byte charset only after UTF-8."""
    if isinstance(html, str):
        return html, "utf-8"
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"),
                          (b"\xfe\xff", "utf-16-be")):
        if html.startswith(bom):
            return html[len(bom) :].decode(encoding, errors="replace"), encoding
    declared = declared_charset(html)
    named = [c.lower() for c in (declared, transport_charset) if c]
    first = [c for c in named if c not in _DECODES_ANYTHING]
    last = [c for c in named if c in _DECODES_ANYTHING]
    # A declared Latin charset still beats the GB18030 guess: German `für` in Latin-1 bytes
    # also decodes as GB18030.
    candidates = list(dict.fromkeys([*first, "utf-8", *last, "gb18030"]))
    for encoding in candidates:
        try:
            return html.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError):
            continue
    # No clean decode. A UTF-8 page with a few broken bytes loses only those; a GBK page read
    # as UTF-8 loses nearly every Chinese character, and must not become that garbage.
    text = html.decode("utf-8", errors="replace")
    if text.count("\ufffd") <= UTF8_LOSS_SHARE * len(_NON_ASCII.findall(text)):
        return text, "utf-8"
    encoding = declared if declared and declared != "utf-8" else "gb18030"
    try:
        return html.decode(encoding, errors="replace"), encoding
    except LookupError:
        return html.decode("gb18030", errors="replace"), "gb18030"


def decode_page(html: str | bytes, transport_charset: str | None = None) -> tuple[str, str]:
    """The page as text, and the charset it was read in: ``decode_html``, then text a CMS
    served as UTF-8 but labelled Latin-1 repaired (trafilatura drops the C1 controls a wrong
    decode leaves behind)."""
    text, encoding = decode_html(html, transport_charset)
    return repair_mojibake(text), encoding


def is_binary(html: str | bytes) -> bool:
    """True for data no web page is: NUL bytes, or mostly control characters (an image, an
    archive, a PDF served as text/html)."""
    head = html[:8192]
    if isinstance(head, bytes):
        if b"\0" in head:
            return True
        controls = len(_CONTROL_BYTES.findall(head))
    else:
        if "\0" in head:
            return True
        controls = len(_CONTROL_CHARS.findall(head))
    return controls > len(head) * 0.02


# Control characters but tab, line feed, form feed and carriage return.
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f]")
_CONTROL_BYTES = re.compile(b"[\x00-\x08\x0b\x0e-\x1f]")
