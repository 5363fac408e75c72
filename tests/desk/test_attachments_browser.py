"""Files in a real browser: an agent sees a customer's photo and PDF on the thread, opens
the photo and downloads the PDF, has a program refused with the typed text kept, attaches a
PDF to the reply and sends it, and sees the reply's file on the thread."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import User
from conversations.attachments import IncomingFile, attachment_store
from conversations.models import Conversation
from conversations.services import conversation_open_inbound
from demo.files import parcel_photo_png, receipt_pdf
from languages.services import agent_skills_set
from routing.models import AgentState, WorkItem
from tests.support.billing import billing_tables_truncate
from tests.support.browser import served_and_browsed, wait_until
from tests.support.factories import PASSWORD, UserFactory
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.slow
PHOTO = parcel_photo_png(seed=4)
PDF = receipt_pdf(shop="Client A Obuv", order="Objednávka č. 2026-77", lines=[("Boty", "990 Kč")])
LABEL = receipt_pdf(shop="Client A Obuv", order="Štítek pro vrácení", lines=[("Zásilka", "1")])


@pytest.fixture(scope="module")
def thread(two_clients, django_db_blocker):
    with django_db_blocker.unblock():
        agent = UserFactory(role=User.Role.AGENT, language="cs")
        agent_skills_set(agent=agent, skills={"cs": "native"})
        agent.served_clients.set([two_clients.a])
        with in_schema(two_clients.a):
            inbound = conversation_open_inbound(
                client=two_clients.a,
                channel="email",
                subject="Rozbitá krabice",
                text="Dobrý den, krabice přišla rozbitá. Posílám fotku a účtenku.",
                customer_email="browser-files@example.cz",
            )
            attachment_store(
                message=inbound.message, file=IncomingFile("krabice.png", "image/png", PHOTO)
            )
            attachment_store(
                message=inbound.message, file=IncomingFile("účtenka.pdf", "application/pdf", PDF)
            )
        conversation = inbound.conversation
        item = WorkItem.objects.get(
            client=two_clients.a, source_kind="conversation", source_id=conversation.pk
        )
        WorkItem.objects.filter(pk=item.pk).update(agent=agent, status="assigned")
        try:
            with served_and_browsed() as (port, browser):
                yield {
                    "url": f"http://localhost:{port}",
                    "browser": browser,
                    "agent": agent.username,
                    "item": item.pk,
                }
        finally:
            WorkItem.objects.filter(pk=item.pk).delete()
            with in_schema(two_clients.a):
                customer = conversation.customer
                Conversation.objects.filter(pk=conversation.pk).delete()
                customer.delete()
            AgentState.objects.filter(agent=agent).delete()
            agent.delete()
            # The replies it sent wrote committed usage entries; the ledger refuses DELETE, so
            # TRUNCATE (the next test must not find them).
            billing_tables_truncate()


def test_an_agent_sees_opens_and_sends_files(thread, tmp_path):
    page = thread["browser"].new_page(
        viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page.goto(thread["url"] + "/")
    page.get_by_label("User name").fill(thread["agent"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{thread['url']}/desk/items/{thread['item']}")

    # The customer's photo is previewed (a real picture the browser decoded), the PDF listed.
    files = page.locator(".message.in .attachments")
    expect(files).to_contain_text("krabice.png")
    expect(files).to_contain_text("účtenka.pdf")
    preview = files.locator("img.attachment-preview")
    expect(preview).to_be_visible()
    wait_until(page, "document.querySelector('img.attachment-preview').naturalWidth > 0")
    assert preview.evaluate("image => image.naturalWidth") == 320
    _screenshots(page, tmp_path, "thread")

    with page.expect_download() as download:
        files.get_by_role("link", name="účtenka.pdf").click()
    assert download.value.suggested_filename == "účtenka.pdf"
    assert Path(download.value.path()).read_bytes() == PDF

    # A program is refused; what the agent typed is still in the box.
    page.locator("#reply-text").fill("Dobrý den, posíláme štítek pro vrácení.")
    page.locator("#reply-files").set_input_files(
        [{"name": "štítek.exe", "mimeType": "application/pdf", "buffer": b"MZ" + LABEL}]
    )
    page.get_by_role("button", name="Odeslat").click()
    expect(page.locator("#reply-errors")).to_contain_text("štítek.exe: programy a skripty")
    expect(page.locator("#reply-text")).to_have_value("Dobrý den, posíláme štítek pro vrácení.")
    expect(page.locator(".message.out")).to_have_count(0)

    page.locator("#reply-files").set_input_files(
        [{"name": "štítek.pdf", "mimeType": "application/pdf", "buffer": LABEL}]
    )
    page.get_by_role("button", name="Odeslat").click()
    reply = page.locator(".message.out")
    expect(reply).to_contain_text("Dobrý den, posíláme štítek pro vrácení.")
    expect(reply.locator(".attachments")).to_contain_text("štítek.pdf")
    with page.expect_download() as download:
        reply.get_by_role("link", name="štítek.pdf").click()
    assert Path(download.value.path()).read_bytes() == LABEL
    _screenshots(page, tmp_path, "replied")
    page.close()


def _screenshots(page, folder: Path, name: str) -> None:
    """For a person's look (never committed): the thread at 1280 and 1920 px wide, kept in
    the test's temporary folder, or POLYDESK_SCREENSHOTS when set."""
    folder = Path(os.environ.get("POLYDESK_SCREENSHOTS") or folder)
    folder.mkdir(parents=True, exist_ok=True)
    for width in (1280, 1920):
        page.set_viewport_size({"width": width, "height": 1000})
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
