"""Who may export and erase a customer, on the desk (supervisors and agency admins serving the
client) and on the portal (the client's managers): everyone else is refused."""

import io
import json
import zipfile

import pytest
from django.test import Client as HttpClient

from accounts.models import User
from audit.models import AuditEvent
from customers.models import Customer
from tests.support.desk import agent_with
from tests.support.desk import signed_in as desk_signed_in
from tests.support.factories import CustomerFactory, UserFactory
from tests.support.portal import signed_in as portal_signed_in
from tests.support.tenancy import host_of, in_schema

pytestmark = pytest.mark.django_db

EMAIL = "marta@posta.example"


@pytest.fixture
def customer(two_clients) -> Customer:
    with in_schema(two_clients.a):
        return CustomerFactory(name="Marta Nová", email=EMAIL)


def desk_urls(client, customer) -> tuple[str, str, str]:
    base = f"/desk/clients/{client.pk}/customers/{customer.pk}"
    return base, f"{base}/export", f"{base}/erase"


def portal_user(client, role) -> User:
    return UserFactory(role=User.Role.CLIENT, client=client, portal_role=role, language="en")


def unzipped(response) -> dict:
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    return json.loads(archive.read("customer.json"))


def erased(client, customer) -> bool:
    with in_schema(client):
        return Customer.objects.get(pk=customer.pk).erased_at is not None


def test_a_supervisor_exports_and_erases_on_the_desk(two_clients, customer):
    supervisor = agent_with([two_clients.a], {"cs": "native"}, is_staff=True, language="en")
    http = desk_signed_in(supervisor)
    page, export, erase = desk_urls(two_clients.a, customer)
    assert 'id="customer-export"' in http.get(page).text

    response = http.post(export)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert int(response["Content-Length"]) > 0
    assert f"customer-{customer.pk}-" in response["Content-Disposition"]
    assert unzipped(response)["customer"]["email"] == EMAIL

    confirmation = http.get(erase)
    assert confirmation.status_code == 200
    assert "What stays" in confirmation.text and EMAIL in confirmation.text
    wrong = http.post(erase, {"confirm": "someone@else.example"})
    assert wrong.status_code == 400 and not erased(two_clients.a, customer)
    done = http.post(erase, {"confirm": f" {EMAIL.upper()} "}, follow=True)
    assert "personal data was erased" in done.text and erased(two_clients.a, customer)
    again = http.post(erase, {"confirm": EMAIL}, follow=True)
    assert "already erased" in again.text

    events = AuditEvent.objects.filter(client=two_clients.a, object_id=str(customer.pk)).exclude(
        action="customer_viewed"  # opening the page: its own test below
    )
    assert sorted(events.values_list("action", "actor_id", "site", "details__via")) == [
        ("customer_erased", supervisor.pk, "localhost", "desk"),
        ("exported", supervisor.pk, "localhost", "desk"),
    ]


def test_an_agent_gets_the_refusal_page(two_clients, customer):
    http = desk_signed_in(agent_with([two_clients.a], {"cs": "native"}, language="en"))
    page, export, erase = desk_urls(two_clients.a, customer)
    assert 'id="customer-export"' not in http.get(page).text
    assert http.post(export).status_code == 403
    assert http.get(erase).status_code == 403
    assert http.post(erase, {"confirm": EMAIL}).status_code == 403
    assert not erased(two_clients.a, customer)


def test_a_supervisor_of_another_client_gets_a_404(two_clients, customer):
    http = desk_signed_in(agent_with([two_clients.b], {"pl": "native"}, is_staff=True))
    _, export, erase = desk_urls(two_clients.a, customer)
    assert http.post(export).status_code == 404
    assert http.post(erase, {"confirm": EMAIL}).status_code == 404
    assert not erased(two_clients.a, customer)


def test_a_portal_manager_exports_and_erases(two_clients, customer):
    manager = portal_user(two_clients.a, User.PortalRole.MANAGER)
    http = portal_signed_in(two_clients.a, manager)
    page = http.get(f"/customers/{customer.pk}/")
    assert page.status_code == 200 and 'id="customer-export"' in page.text
    assert f'href="/customers/{customer.pk}/"' in http.get("/customers/").text

    response = http.post(f"/customers/{customer.pk}/export")
    assert response.status_code == 200
    assert unzipped(response)["customer"]["name"] == "Marta Nová"
    assert http.get(f"/customers/{customer.pk}/erase").status_code == 200
    done = http.post(f"/customers/{customer.pk}/erase", {"confirm": EMAIL}, follow=True)
    assert done.status_code == 200 and erased(two_clients.a, customer)
    assert "Erased customer" in done.text

    events = AuditEvent.objects.filter(client=two_clients.a, object_type="customer").exclude(
        action="customer_viewed"
    )
    assert sorted(events.values_list("action", "actor_id", "site", "details__via")) == [
        ("customer_erased", manager.pk, host_of(two_clients.a), "portal"),
        ("exported", manager.pk, host_of(two_clients.a), "portal"),
    ]


def test_a_customer_without_an_e_mail_is_confirmed_with_the_word_shown(two_clients):
    with in_schema(two_clients.a):
        phone_only = CustomerFactory(email="", phone="+420600111222")
    http = portal_signed_in(two_clients.a, portal_user(two_clients.a, User.PortalRole.MANAGER))
    assert "ERASE" in http.get(f"/customers/{phone_only.pk}/erase").text
    http.post(f"/customers/{phone_only.pk}/erase", {"confirm": "erase"})
    assert erased(two_clients.a, phone_only)


def test_a_portal_viewer_sees_the_customer_but_may_not_export_or_erase(two_clients, customer):
    http = portal_signed_in(two_clients.a, portal_user(two_clients.a, User.PortalRole.VIEWER))
    page = http.get(f"/customers/{customer.pk}/")
    assert page.status_code == 200 and 'id="customer-export"' not in page.text
    assert http.post(f"/customers/{customer.pk}/export").status_code == 403
    assert http.get(f"/customers/{customer.pk}/erase").status_code == 403
    assert http.post(f"/customers/{customer.pk}/erase", {"confirm": EMAIL}).status_code == 403
    assert not erased(two_clients.a, customer)


def test_another_clients_manager_gets_a_404(two_clients, customer):
    outsider = portal_user(two_clients.b, User.PortalRole.MANAGER)
    http = HttpClient(HTTP_HOST=host_of(two_clients.a))
    http.force_login(outsider)
    for path in ("", "export", "erase"):
        assert http.post(f"/customers/{customer.pk}/{path}", {"confirm": EMAIL}).status_code == 404
    assert not erased(two_clients.a, customer)


def test_an_unknown_customer_is_a_404(two_clients):
    http = portal_signed_in(two_clients.a, portal_user(two_clients.a, User.PortalRole.MANAGER))
    assert http.get("/customers/999999/").status_code == 404
    assert http.post("/customers/999999/export").status_code == 404


def test_opening_a_customers_page_is_in_the_audit_log_by_id(two_clients, customer):
    """Who looked at whose contact details, on the portal and on the desk: the customer's
    id only, never their name."""
    viewer = portal_user(two_clients.a, User.PortalRole.VIEWER)
    http = portal_signed_in(two_clients.a, viewer)
    assert http.get(f"/customers/{customer.pk}/").status_code == 200
    supervisor = agent_with([two_clients.a], {"cs": "native"}, is_staff=True)
    desk = HttpClient(HTTP_HOST="localhost")
    desk.force_login(supervisor)
    assert desk.get(desk_urls(two_clients.a, customer)[0]).status_code == 200
    events = AuditEvent.objects.filter(action="customer_viewed", object_id=str(customer.pk))
    assert sorted(events.values_list("actor_id", "client_id", "object_label")) == sorted(
        [(viewer.pk, two_clients.a.pk, ""), (supervisor.pk, two_clients.a.pk, "")]
    )
    assert all("Marta" not in str(event.details) for event in events)
