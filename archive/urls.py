"""Site and URL identity: which site a URL is on, and the one form that says which article it is.

A site is a host without ``www.``, however it was reached: neither the scheme nor the port
names another site (a demo served on a busy port's neighbour is the same demo). ``url``
columns keep what was fetched; ``url_hash`` (``archive.urlset``) hashes the identity form made
here, so ``?utm_source=`` copies, ``//`` paths, fragments, ports and differently
percent-encoded spellings of one page are one article.
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
        parts.port  # noqa: B018 (a malformed port makes the URL no http(s) URL of ours)
    except ValueError:
        return text
    host = parts.hostname.rstrip(".").lower()
    if ":" in host:
        host = f"[{host}]"
    netloc = host
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


def site_host(url: str) -> str | None:
    """The site of an http(s) URL: its host in lower case without ``www.`` or a trailing dot;
    None for anything else."""
    parts = urlsplit(url.strip())
    try:
        parts.port  # noqa: B018 (a malformed port: no site)
    except ValueError:
        return None
    if parts.scheme.lower() not in _DEFAULT_PORTS or not parts.hostname:
        return None
    return _bare(parts.hostname)


def _bare(host: str) -> str:
    return host.rstrip(".").lower().removeprefix("www.")


def same_site(url: str, other: str) -> bool:
    """True when both URLs are http(s) on one site (``site_host``)."""
    mine = site_host(url)
    return mine is not None and mine == site_host(other)


def on_hosts(url: str, hosts: tuple[str, ...]) -> bool:
    """True when ``url`` is http(s) on the site of one of ``hosts`` (a profile's domains)."""
    mine = site_host(url)
    return mine is not None and any(mine == _bare(host) for host in hosts)


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
