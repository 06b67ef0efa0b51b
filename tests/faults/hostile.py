"""A hostile web site on loopback: redirects anywhere, drips, bombs and huge pages, per path."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARTICLE = (
    "<html><head><meta charset='utf-8'><title>{title}</title></head><body>"
    "<h1>{title}</h1><p class='meta'>作者:测试员 发布时间:2026-11-20 10:00</p>"
    "<div class='content'>{paragraphs}</div></body></html>"
)


@dataclass
class Reply:
    """What one path answers."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=lambda: {
        "Content-Type": "text/html; charset=utf-8"})
    drip_s: float = 0.0
    """Seconds between bytes (a slow-drip server)."""


def article(title: str) -> Reply:
    """An article page a crawl would archive."""
    paragraphs = "".join(
        f"<p>{title}的第{n}段正文，讲述模型训练第{n}步与推理的细节和数据，研究团队在实验中"
        f"比较了{n * 3}种不同的设置，并公开了全部评测结果与复现所需的代码。</p>"
        for n in range(1, 13))
    return Reply(body=ARTICLE.format(title=title, paragraphs=paragraphs).encode("utf-8"))


def redirect(location: str, status: int = 302) -> Reply:
    """A redirect to ``location``."""
    return Reply(status=status, headers={"Location": location})


def meta_refresh(location: str) -> Reply:
    """An HTML page that refreshes to ``location``."""
    body = f"<html><head><meta http-equiv='refresh' content='0; url={location}'></head></html>"
    return Reply(body=body.encode())


def gzip_bomb(megabytes: int) -> Reply:
    """A small gzip body that inflates to ``megabytes`` MiB of zeros."""
    body = gzip.compress(b"\0" * (megabytes << 20), compresslevel=9)
    return Reply(body=body, headers={"Content-Type": "text/html", "Content-Encoding": "gzip"})


class HostileServer:
    """Serve ``routes`` (path → Reply or a callable returning one) on ``host``, a free port.

    Every request's path is recorded in ``requests``; unknown paths are 404.
    """

    def __init__(self, routes: dict[str, Reply | Callable[[], Reply]] | None = None,
                 host: str = "127.0.0.1") -> None:
        """Bind now; serve from a background thread inside ``with``."""
        self.routes = dict(routes or {})
        self.requests: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.requests.append(self.path)
                route = outer.routes.get(self.path)
                reply = route() if callable(route) else route
                if reply is None:
                    reply = Reply(status=404, body=b"not found")
                self.send_response(reply.status)
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                try:
                    if reply.drip_s:
                        for byte in reply.body:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                            time.sleep(reply.drip_s)
                    else:
                        self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, format: str, *args: object) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

        self._server = Server((host, 0), Handler)
        self.host = host
        self.port = self._server.server_address[1]
        self.base_url = f"http://{host}:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        """The absolute URL of ``path`` on this server."""
        return self.base_url + path

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
