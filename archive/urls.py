"""URL identity: the one form of a URL that says which article it is.

``url`` columns keep what was fetched; ``url_hash`` (``archive.urlset``) hashes the identity
form made here, so ``?utm_source=`` copies, ``//`` paths, fragments, default ports and
differently percent-encoded spellings of one page are one article.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from w3lib.url import canonicalize_url, url_query_cleaner

# Query parameters that say who sent the reader, never which page they read: campaign tags,
# click ids, and the share markers of Chinese portals and apps (spm, from=timeline...).
_TRACKING_EXACT = frozenset((
    "fbclid", "gclid", "dclid", "yclid", "msclkid", "mc_cid", "mc_eid", "_hsenc", "_hsmi",
    "igshid", "spm", "scm", "from", "wfr", "tt_from", "share_token", "share_source",
    "sharer_sharetime", "sharer_shareid", "isappinstalled", "scene", "clicktime",
    "enterid", "ref", "ref_src", "src", "source", "share", "shareid", "timestamp",
))
_TRACKING_PREFIX = ("utm_", "pk_", "mtm_", "hmsr", "hmpl", "hmcu", "hmkw", "hmci")
_SLASHES = re.compile(r"/{2,}")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_EXACT or lowered.startswith(_TRACKING_PREFIX)


def identity_url(url: str) -> str:
    """The identity form of ``url``: what two URLs of the same page share.

    w3lib's ``canonicalize_url`` sorts the query, normalises percent-encoding and drops the
    fragment; on top of it tracking parameters, default ports, duplicate slashes, a trailing
    dot of the host and letter case of scheme and host go. Not an http(s) URL: returned as is.
    """
    text = url.strip()
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return text
    try:
        port = parts.port
    except ValueError:
        return text
    host = parts.hostname.rstrip(".").lower()
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    if parts.username or parts.password:
        netloc = f"{parts.username or ''}:{parts.password or ''}@{netloc}"
    path = _SLASHES.sub("/", parts.path) or "/"
    rebuilt = urlunsplit((scheme, netloc, path, parts.query, ""))
    if parts.query:
        names = {pair.partition("=")[0] for pair in parts.query.split("&")}
        dropped = [name for name in names if _tracking(name)]
        if dropped:
            rebuilt = url_query_cleaner(rebuilt, dropped, remove=True, unique=False)
    return str(canonicalize_url(rebuilt))


def _site_key(url: str) -> tuple[str, int] | None:
    """(host without ``www.``, port) of an http(s) URL; None for anything else."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        return None
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    return parts.hostname.rstrip(".").lower().removeprefix("www."), port or _DEFAULT_PORTS[scheme]


def same_site(url: str, other: str) -> bool:
    """True when both URLs are on one site: the same host (``www.`` aside) and port, where
    http and https on their default ports count as one (a canonical moving to https)."""
    mine, theirs = _site_key(url), _site_key(other)
    if mine is None or theirs is None or mine[0] != theirs[0]:
        return False
    return mine[1] == theirs[1] or {mine[1], theirs[1]} <= set(_DEFAULT_PORTS.values())


def article_identity(url: str, canonical_url: str | None = None) -> str:
    """The identity of the article fetched from ``url``: its ``<link rel=canonical>`` when
    that stays on the same site, else the fetched URL, either in ``identity_url`` form.

    A canonical naming a folder above the page (the home page, ``/news/``) is a template's
    mistake, not a statement that the article is that page: it would merge every article.
    """
    if canonical_url and same_site(url, canonical_url):
        theirs = urlsplit(canonical_url).path or "/"
        mine = urlsplit(url).path or "/"
        if not (theirs.endswith("/") and mine != theirs and mine.startswith(theirs)):
            return identity_url(canonical_url)
    return identity_url(url)
