"""The demo's webhook receiver on 127.0.0.1: a client's own system hearing Polydesk's events.

``POST /hooks`` checks each delivery's signature (Standard Webhooks, the ``standardwebhooks``
library) with the endpoint's secret, which the demo's seeding writes to
``var/demo-webhook-secret`` (one secret a line: during a rotation the old one too), and
appends one line per delivery to ``var/demo-webhooks.log``: when, the event's type, its
webhook-id, whether the signature verified, and a short summary. It answers 204 to a
verified delivery and 401 to one that is not (Polydesk then retries it). ``GET /`` shows the
log, newest first, as plain text. Django-free: it reads the files and nothing else.

Run by ``make demo`` as the Procfile's ``hooks`` process: ``python -m demo.webhook_receiver``
(port ``POLYDESK_DEMO_HOOKS_PORT``, 8027).
"""

import contextlib
import json
import logging
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from standardwebhooks import Webhook

from config import env

log = logging.getLogger("polydesk.webhook_receiver")
MAX_BYTES = 1_000_000  # a delivery is a few kB; anything bigger is refused unread
SHOWN_LINES = 500
_write_lock = threading.Lock()


def secret_path() -> Path:
    return env.VAR_DIR / "demo-webhook-secret"


def log_path() -> Path:
    return env.VAR_DIR / "demo-webhooks.log"


def _clean(text: object, length: int = 80) -> str:
    """One line, printable, at most ``length`` characters (hostile input stays harmless)."""
    flat = " ".join("".join(c if c.isprintable() else " " for c in str(text)).split())
    return flat if len(flat) <= length else flat[: length - 1] + "…"


def secrets_read() -> list[str]:
    try:
        lines = secret_path().read_text().split()
    except OSError:
        return []
    return [line for line in lines if line.startswith("whsec_")]


def verified(body: bytes, headers: dict[str, str], secrets: list[str]) -> bool:
    """Whether the signature verifies with one of ``secrets`` (and the timestamp is recent)."""
    for secret in secrets:
        try:
            Webhook(secret).verify(body, headers)
        except Exception as error:  # WebhookVerificationError, or a malformed secret
            log.debug("Not verified with one secret: %s", error)
            continue
        return True
    return False


def summary(body: bytes) -> tuple[str, str]:
    """The event's type and a short summary of its data."""
    try:
        event = json.loads(body)
        data = event.get("data") or {}
        kind = str(event.get("type") or "?")
    except (ValueError, AttributeError):
        return "?", "not JSON"
    if not isinstance(data, dict):
        return kind, "no data"
    parts = []
    for key in ("conversation_id", "message_id", "invoice_id", "call_id", "survey_id"):
        if data.get(key) is not None:
            parts.append(f"{key.removesuffix('_id')} #{data[key]}")
    for key in ("subject", "text", "outcome", "rating", "reason"):
        if data.get(key) not in (None, ""):
            parts.append(f"{key}: {_clean(data[key], 60)}")
    return kind, "; ".join(parts) or "-"


def line_for(body: bytes, headers: dict[str, str], ok: bool, at: datetime) -> str:
    kind, said = summary(body)
    webhook_id = _clean(headers.get("webhook-id", ""), 60) or "-"
    stamp = at.strftime("%Y-%m-%d %H:%M:%S")
    return (
        f"{stamp} UTC  {_clean(kind, 40)}  {webhook_id}  verified {'yes' if ok else 'no'}  {said}"
    )


def line_append(line: str) -> None:
    path = log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with _write_lock, path.open("a", encoding="utf-8") as file:
        file.write(line + "\n")


def page() -> str:
    try:
        lines = log_path().read_text(encoding="utf-8").splitlines()
    except OSError:
        lines = []
    shown = "\n".join(reversed(lines[-SHOWN_LINES:])) or "Nothing received yet."
    return (
        f"Polydesk demo: webhook deliveries received ({len(lines)} in all, newest first)\n"
        f"Log file: var/{log_path().name}\n\n{shown}\n"
    )


class ReceiverHandler(BaseHTTPRequestHandler):
    def _send(self, status: int, text: str = "") -> None:
        payload = text.encode()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    def do_POST(self) -> None:
        if self.path.split("?")[0] != "/hooks":
            self._send(404, "Not found.\n")
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BYTES:
            self._send(413, "Too large.\n")
            return
        body = self.rfile.read(length)
        headers = {key.lower(): value for key, value in self.headers.items()}
        ok = verified(body, headers, secrets_read())
        line = line_for(body, headers, ok, datetime.now(UTC))
        line_append(line)
        log.info("%s", line)
        self._send(204 if ok else 401, "" if ok else "Signature not verified.\n")

    def do_GET(self) -> None:
        if self.path.split("?")[0] != "/":
            self._send(404, "Not found.\n")
            return
        self._send(200, page())

    def log_message(self, *args) -> None:
        pass


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    server = ThreadingHTTPServer(("127.0.0.1", env.demo_hooks_port()), ReceiverHandler)
    log.info("webhook receiver on http://127.0.0.1:%s/ (log)", server.server_address[1])
    server.serve_forever()


if __name__ == "__main__":
    main()
