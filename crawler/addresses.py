"""Internal addresses: loopback, private, link-local and reserved hosts a crawl may not reach."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

Origin = tuple[str, str, int]
"""(scheme, host, port) of a URL: what "the same site" means for the internal-address rule."""

_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin(url: str) -> Origin | None:
    """The URL's origin, with the scheme's default port filled in; None when it has no host."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        return None
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        return None
    return parts.scheme.lower(), host, port or _DEFAULT_PORTS.get(parts.scheme.lower(), 0)


def is_internal(address: str) -> bool:
    """True for an IP address no public site lives at (IPv4-mapped IPv6 judged as IPv4)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_reserved
            or ip.is_multicast or ip.is_unspecified or not ip.is_global)


def literal_address(host: str) -> str | None:
    """The host as an IP address when it is written as one (``[::1]``, ``127.1``, ``0x7f.1``)."""
    host = host.strip("[]")
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    # Short and hex/octal IPv4 forms that resolvers accept (127.1, 0x7f000001, 017700000001).
    try:
        return socket.inet_ntoa(socket.inet_aton(host))
    except OSError:
        return None
