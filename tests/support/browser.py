"""A real server and a real browser for page tests: the project's WSGI app in a thread,
Debian's chromium driven by Playwright (no browser download)."""

import base64
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page, sync_playwright

from tests.support.two_factor import code_of, totp_code

CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def served_and_browsed() -> Iterator[tuple[int, Browser]]:
    """(port, browser). The server thread has its own database connection, so what the
    test shows it must be committed. Inside, make no ORM calls in the test's thread:
    Playwright's event loop makes Django refuse them."""
    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=False)
    server.set_app(StaticFilesHandler(WSGIHandler()))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=shutil.which("chromium"), args=CHROMIUM_FLAGS
            )
            try:
                yield server.server_address[1], browser
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()


def wait_until(page: Page, expression: str, *, timeout: float = 15) -> None:
    """Wait until a JavaScript expression is true on the page. Playwright's own
    ``wait_for_function`` builds its predicate with ``eval``, which the pages'
    Content-Security-Policy refuses (no 'unsafe-eval'); ``evaluate`` goes through the
    browser's debugging protocol, which the policy does not govern."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false after {timeout} s: {expression}"
        page.wait_for_timeout(100)


def in_another_thread(work) -> None:
    """ORM calls are refused in the test's thread while Playwright runs; a plain thread
    has its own connection and commits, so the server sees the row."""
    failures: list[BaseException] = []

    def run():
        from django.db import connection

        try:
            work()
        except BaseException as error:  # reported in the test's thread
            failures.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    assert not failures, failures


def second_step(page, username: str) -> None:
    """After the password: a code from the user's app when the code page asks (the code
    made in another thread: no ORM calls here), or, when the enrolment page does (agency
    admins and supervisors must have two factors), enrol as a person would: the key read
    off the page, its first code typed, the recovery codes acknowledged."""
    page.wait_for_load_state()
    path = page.url.split("://", 1)[1].split("/", 1)[1].split("?")[0]
    if path == "accounts/two-factor/code/":
        codes: list[str] = []
        in_another_thread(
            lambda: codes.append(
                code_of(TOTPDevice.objects.get(user__username=username, confirmed=True))
            )
        )
        page.locator("input[name=code]").fill(codes[0])
        page.locator("main form button[type=submit]").click()
    elif path == "accounts/two-factor/enrol/":
        secret = page.locator("#two-factor-secret").inner_text().replace(" ", "")
        key_hex = base64.b32decode(secret + "=" * (-len(secret) % 8)).hex()
        page.locator("input[name=code]").fill(totp_code(key_hex))
        page.locator("main form button[type=submit]").click()
        page.locator("#recovery-codes").wait_for()
        page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
