"""A small local stand-in for Twilio's REST API: answers queued per path, records requests."""

import json
import threading
from collections import defaultdict, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


class FakeTwilio:
    def __init__(self) -> None:
        self.answers: dict[str, deque[tuple[int, dict]]] = defaultdict(deque)
        self.requests: list[tuple[str, str, dict]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode()) if length else {}
                fake.requests.append((method, self.path, {k: v[0] for k, v in form.items()}))
                queue = fake.answers.get(self.path)
                status, body = queue.popleft() if queue else (404, {"message": "not found"})
                if isinstance(body, tuple):  # (content type, bytes): a medium, not JSON
                    content_type, payload = body
                else:
                    content_type, payload = "application/json", json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self) -> None:
                self._answer("GET")

            def do_POST(self) -> None:
                self._answer("POST")

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(self, path: str, status: int, body: dict | tuple[str, bytes]) -> None:
        """Queue an answer for ``path``: JSON, or (content type, bytes) for a medium."""
        self.answers[path].append((status, body))

    def __enter__(self) -> "FakeTwilio":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
