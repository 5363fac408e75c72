"""A small local stand-in for Twilio's REST API: answers queued per path, records requests.

Recordings are kept like Twilio keeps them: ``recording_add`` puts one on the account, GET
``Recordings/{sid}.mp3`` serves its audio, DELETE ``Recordings/{sid}.json`` removes it (204)
and a second DELETE, like one of a recording never made, gets 404. A queued answer for a
path comes first (Twilio down: queue a 503).
"""

import json
import re
import threading
from collections import defaultdict, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

_RECORDING = re.compile(r"/Accounts/[^/]+/Recordings/([^/.]+)\.(json|mp3)$")


class FakeTwilio:
    def __init__(self) -> None:
        self.answers: dict[str, deque[tuple[int, dict]]] = defaultdict(deque)
        self.requests: list[tuple[str, str, dict]] = []
        self.recordings: dict[str, bytes] = {}
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode()) if length else {}
                fake.requests.append((method, self.path, {k: v[0] for k, v in form.items()}))
                queue = fake.answers.get(self.path)
                if queue:
                    status, body = queue.popleft()
                else:
                    status, body = fake._recording_answer(method, self.path)
                if status == 204:
                    self.send_response(204)
                    self.end_headers()
                    return
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

            def do_DELETE(self) -> None:
                self._answer("DELETE")

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(self, path: str, status: int, body: dict | tuple[str, bytes]) -> None:
        """Queue an answer for ``path``: JSON, or (content type, bytes) for a medium."""
        self.answers[path].append((status, body))

    def recording_add(self, sid: str, audio: bytes) -> None:
        """A recording Twilio keeps for the account until it is deleted."""
        self.recordings[sid] = audio

    def deleted(self) -> list[str]:
        """The recordings' SIDs DELETE was asked for, in order (answered or not)."""
        return [
            match.group(1)
            for method, path, _ in self.requests
            if method == "DELETE" and (match := _RECORDING.search(path))
        ]

    def _recording_answer(self, method: str, path: str) -> tuple[int, dict | tuple[str, bytes]]:
        match = _RECORDING.search(path)
        if match is None or match.group(1) not in self.recordings:
            return 404, {"code": 20404, "message": "The requested resource was not found"}
        sid, extension = match.groups()
        if method == "DELETE" and extension == "json":
            del self.recordings[sid]
            return 204, {}
        if method == "GET" and extension == "mp3":
            return 200, ("audio/mpeg", self.recordings[sid])
        return 404, {"code": 20404, "message": "The requested resource was not found"}

    def __enter__(self) -> "FakeTwilio":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
