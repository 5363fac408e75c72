"""The audit log: append-only in the database, written by the real paths (sign-in signals,
desk and portal views, exports, erasure, admin edits, billing services), read by a client's
managers on its portal (their client's part only) and by the agency's supervisors."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, InternalError, transaction
from django.test import Client as HttpClient
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from audit.services import audit_events_expire, audit_record
from billing.models import Invoice
from billing.services import credit_note_issue, invoice_issue
from customers.services import customer_erase
from routing.models import WorkItem
from tests.support.billing import plan_for
from tests.support.desk import agent_with, inbound, table_rows
from tests.support.desk import signed_in as desk_signed_in
from tests.support.factories import PASSWORD, UserFactory
from tests.support.portal import rows_of
from tests.support.tenancy import host_of, in_schema

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action


def manager_of(client) -> User:
    return UserFactory(
        role=User.Role.CLIENT, client=client, portal_role=User.PortalRole.MANAGER, language="en"
    )


def portal(client, user) -> HttpClient:
    http = HttpClient(HTTP_HOST=host_of(client))
    http.force_login(user)
    return http


def events(**where) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(**where).order_by("pk"))


# --- append-only --------------------------------------------------------------------------


def test_the_database_refuses_to_change_or_delete_an_event(two_clients):
    event = audit_record(action=Action.SIGNED_IN, client=two_clients.a)
    with pytest.raises((IntegrityError, InternalError)), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action=Action.SIGNED_OUT)
    with pytest.raises((IntegrityError, InternalError)), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == Action.SIGNED_IN


def test_only_events_past_the_retention_are_deleted(two_clients):
    old = audit_record(action=Action.SIGNED_IN, at=timezone.now() - timedelta(days=731))
    recent = audit_record(action=Action.SIGNED_IN, at=timezone.now() - timedelta(days=700))
    assert audit_events_expire() >= 1
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk=recent.pk).exists()


# --- what is recorded ---------------------------------------------------------------------


def test_sign_in_failure_success_and_sign_out_on_a_portal(two_clients):
    user = UserFactory(role=User.Role.CLIENT, client=two_clients.a)
    http = HttpClient(HTTP_HOST=host_of(two_clients.a), REMOTE_ADDR="192.0.2.7")
    http.post("/accounts/login/", {"username": user.username, "password": "wrong"})
    assert http.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    http.post("/accounts/logout/")
    recorded = events(actor_id=user.pk)
    assert [e.action for e in recorded] == [
        Action.SIGN_IN_FAILED,
        Action.SIGNED_IN,
        Action.SIGNED_OUT,
    ]
    assert {e.client_id for e in recorded} == {two_clients.a.pk}
    assert {e.site for e in recorded} == {host_of(two_clients.a)}
    assert {e.ip for e in recorded} == {"192.0.2.7"}
    assert recorded[0].details == {"username": user.username}


def test_a_failed_sign_in_with_an_unknown_name_keeps_the_name_tried(two_clients):
    http = HttpClient(HTTP_HOST=host_of(two_clients.b))
    http.post("/accounts/login/", {"username": "nobody-such", "password": "x"})
    failed = events(action=Action.SIGN_IN_FAILED, details__username="nobody-such")
    assert len(failed) == 1
    assert failed[0].actor_id is None and failed[0].client_id == two_clients.b.pk


def test_a_portal_user_viewing_a_conversation_is_recorded(two_clients):
    conversation, _item = inbound(two_clients.a, "Boty jsou rozbité.", "c1@example.cz")
    viewer = UserFactory(role=User.Role.CLIENT, client=two_clients.a)
    page = portal(two_clients.a, viewer).get(f"/conversations/{conversation.pk}/")
    assert page.status_code == 200
    [viewed] = events(actor_id=viewer.pk, action=Action.CONVERSATION_VIEWED)
    assert viewed.client_id == two_clients.a.pk
    assert viewed.object_id == str(conversation.pk)
    assert viewed.details == {"customer": conversation.customer_id}
    assert "c1@example.cz" not in str(viewed.__dict__)  # no customer's data in the log


def test_an_agent_opening_an_item_and_a_read_only_conversation_is_recorded(two_clients):
    agent = agent_with([two_clients.a], {"cs": "native"})
    conversation, item = inbound(two_clients.a, "Kde je zásilka?", "c2@example.cz")
    http = desk_signed_in(agent)
    assert http.get(f"/desk/items/{item.pk}").status_code == 200
    WorkItem.objects.filter(pk=item.pk).delete()
    link = f"/desk/clients/{two_clients.a.pk}/conversations/{conversation.pk}"
    assert http.get(link).status_code == 200
    viewed = events(actor_id=agent.pk, action=Action.CONVERSATION_VIEWED)
    assert [(e.client_id, e.object_id) for e in viewed] == [
        (two_clients.a.pk, str(conversation.pk))
    ] * 2
    assert viewed[0].site == "localhost"


def test_portal_exports_and_downloads_are_recorded(two_clients):
    user = UserFactory(role=User.Role.CLIENT, client=two_clients.a)
    http = portal(two_clients.a, user)
    assert http.get("/customers/export.csv?q=Nov").status_code == 200
    assert http.get("/conversations/export.csv?channel=email").status_code == 200
    assert http.get("/calls/export.csv").status_code == 200
    assert http.get("/conversations/export.csv?channel=pigeon").status_code == 400
    exported = events(actor_id=user.pk, action=Action.EXPORTED)
    assert [(e.object_id, e.details) for e in exported] == [
        ("customers.csv", {}),  # a typed search may name a customer: not kept
        ("conversations.csv", {"channel": "email"}),
        ("calls.csv", {}),
    ]


def test_an_invoice_issued_credited_and_downloaded_is_recorded(two_clients):
    client = two_clients.b
    plan_for(client, base_monthly_fee=Decimal("100"))
    result = invoice_issue(client=client, month=date(2026, 10, 1))
    assert result.created
    credited_by = UserFactory(role=User.Role.ADMIN)
    credit_note_issue(invoice=result.invoice, reason="Wrong fee", actor=credited_by)
    user = UserFactory(role=User.Role.CLIENT, client=client)
    assert portal(client, user).get(f"/invoices/{result.invoice.pk}/invoice.pdf").status_code == 200
    mine = events(client_id=client.pk, object_type="invoice")
    assert [(e.action, e.actor_id) for e in mine] == [
        (Action.INVOICE_ISSUED, None),
        (Action.INVOICE_CREDITED, credited_by.pk),
        (Action.INVOICE_DOWNLOADED, user.pk),
    ]
    assert mine[0].object_label == result.invoice.number
    assert mine[1].details["reason"] == "Wrong fee"
    plans = events(client_id=client.pk, action=Action.PRICE_PLAN_CHANGED)
    assert len(plans) == 1 and plans[0].details["change"] == "added"
    assert Invoice.objects.filter(client=client).count() == 2


def test_erasing_a_customer_is_recorded_once_and_not_when_rolled_back(two_clients):
    conversation, _item = inbound(two_clients.a, "Smažte mě.", "c3@example.cz")
    asked_by = UserFactory(role=User.Role.ADMIN)
    with in_schema(two_clients.a):
        with pytest.raises(RuntimeError), transaction.atomic():
            customer_erase(customer_id=conversation.customer_id, actor=asked_by)
            raise RuntimeError("the surrounding work failed")
        assert not events(action=Action.CUSTOMER_ERASED, actor_id=asked_by.pk)
        customer_erase(customer_id=conversation.customer_id, actor=asked_by)
        customer_erase(customer_id=conversation.customer_id, actor=asked_by)  # idempotent
    [erased] = events(action=Action.CUSTOMER_ERASED, actor_id=asked_by.pk)
    assert erased.client_id == two_clients.a.pk
    assert erased.object_id == str(conversation.customer_id)


def test_content_and_client_settings_edits_are_recorded(two_clients):
    admin = UserFactory(role=User.Role.ADMIN, is_staff=True, is_superuser=True)
    http = portal(two_clients.a, admin)
    data = {
        "key": "audit-late",
        "category": "delivery",
        "active": "on",
        "title_cs": "Pozdě",
        "body_cs": "Omlouváme se.",
    }
    assert http.post("/admin/content/cannedreply/add/", data).status_code == 302
    [added] = events(actor_id=admin.pk, action=Action.CONTENT_CHANGED)
    assert added.client_id == two_clients.a.pk
    assert (added.object_type, added.details) == ("cannedreply", {"change": "added"})
    agency = HttpClient(HTTP_HOST="localhost")
    agency.force_login(admin)
    form = agency.get(f"/admin/tenants/client/{two_clients.a.pk}/change/")
    assert form.status_code == 200
    payload = {
        name: value
        for name, value in form.context["adminform"].form.initial.items()
        if value is not None
    }
    payload.update(
        {
            "countries": ",".join(two_clients.a.countries),
            "languages": ",".join(two_clients.a.languages),
            "legal_name": "Client A Obuv s.r.o.",
            "domains-TOTAL_FORMS": "0",
            "domains-INITIAL_FORMS": "0",
        }
    )
    response = agency.post(f"/admin/tenants/client/{two_clients.a.pk}/change/", payload)
    assert response.status_code == 302, response.context["adminform"].form.errors
    [changed] = events(actor_id=admin.pk, action=Action.CLIENT_SETTINGS_CHANGED)
    assert changed.client_id == two_clients.a.pk
    assert "Legal name" in " ".join(changed.details["fields"])


# --- who reads it -------------------------------------------------------------------------


def _some_events(two_clients):
    """A sign-in at each client, a formula-looking name tried at A, and an agency event."""
    a_user = UserFactory(role=User.Role.CLIENT, client=two_clients.a, username="anna-a")
    b_user = UserFactory(role=User.Role.CLIENT, client=two_clients.b, username="bartek-b")
    audit_record(action=Action.SIGNED_IN, actor=a_user, client=two_clients.a)
    audit_record(action=Action.SIGNED_IN, actor=b_user, client=two_clients.b)
    # A user name a spreadsheet would run as a formula (names are not checked everywhere).
    formula = UserFactory(role=User.Role.CLIENT, client=two_clients.a, username="=cmd|'/C calc'!A0")
    audit_record(action=Action.SIGN_IN_FAILED, actor=formula, client=two_clients.a)
    audit_record(
        action=Action.INVOICE_ISSUED, client=None, object_type="invoice", label="agency-only"
    )
    return a_user, b_user


def test_a_manager_sees_their_clients_events_only_with_filters_and_csv(two_clients):
    a_user, _b_user = _some_events(two_clients)
    http = portal(two_clients.a, manager_of(two_clients.a))
    page = http.get("/audit/")
    assert page.status_code == 200
    text = page.text
    assert "anna-a" in text and "bartek-b" not in text and "agency-only" not in text
    only = http.get(f"/audit/?who={a_user.pk}&action=signed_in")
    rows = table_rows(only.text, "audit-events")
    assert len(rows) == 1 and rows[0][1] == "anna-a" and rows[0][2] == "Signed in"
    today = timezone.localdate().isoformat()
    assert len(table_rows(http.get(f"/audit/?since={today}").text, "audit-events")) >= 3
    assert "No events found." in http.get("/audit/?until=2000-01-01").text
    # Another client's user is not offered, so not asked for: the filter cannot probe them.
    b_user = User.objects.get(username="bartek-b")
    assert http.get(f"/audit/?who={b_user.pk}").status_code == 400
    csv = rows_of(http.get("/audit/export.csv"))
    cells = [cell for row in csv[1:] for cell in row]
    assert "bartek-b" not in cells and "anna-a" in cells
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)  # no formula runs
    assert any(cell.startswith("'=cmd") for cell in cells)
    # The download itself is in the log.
    assert events(client_id=two_clients.a.pk, action=Action.EXPORTED, object_id="audit.csv")


@pytest.mark.parametrize(
    "query",
    [
        "who=abc",
        "who=999999999",
        "action=hacked",
        "since=2026-13-01",
        "since=2026-05-02&until=2026-05-01",
        "page=0",
    ],
)
def test_bad_filters_are_a_400(two_clients, query):
    http = portal(two_clients.a, manager_of(two_clients.a))
    assert http.get(f"/audit/?{query}").status_code == 400
    assert http.get(f"/audit/export.csv?{query}").status_code == 400


def test_viewers_outsiders_and_strangers_are_refused_on_the_portal(two_clients):
    _some_events(two_clients)
    viewer = UserFactory(role=User.Role.CLIENT, client=two_clients.a)
    for path in ("/audit/", "/audit/export.csv"):
        assert portal(two_clients.a, viewer).get(path).status_code == 403
        # A manager of client B on client A's portal: 404, as for every portal page.
        assert portal(two_clients.a, manager_of(two_clients.b)).get(path).status_code == 404
        anonymous = HttpClient(HTTP_HOST=host_of(two_clients.a)).get(path)
        assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
        agent = agent_with([two_clients.a], {"cs": "native"})
        assert portal(two_clients.a, agent).get(path).status_code == 404
    assert "Audit log" not in portal(two_clients.a, viewer).get("/").text
    assert "Audit log" in portal(two_clients.a, manager_of(two_clients.a)).get("/").text


def test_an_admin_sees_every_clients_events_and_filters_by_client(two_clients):
    _some_events(two_clients)
    http = desk_signed_in(UserFactory(role=User.Role.ADMIN, language="en"))
    text = http.get("/desk/audit").text
    assert "anna-a" in text and "bartek-b" in text and "agency-only" in text
    rows = table_rows(http.get(f"/desk/audit?client={two_clients.b.pk}").text, "audit-events")
    assert rows and {row[3] for row in rows} == {two_clients.b.name}
    csv = rows_of(http.get(f"/desk/audit.csv?client={two_clients.a.pk}"))
    assert csv[0][:2] == ["Time", "Who"]
    assert {row[3] for row in csv[1:]} == {two_clients.a.name}
    assert http.get("/desk/audit?client=abc").status_code == 400
    assert http.get("/desk/audit?until=9999-12-31").status_code == 400  # no day after it


def test_a_supervisor_sees_only_the_clients_they_serve(two_clients):
    _some_events(two_clients)
    supervisor = agent_with([two_clients.a], {"cs": "native"}, is_staff=True)
    http = desk_signed_in(supervisor)
    text = http.get("/desk/audit").text
    assert "anna-a" in text and "bartek-b" not in text and "agency-only" not in text
    assert two_clients.b.name not in text  # not even offered as a filter
    assert http.get(f"/desk/audit?client={two_clients.b.pk}").status_code == 400
    csv = rows_of(http.get("/desk/audit.csv"))
    assert csv[1:] and {row[3] for row in csv[1:]} == {two_clients.a.name}


def test_a_client_manager_does_not_see_where_the_agency_works_from(two_clients):
    agent = agent_with([two_clients.a], {"cs": "native"})
    manager = manager_of(two_clients.a)
    with_ip = AuditEvent.objects.create(
        at=timezone.now(),
        actor_id=manager.pk,
        actor_name=manager.username,
        client=two_clients.a,
        action=Action.SIGNED_IN,
        ip="203.0.113.7",
    )
    AuditEvent.objects.create(
        at=timezone.now(),
        actor_id=agent.pk,
        actor_name=agent.username,
        client=two_clients.a,
        action=Action.SIGNED_IN,
        ip="198.51.100.9",
    )
    http = portal(two_clients.a, manager)
    page = http.get("/audit/").text
    csv = b"".join(http.get("/audit/export.csv").streaming_content).decode()
    assert with_ip.ip in page and with_ip.ip in csv  # their own people's addresses
    assert "198.51.100.9" not in page and "198.51.100.9" not in csv
    admin_page = desk_signed_in(UserFactory(role=User.Role.ADMIN)).get("/desk/audit").text
    assert "198.51.100.9" in admin_page


def test_the_agency_page_is_for_supervisors_and_admins(two_clients):
    agent = agent_with([two_clients.a], {"cs": "native"})
    for path in ("/desk/audit", "/desk/audit.csv"):
        assert desk_signed_in(agent).get(path).status_code == 403
        assert desk_signed_in(UserFactory(role=User.Role.ADMIN)).get(path).status_code == 200
        client_user = UserFactory(role=User.Role.CLIENT, client=two_clients.a)
        assert desk_signed_in(client_user).get(path).status_code == 403
        assert HttpClient(HTTP_HOST="localhost").get(path).status_code == 302


def test_the_audit_pages_are_paginated(two_clients):
    for _ in range(55):
        audit_record(action=Action.SIGNED_OUT, client=two_clients.b, label="page-test")
    http = portal(two_clients.b, manager_of(two_clients.b))
    first = table_rows(http.get("/audit/?action=signed_out").text, "audit-events")
    second = table_rows(http.get("/audit/?action=signed_out&page=2").text, "audit-events")
    assert len(first) == 50 and len(second) >= 5


def test_settings_edited_in_the_agency_admin_go_to_the_clients_log(two_clients):
    admin = UserFactory(role=User.Role.ADMIN, is_staff=True, is_superuser=True)
    agency = HttpClient(HTTP_HOST="localhost")
    agency.force_login(admin)
    closure = {
        "client": two_clients.b.pk,
        "starts_at_0": "2026-12-24",
        "starts_at_1": "00:00:00",
        "ends_at_0": "2026-12-27",
        "ends_at_1": "00:00:00",
        "reason": "Wigilia",
    }
    assert agency.post("/admin/hours/closure/add/", closure).status_code == 302
    [added] = events(actor_id=admin.pk, action=Action.CLIENT_SETTINGS_CHANGED)
    assert (added.client_id, added.object_type) == (two_clients.b.pk, "closure")
    assert added.details["change"] == "added"
    # Making a portal user a manager is a setting of their client, seen by its managers.
    viewer = UserFactory(role=User.Role.CLIENT, client=two_clients.b)
    form = agency.get(f"/admin/accounts/user/{viewer.pk}/change/")
    data = {
        name: value
        for name, value in form.context["adminform"].form.initial.items()
        if value is not None and not isinstance(value, list | tuple)
    }
    data.update(
        {
            "portal_role": "manager",
            "client": two_clients.b.pk,
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "skills-TOTAL_FORMS": "0",
            "skills-INITIAL_FORMS": "0",
        }
    )
    data.pop("last_login", None)
    response = agency.post(f"/admin/accounts/user/{viewer.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    viewer.refresh_from_db()
    assert viewer.portal_role == User.PortalRole.MANAGER
    changed = events(actor_id=admin.pk, object_type="user")
    assert len(changed) == 1 and changed[0].client_id == two_clients.b.pk
    assert "Portal role" in changed[0].details["fields"]
