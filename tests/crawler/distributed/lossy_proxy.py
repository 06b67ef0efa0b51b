"""An HTTP proxy in front of an S3 server that loses the answers to some commits.

Run as a process of its own (``python -m tests.crawler.distributed.lossy_proxy UPSTREAM RULE LOG``):
delta-rs holds the GIL while it waits for S3, so a proxy thread in the test's process would
never answer. It forwards every request; for the ones ``RULE`` picks it throws the answer away
(the request took effect, the client never hears so) and appends the request to ``LOG``.
Rules: ``first`` (the first PUT of a Delta log entry), ``every:N`` (every Nth such PUT),
``random:P:SEED`` (each such PUT with probability P).
"""

from __future__ import annotations

import http.client
import http.server
import random
import sys
import threading
from urllib.parse import urlsplit


def _log_put(method: str, path: str) -> bool:
    return method == "PUT" and "/_delta_log/" in path and path.split("?")[0].endswith(".json")


def main() -> None:
    """Serve until killed; print the port first."""
    upstream, rule, log = sys.argv[1], sys.argv[2], sys.argv[3]
    target = urlsplit(upstream)
    counter = {"puts": 0}
    lock = threading.Lock()
    kind, _, rest = rule.partition(":")
    rng = random.Random(int(rest.split(":")[1]) if kind == "random" else 0)

    def drop(method: str, path: str) -> bool:
        if not _log_put(method, path):
            return False
        with lock:
            counter["puts"] += 1
            n = counter["puts"]
            if kind == "first":
                return n == 1
            if kind == "every":
                return n % int(rest) == 0
            return rng.random() < float(rest.split(":")[0])

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _forward(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            connection = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
            headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
            headers["Host"] = target.netloc
            connection.request(self.command, self.path, body=body, headers=headers)
            answer = connection.getresponse()
            payload = answer.read()
            if drop(self.command, self.path):
                with lock, open(log, "a", encoding="utf-8") as stream:
                    stream.write(f"{self.command} {self.path}\n")
                self.close_connection = True
                self.connection.close()  # the request happened; its answer is lost
                return
            self.send_response(answer.status, answer.reason)
            for key, value in answer.getheaders():
                if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _forward

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
