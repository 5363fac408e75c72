"""The demo's webhook receiver (demo.webhook_receiver): Polydesk's signed deliveries verify
with the secret the seeding hands it, one log line each; a forged, stale or broken delivery
is logged "verified no" and refused; the log is readable on its page; it runs without
Django as its own process (Procfile `hooks`)."""

import json
import os
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from http.server import ThreadingHTTPServer

import pytest
import requests
from django.utils import timezone
from standardwebhooks import Webhook

from config import env
from core.events import webhook_event_emit
from demo.webhook_receiver import ReceiverHandler, log_path
from demo.webhooks import secrets_write
from outbox.models import Delivery
from outbox.services import delivery_send
from tests.support.tenancy import in_schema
from webhooks.services import endpoint_create, secret_new


@pytest.fixture
def receiver(tmp_path, monkeypatch):
    monkeypatch.setattr(env, "VAR_DIR", tmp_path)
    server = ThreadingHTTPServer(("127.0.0.1", 0), ReceiverHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def log_lines() -> list[str]:
    return log_path().read_text(encoding="utf-8").splitlines()


@pytest.mark.django_db
def test_polydesks_deliveries_verify_and_each_is_one_line_of_the_log(two_clients, receiver):
    client = two_clients.a
    with in_schema(client):
        endpoint = endpoint_create(url=f"{receiver}/hooks", events=["invoice.issued"])
        webhook_event_emit(client, "invoice.issued", {"invoice_id": 41})
    secrets_write([endpoint.secret])
    assert oct(os.stat(env.VAR_DIR / "demo-webhook-secret").st_mode & 0o777) == "0o600"
    row = Delivery.objects.get(client=client, channel="webhook")
    with in_schema(client):
        assert delivery_send(delivery_id=row.pk, now=timezone.now()) == "sent"

    [line] = log_lines()
    assert "invoice.issued" in line and "verified yes" in line and "invoice #41" in line
    page = requests.get(f"{receiver}/", timeout=5)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/plain")
    assert line in page.text and "var/demo-webhooks.log" in page.text


def test_a_forged_stale_or_broken_delivery_is_logged_unverified_and_refused(receiver):
    secret = secret_new()
    secrets_write([secret])
    body = json.dumps({"type": "message.created", "data": {"text": "Ahoj\x00\n<b>x</b>"}})
    now = datetime.now(UTC)

    def post(signer: str, at: datetime, data: str = body, webhook_id: str = "msg_1"):
        headers = {
            "webhook-id": webhook_id,
            "webhook-timestamp": str(int(at.timestamp())),
            "webhook-signature": Webhook(signer).sign(webhook_id, at, data),
        }
        return requests.post(f"{receiver}/hooks", data=data.encode(), headers=headers, timeout=5)

    assert post(secret, now).status_code == 204
    assert post(secret_new(), now).status_code == 401  # another secret
    assert post(secret, datetime.fromtimestamp(now.timestamp() - 3600, UTC)).status_code == 401
    assert post(secret, now, data="{not json", webhook_id="msg_\x01x").status_code == 401
    unsigned = requests.post(f"{receiver}/hooks", data=b"{}", timeout=5)
    assert unsigned.status_code == 401
    # A body announced too big is refused unread.
    host, port = receiver.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as raw:
        raw.sendall(b"POST /hooks HTTP/1.1\r\nHost: x\r\nContent-Length: 9999999\r\n\r\nx")
        assert raw.recv(100).startswith(b"HTTP/1.0 413")
    assert requests.get(f"{receiver}/elsewhere", timeout=5).status_code == 404

    lines = log_lines()
    assert [line.split("verified ")[1].split()[0] for line in lines] == [
        "yes",
        "no",
        "no",
        "no",
        "no",
    ]
    assert "text: Ahoj <b>x</b>" in lines[0]  # one line: no NUL, no line break
    assert "?  msg_ x  verified no  not JSON" in lines[3]
    assert all("\x00" not in line for line in lines)


def test_during_a_rotation_either_secret_verifies(receiver):
    old, new = secret_new(), secret_new()
    secrets_write([new, old])
    now = datetime.now(UTC)
    body = '{"type":"invoice.issued","data":{"invoice_id":1}}'
    headers = {
        "webhook-id": "msg_2",
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(old).sign("msg_2", now, body),
    }
    assert requests.post(f"{receiver}/hooks", data=body, headers=headers, timeout=5).ok


def test_the_procfile_process_starts_without_django_and_shows_its_log(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "demo.webhook_receiver"],
        env={
            **os.environ,
            "POLYDESK_DEMO_HOOKS_PORT": str(port),
            "POLYDESK_VAR_DIR": str(tmp_path),
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        for _ in range(100):
            try:
                page = requests.get(f"http://127.0.0.1:{port}/", timeout=1)
                break
            except requests.ConnectionError:
                assert process.poll() is None, "the receiver's process ended"
                time.sleep(0.1)
        else:
            pytest.fail("the receiver did not listen")
        assert "Nothing received yet." in page.text
    finally:
        process.terminate()
        output = process.communicate(timeout=10)[0]
    assert f"webhook receiver on http://127.0.0.1:{port}/" in output, output
