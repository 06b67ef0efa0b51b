"""Fixed responses by path on a loopback port: hostile pages for tests, big sites for benches."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ALLOW_ALL_ROBOTS = (b"User-agent: *\nAllow: /\n", "text/plain")


class StaticServer:
    """Serve ``pages`` (path → (body, content type)) on 127.0.0.1 from a daemon thread."""

    def __init__(self, pages: Mapping[str, tuple[bytes, str]]) -> None:
        """Bind a free port and start serving; robots.txt allows everything unless given."""
        served = {"/robots.txt": ALLOW_ALL_ROBOTS, **pages}

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                body, ctype = served.get(self.path, (b"not found", "text/plain"))
                self.send_response(200 if self.path in served else 404)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        """Stop serving and release the port."""
        self.httpd.shutdown()
        self.httpd.server_close()
