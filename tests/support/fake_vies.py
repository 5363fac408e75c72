"""A small local stand-in for the EU's VIES REST API (``POST /check-vat-number``): answers as
VIES does, from a table of known VAT ids; a member state can be made unavailable, an answer
delayed or replaced by a raw body (a broken proxy)."""

import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeVies:
    def __init__(self) -> None:
        # "DE136695976" -> (name, address); any other id is answered valid: false.
        self.registered: dict[str, tuple[str, str]] = {}
        self.unavailable: set[str] = set()  # member states answering MS_UNAVAILABLE
        self.raw: tuple[int, bytes] | None = None  # the next answers, as they are
        self.delay = 0.0
        self.requests: list[dict] = []
        self._numbers = itertools.count(1)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw_body = self.rfile.read(length)
                if fake.delay:
                    time.sleep(fake.delay)
                status, payload = fake._answer(self.path, raw_body)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = (
            f"http://127.0.0.1:{self.server.server_address[1]}/taxation_customs/vies/rest-api"
        )
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _answer(self, path: str, raw_body: bytes) -> tuple[int, bytes]:
        if self.raw is not None:
            return self.raw
        if not path.endswith("/check-vat-number"):
            return 404, b'{"error": "not found"}'
        try:
            body = json.loads(raw_body)
            country, number = body["countryCode"], body["vatNumber"]
        except (ValueError, KeyError, TypeError):
            return 400, _errors("INVALID_INPUT", "The provided CountryCode is invalid")
        self.requests.append(body)
        if country in self.unavailable:
            return 200, json.dumps(
                {
                    "countryCode": country,
                    "vatNumber": number,
                    "valid": False,
                    "userError": "MS_UNAVAILABLE",
                    "requestDate": _now(),
                }
            ).encode()
        known = self.registered.get(country + number)
        answer = {
            "countryCode": country,
            "vatNumber": number,
            "requestDate": _now(),
            "valid": known is not None,
            "userError": "VALID" if known else "INVALID",
            "name": known[0] if known else "---",
            "address": known[1] if known else "---",
        }
        if body.get("requesterNumber"):
            answer["requestIdentifier"] = f"WAPIAAAAZ{next(self._numbers):08d}"
        return 200, json.dumps(answer).encode()

    def __enter__(self) -> "FakeVies":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def _errors(code: str, message: str) -> bytes:
    return json.dumps(
        {"actionSucceed": False, "errorWrappers": [{"error": code, "message": message}]}
    ).encode()


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
