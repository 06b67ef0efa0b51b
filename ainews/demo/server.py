"""Serve the demo sites on 127.0.0.1, one port per site, from background threads."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import threading
import time
from collections.abc import Sequence
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Protocol
from urllib.parse import unquote, urlsplit

from ainews.demo.content import DemoArticle
from ainews.demo.site import Response, build_sites

logger = logging.getLogger(__name__)

DEFAULT_PORTS = {"demo-daily": 8701, "demo-wp": 8702, "demo-portal": 8703}


class ServedSite(Protocol):
    """What the server serves: a demo site or a zoo site."""

    articles: list[DemoArticle]

    @property
    def name(self) -> str:
        """The site's name."""
        ...

    def render(self, path: str, base_url: str) -> Response:
        """The response for ``path`` (with its query)."""
        ...


class _Handler(BaseHTTPRequestHandler):
    server: _SiteServer

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        # The query stays: zoo sites put their article ids there (/?p=123, view.php?id=88).
        path = unquote(parts.path) + (f"?{parts.query}" if parts.query else "")
        self.server.requests.append(path)
        if self.server.delay_s:
            time.sleep(self.server.delay_s)
        response = self.server.site.render(path, self.server.base_url)
        # Validators like a real server's, so revisits can be answered 304 Not Modified.
        etag = '"' + hashlib.sha1(response.body).hexdigest()[:16] + '"'
        if response.status == 200 and self.headers.get("If-None-Match") == etag:
            self.server.statuses.append((path, 304))
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.server.statuses.append((path, response.status))
        self.send_response(response.status)
        self.send_header("ETag", etag)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        # A crawler that went away (stopped, killed) has nothing more to be told.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(response.body)

    def log_message(self, format: str, *args: object) -> None:
        logger.debug("demo %s: " + format, self.server.site.name, *args)


class _SiteServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, site: ServedSite, port: int, delay_s: float) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.site = site
        self.delay_s = delay_s
        self.requests: list[str] = []
        self.statuses: list[tuple[str, int]] = []
        self.base_url = f"http://127.0.0.1:{self.server_address[1]}"


class DemoServer:
    """The three demo sites served on loopback; use as a context manager."""

    def __init__(
        self,
        ports: dict[str, int] | None = None,
        *,
        delay_s: float = 0.0,
        sites: Sequence[ServedSite] | None = None,
        now: datetime | None = None,
    ) -> None:
        """Bind every site; a port of 0 picks a free one."""
        self.sites = {site.name: site for site in (sites or build_sites(now))}
        ports = ports if ports is not None else DEFAULT_PORTS
        self._servers: dict[str, _SiteServer] = {}
        try:
            for name, site in self.sites.items():
                self._servers[name] = _SiteServer(site, ports.get(name, 0), delay_s)
        except OSError:
            for server in self._servers.values():  # release the ports already bound
                server.server_close()
            raise
        self._threads: list[threading.Thread] = []

    def base_url(self, site: str) -> str:
        """Return ``http://127.0.0.1:PORT`` of ``site``."""
        return self._servers[site].base_url

    def requests(self, site: str) -> list[str]:
        """Paths requested from ``site`` so far, in order."""
        return list(self._servers[site].requests)

    def statuses(self, site: str) -> list[tuple[str, int]]:
        """(path, HTTP status) of every response ``site`` sent so far, in order."""
        return list(self._servers[site].statuses)

    def start(self) -> DemoServer:
        """Start serving in daemon threads."""
        for server in self._servers.values():
            thread = threading.Thread(target=server.serve_forever, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        """Stop serving and close the sockets."""
        for server in self._servers.values():
            server.shutdown()
            server.server_close()

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
