"""Pages whose server declares the wrong charset are read by what their bytes are, through the
extractor and through a real fetch from a server on 127.0.0.1."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from extractor import ExtractOptions, extract_article
from tests.conftest import REPO, answer

TITLE = "县域工厂引入大模型质检系统"
SENTENCE = "今年以来，当地持续推进人工智能技术在制造业中的应用，多家企业完成了生产线改造。"
TRADITIONAL_TITLE = "縣域工廠引入大模型質檢系統"
TRADITIONAL_SENTENCE = "今年以來，當地持續推進人工智慧技術在製造業中的應用。"
HTML = (f"<html><head><title>{TITLE}</title></head><body><h1>{TITLE}</h1>"
        f"<p>{SENTENCE * 5}</p></body></html>")
# (path, bytes, Content-Type): what the server sends
PAGES = {
    "/gbk-labelled-utf8.html": (HTML.encode("gbk"), "text/html; charset=utf-8"),
    "/utf8-labelled-latin1.html": (HTML.encode("utf-8"), "text/html; charset=iso-8859-1"),
    "/big5-header-only.html": (HTML.replace(TITLE, TRADITIONAL_TITLE)
                               .replace(SENTENCE, TRADITIONAL_SENTENCE)
                               .encode("big5"), "text/html; charset=big5"),
}


@pytest.mark.parametrize(("path", "charset"), [
    ("/gbk-labelled-utf8.html", "utf-8"),
    ("/utf8-labelled-latin1.html", "iso-8859-1"),
    ("/big5-header-only.html", "big5"),
])
def test_the_bytes_win_over_a_wrong_declared_charset(path, charset):
    body, _ = PAGES[path]
    article = extract_article(body, None, ExtractOptions(charset=charset))
    assert article is not None
    assert article.title in (TITLE, TRADITIONAL_TITLE)
    assert "\ufffd" not in article.text and "人工智" in article.text


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/robots.txt":
            body, kind = b"User-agent: *\nAllow: /\n", "text/plain"
        elif self.path in PAGES:
            body, kind = PAGES[self.path]
        else:
            self.send_error(404)
            return
        answer(self, body, kind)

    def log_message(self, *args: object) -> None:
        pass


def test_fetch_reads_mislabelled_pages_from_a_real_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        ainews = str(Path(sys.executable).parent / "ainews")
        done = subprocess.run([ainews, "fetch", *(base + p for p in PAGES), "--json",
                               "--no-archive"], capture_output=True, text=True, cwd=REPO,
                              timeout=120, check=False)
    finally:
        server.shutdown()
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert len(rows) == len(PAGES)
    for row in rows:
        assert row["title"] in (TITLE, TRADITIONAL_TITLE), row["url"]
        assert "\ufffd" not in row["text"] and "人工智" in row["text"]
