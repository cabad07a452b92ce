"""A small stand-in of LINE's Messaging API for the browser tests: answers the reply, push and
loading-animation calls as LINE does and records the JSON bodies. It also answers any
`POST /slack/response/...` with 200, so a signed slash command can point its `response_url` here.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SENT = {"sentMessages": [{"id": "1", "quoteToken": "q"}]}


class LineFake:
    """Listens on a loopback port in a thread; `calls` holds (path, JSON body) in arrival order."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, object]] = []
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def _answer(self, status: int, body: object) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = raw.decode("utf-8", "replace")
                path = self.path.split("?", 1)[0]
                with fake._lock:
                    fake.calls.append((path, body))
                if path in ("/v2/bot/message/reply", "/v2/bot/message/push"):
                    self._answer(200, SENT)
                elif path == "/v2/bot/chat/loading/start":
                    self._answer(202, {})
                elif path.startswith("/slack/response/"):
                    self._answer(200, {"ok": True})
                else:
                    self._answer(404, {"message": "Not found"})

            def do_GET(self) -> None:  # noqa: N802
                self._answer(404, {"message": "Not found"})

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "LineFake":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def recorded(self) -> list[tuple[str, object]]:
        with self._lock:
            return list(self.calls)

    def wait_for(self, predicate, timeout: float = 10.0):
        """The first recorded (path, body) that `predicate` accepts, or None after `timeout` s."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for call in self.recorded():
                if predicate(*call):
                    return call
            time.sleep(0.05)
        return None
