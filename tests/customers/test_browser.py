"""A subject access request and an erasure in a real browser: a client's manager opens a
customer on the portal, downloads their data (a zip, opened here: customer.json, the
attachment, the call's recording from the fake Twilio), erases them after typing their
e-mail, and finds both in the portal's audit log. A supervisor sees the same on the desk."""

import json
import os
import zipfile
from pathlib import Path

import pytest
from django.db import connection
from playwright.sync_api import expect

from accounts.models import User
from conversations.attachments import IncomingFile
from conversations.models import Conversation
from conversations.services import conversation_open_inbound
from customers.models import Customer
from routing.models import WorkItem
from telephony.voice.models import Call, RecordingDeletion
from tests.support.browser import second_step, served_and_browsed
from tests.support.factories import PASSWORD, UserFactory
from tests.support.tenancy import host_of, in_schema

pytestmark = pytest.mark.slow

EMAIL = "sar-browser@posta.example"
RECORDING = "RE" + "5" * 32
RECORDING_URL = f"https://api.twilio.com/2010-04-01/Accounts/AC123/Recordings/{RECORDING}"


def _audit_truncate() -> None:
    """The events this test committed: rows refuse DELETE (a trigger, on purpose)."""
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditevent")


def _screenshots(page, name: str) -> None:
    """For a person's look (never committed): at 1280 and 1920 px wide, in
    POLYDESK_SCREENSHOTS when set."""
    if not os.environ.get("POLYDESK_SCREENSHOTS"):
        return
    folder = Path(os.environ["POLYDESK_SCREENSHOTS"])
    folder.mkdir(parents=True, exist_ok=True)
    for width in (1280, 1920):
        page.set_viewport_size({"width": width, "height": 1000})
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_manager_exports_and_erases_a_customer_and_reads_it_in_the_audit_log(
    two_clients, django_db_blocker, twilio, tmp_path
):
    twilio.recording_add(RECORDING, b"ID3 the call's audio")
    with django_db_blocker.unblock():
        _walk(two_clients.a, twilio, tmp_path)


def _walk(a, twilio, tmp_path) -> None:
    """Committed data (the server thread has its own connection), the pages, the clean-up."""
    _audit_truncate()
    manager = UserFactory(
        role=User.Role.CLIENT, client=a, portal_role=User.PortalRole.MANAGER, language="en"
    )
    supervisor = UserFactory(role=User.Role.AGENT, is_staff=True, language="en")
    supervisor.served_clients.set([a])
    with in_schema(a):
        conversation = conversation_open_inbound(
            client=a,
            channel="email",
            subject="Reklamace kabátu",
            text="Dobrý den, kabát se po týdnu roztrhl.",
            customer_email=EMAIL,
            customer_name="Alena Kabátová",
            files=[IncomingFile("foto.jpg", "image/jpeg", b"\xff\xd8 the torn coat")],
        ).conversation
        customer = conversation.customer
        Customer.objects.filter(pk=customer.pk).update(phone="+420603000999")
        other = Customer.objects.create(name="Petr Dlouhý", email="sar-desk@posta.example")
        call = Call.objects.create(
            call_sid="CA-sar-browser",
            from_number="+420603000999",
            to_number="+420221111111",
            language="cs",
            ringing_at=conversation.created_at,
            customer=customer,
            recording_url=RECORDING_URL,
        )
    host = host_of(a)
    try:
        with served_and_browsed() as (port, browser):
            base = f"http://{host}:{port}"
            page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
            page.goto(f"{base}/customers/")
            page.get_by_label("Uživatelské jméno").fill(manager.username)
            page.get_by_label("Heslo").fill(PASSWORD)
            page.get_by_role("button", name="Přihlásit").click()
            page.get_by_role("link", name="Alena Kabátová").click()
            expect(page.locator("#customer-card")).to_contain_text(EMAIL)
            expect(page.locator("#customer-conversations")).to_contain_text("Reklamace kabátu")
            _screenshots(page, "portal-customer")

            with page.expect_download() as download:
                page.get_by_role("button", name="Export their data (zip)").click()
            saved = tmp_path / download.value.suggested_filename
            download.value.save_as(saved)
            assert saved.name.startswith(f"customer-{customer.pk}-")
            with zipfile.ZipFile(saved) as archive:
                data = json.loads(archive.read("customer.json"))
                (message,) = data["conversations"][0]["messages"]
                assert message["text"] == "Dobrý den, kabát se po týdnu roztrhl."
                assert archive.read(message["attachments"][0]["file"]) == b"\xff\xd8 the torn coat"
                assert archive.read(data["calls"][0]["recording"]["file"]) == (
                    b"ID3 the call's audio"
                )
                assert "Osobní údaje" in archive.read("README.txt").decode()

            page.get_by_role("link", name="Erase their personal data…").click()
            expect(page.locator("#erase-goes")).to_contain_text("recordings and voicemails")
            expect(page.locator("#erase-stays")).to_contain_text(f"customer no. {customer.pk}")
            _screenshots(page, "portal-erase-confirm")
            page.get_by_label("Type it to confirm").fill("not-her@posta.example")
            page.get_by_role("button", name="Erase the customer's personal data").click()
            expect(page.locator("#erase-refusal")).to_contain_text("nothing was erased")
            _screenshots(page, "portal-erase-refused")
            page.get_by_label("Type it to confirm").fill(EMAIL)
            page.get_by_role("button", name="Erase the customer's personal data").click()
            expect(page.locator("#portal-message")).to_contain_text("personal data was erased")
            expect(page.locator("#customer-name")).to_contain_text("Erased customer")
            expect(page.locator("#customer-card")).not_to_contain_text(EMAIL)
            _screenshots(page, "portal-customer-erased")

            page.get_by_role("link", name="Audit log").click()
            rows = page.locator("#audit-events tbody tr")
            exported = rows.filter(has_text="Exported a customer's data")
            expect(exported).to_have_count(1)
            expect(exported).to_contain_text(f"Customer #{customer.pk}")
            expect(exported).to_contain_text(manager.username)
            erased = rows.filter(has_text="Erased a customer")
            expect(erased).to_have_count(1)
            expect(erased).to_contain_text(f"Customer #{customer.pk}")
            expect(page.locator("#audit-events")).not_to_contain_text("Kabátová")
            _screenshots(page, "portal-audit-log")
            page.close()

            # The desk: a supervisor's customer page and confirmation (screenshots; the
            # rules are tests/customers/test_views.py).
            desk = browser.new_page(viewport={"width": 1280, "height": 900})
            desk.goto(f"http://localhost:{port}/desk/clients/{a.pk}/customers/{customer.pk}")
            desk.get_by_label("User name").fill(supervisor.username)
            desk.get_by_label("Password").fill(PASSWORD)
            desk.get_by_role("button", name="Sign in").click()
            second_step(desk, supervisor.username)  # supervisors must have two factors
            expect(desk.locator("#customer-data-card")).to_contain_text("Erased on")
            _screenshots(desk, "desk-customer-erased")
            desk.goto(f"http://localhost:{port}/desk/clients/{a.pk}/customers/{other.pk}")
            _screenshots(desk, "desk-customer")
            desk.get_by_role("link", name="Erase their personal data…").click()
            expect(desk.locator("#erase-word")).to_have_text("sar-desk@posta.example")
            _screenshots(desk, "desk-erase-confirm")
            desk.close()
        assert twilio.deleted() == [RECORDING]
        with in_schema(a):
            assert RecordingDeletion.objects.get(recording_sid=RECORDING).deleted_at is not None
    finally:
        WorkItem.objects.filter(client=a, source_id__in=[conversation.pk, call.pk]).delete()
        with in_schema(a):
            RecordingDeletion.objects.filter(recording_sid=RECORDING).delete()
            Call.objects.filter(pk=call.pk).delete()
            Conversation.objects.filter(pk=conversation.pk).delete()
            Customer.objects.filter(pk__in=[customer.pk, other.pk]).delete()
        User.objects.filter(pk__in=[manager.pk, supervisor.pk]).delete()
        _audit_truncate()
