"""Answers that are not GitHub's: an HTML page, JSON of the wrong shape, a body of hundreds of megabytes.
Each ends in exit 3 with one line saying which request got what, no traceback, memory bounded.

The server here is deliberately not the sandbox: it is a misconfigured proxy or a wrong --api-url."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.engine_helpers import run_brik
from wizard.github.answer_guard import MAX_ANSWER_BYTES

pytestmark = pytest.mark.slow

TOKEN_ENV = {"GH_TOKEN": "ghp_" + "a1" * 18}


class _Handler(BaseHTTPRequestHandler):
    mode = "html"

    def log_message(self, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        mode = type(self).mode
        if mode == "html":
            body = b"<html><body>Sign in to the corporate proxy</body></html>"
            self._send(200, "text/html; charset=utf-8", body)
        elif mode == "wrong-types":
            if self.path.startswith("/user"):
                self._send(200, "application/json", json.dumps({"login": ["not", "a", "name"]}).encode(), scopes=True)
            else:
                self._send(200, "application/json", json.dumps({"id": "x", "default_branch": 5, "owner": 7}).encode())
        elif mode == "announced-huge":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(200 * 1024 * 1024))
            self.end_headers()
            self.wfile.write(b"{")  # then nothing: the client must not wait for 200 MB
        elif mode == "endless":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"[" + b"0," * (512 * 1024)
            try:
                for _ in range(400):  # up to ~400 MB, sent only as fast as the client reads
                    self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            except (BrokenPipeError, ConnectionResetError):
                return

    def _send(self, status: int, content_type: str, body: bytes, scopes: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if scopes:
            self.send_header("X-OAuth-Scopes", "repo, workflow, admin:org")
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def bad_server() -> Iterator[tuple[str, type[_Handler]]]:
    handler = type("Handler", (_Handler,), {})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    ("mode", "fragment"),
    [
        ("html", "text/html, HTTP 200 where the API answers JSON"),
        ("wrong-types", "without the fields the API describes"),
        ("announced-huge", "an answer of 200 MiB"),
        ("endless", f"over the {MAX_ANSWER_BYTES // (1024 * 1024)} MiB limit"),
    ],
)
def test_an_answer_that_is_not_githubs_is_one_clear_line(bad_server: tuple[str, type[_Handler]], mode: str, fragment: str) -> None:
    url, handler = bad_server
    handler.mode = mode
    res = run_brik("status", "--repo", "o/svc", "--api-url", url, env=TOKEN_ENV)
    assert res.returncode == 3, (res.returncode, res.stderr)
    assert fragment in res.stderr
    assert "not a GitHub API answer" in res.stderr and "--api-url" in res.stderr
    assert "Traceback" not in res.stderr
    assert TOKEN_ENV["GH_TOKEN"] not in res.stdout + res.stderr
    assert len([line for line in res.stderr.splitlines() if line.strip()]) <= 2
