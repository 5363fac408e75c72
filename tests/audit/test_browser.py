"""The audit log in a real browser: a client's manager signs in, opens a customer's
conversation, and finds both in the portal's audit log, filters it and downloads it as CSV;
an agency admin sees the events of two clients on the desk."""

import csv
import io

import pytest
from django.db import connection
from playwright.sync_api import expect

from accounts.models import User
from audit.models import AuditEvent
from audit.services import audit_record
from conversations.models import Conversation
from conversations.services import conversation_open_inbound
from customers.models import Customer
from routing.models import WorkItem
from tests.support.browser import second_step, served_and_browsed
from tests.support.factories import PASSWORD, UserFactory
from tests.support.tenancy import host_of, in_schema

pytestmark = pytest.mark.slow


def _audit_truncate() -> None:
    """The events this test committed: rows refuse DELETE (a trigger, on purpose)."""
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditevent")


def test_a_manager_and_an_agency_admin_read_the_audit_log(two_clients, django_db_blocker, tmp_path):
    a, b = two_clients.a, two_clients.b
    with django_db_blocker.unblock():
        _walk(a, b, tmp_path)


def _walk(a, b, tmp_path) -> None:
    """Committed data, the pages walked, and the clean-up (the server thread has its own
    connection: what it shows must be committed). Other browser tests of this worker's
    database committed events of their own (a desk view, a spam mark): gone first."""
    _audit_truncate()
    manager = UserFactory(
        role=User.Role.CLIENT, client=a, portal_role=User.PortalRole.MANAGER, language="en"
    )
    admin = UserFactory(role=User.Role.ADMIN, language="en")
    b_user = UserFactory(role=User.Role.CLIENT, client=b, language="en")
    audit_record(action=AuditEvent.Action.SIGNED_IN, actor=b_user, client=b)
    with in_schema(a):
        conversation = conversation_open_inbound(
            client=a,
            channel="email",
            subject="Reklamace",
            text="Dobrý den, podrážka se odlepila.",
            customer_email="audit-browser@example.cz",
        ).conversation
    url_a = host_of(a)
    try:
        with served_and_browsed() as (port, browser):
            page = browser.new_page()
            base = f"http://{url_a}:{port}"
            page.goto(f"{base}/conversations/{conversation.pk}/")
            page.get_by_label("Uživatelské jméno").fill(manager.username)
            page.get_by_label("Heslo").fill(PASSWORD)
            page.get_by_role("button", name="Přihlásit").click()
            expect(page.get_by_text("podrážka se odlepila")).to_be_visible()

            page.get_by_role("link", name="Audit log").click()
            rows = page.locator("#audit-events tbody tr")
            expect(
                rows.filter(has_text="Signed in").filter(has_text=manager.username)
            ).to_have_count(1)
            viewed = rows.filter(has_text="Viewed a conversation")
            expect(viewed).to_have_count(1)
            expect(viewed).to_contain_text(f"Conversation #{conversation.pk}")
            expect(page.locator("#audit-events")).not_to_contain_text(b_user.username)

            page.locator("#audit-filters select[name=action]").select_option("conversation_viewed")
            page.get_by_role("button", name="Filter").click()
            expect(rows).to_have_count(1)
            expect(rows.first).to_contain_text("Viewed a conversation")
            with page.expect_download() as download:
                page.locator("#audit-csv").click()
            saved = tmp_path / "audit.csv"
            download.value.save_as(saved)
            lines = list(csv.reader(io.StringIO(saved.read_text("utf-8-sig"))))
            assert lines[0][:3] == ["Time", "Who", "Site"]
            assert [line[4] for line in lines[1:]] == ["conversation_viewed"]
            assert lines[1][1] == manager.username
            page.close()

            page = browser.new_page()
            page.goto(f"http://localhost:{port}/desk/audit")
            page.get_by_label("User name").fill(admin.username)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            second_step(page, admin.username)  # an agency admin enrols first
            table = page.locator("#audit-events")
            expect(table).to_contain_text(a.name)
            expect(table).to_contain_text(b.name)
            page.locator("#audit-filters select[name=client]").select_option(str(b.pk))
            page.get_by_role("button", name="Filter").click()
            expect(page.locator("#audit-events tbody tr")).to_have_count(1)
            expect(table).to_contain_text(b_user.username)
            page.close()
    finally:
        WorkItem.objects.filter(client=a, source_id=conversation.pk).delete()
        with in_schema(a):
            customer_id = conversation.customer_id
            Conversation.objects.filter(pk=conversation.pk).delete()
            Customer.objects.filter(pk=customer_id).delete()
        User.objects.filter(pk__in=[manager.pk, admin.pk, b_user.pk]).delete()
        _audit_truncate()
