"""A real server and a real browser for page tests: the project's WSGI app in a thread,
Debian's chromium driven by Playwright (no browser download)."""

import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from playwright.sync_api import Browser, Page, sync_playwright

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
