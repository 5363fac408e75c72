"""The agency's revenue page: revenue and cost per client and language, for agency admins only."""

from datetime import date

import pytest

from accounts.models import User
from billing.models import BillingMail
from tests.support.billing import billing_users, october_invoices_issue, utc
from tests.support.factories import UserFactory
from tests.support.portal import signed_in_at as signed_in
from tests.support.tenancy import host_of

pytestmark = pytest.mark.django_db
OCT = date(2026, 10, 1)
NOW = utc(2026, 11, 2, 8)


@pytest.fixture
def invoices(two_clients):
    return october_invoices_issue(two_clients)


@pytest.fixture
def users(two_clients):
    return billing_users(two_clients)


def test_the_agency_sees_revenue_and_cost_per_client_and_language(two_clients, users, invoices):
    http = signed_in(users["admin"], "localhost")

    page = http.get("/billing/?month=2026-10")

    assert page.status_code == 200
    text = page.text
    assert "Client A Obuv" in text and "Client B Sklep" in text
    assert "1,587.14" in text  # A's invoice, in CZK
    per_language = text[text.index('id="per-language"') :]
    assert "sk" in per_language and "pl" in per_language


def test_agents_and_client_users_do_not_see_the_revenue_page(two_clients, users):
    agent = signed_in(users["agent"], "localhost")
    client_user = signed_in(users["a"], host_of(two_clients.a))

    assert agent.get("/billing/").status_code == 403
    assert client_user.get("/billing/", HTTP_HOST="localhost").status_code == 403


def test_a_supervisor_runs_queues_but_does_not_see_the_agencys_revenue(users):
    supervisor = UserFactory(role=User.Role.AGENT, is_staff=True)
    assert signed_in(supervisor, "localhost").get("/billing/").status_code == 403
    assert signed_in(users["admin"], "localhost").get("/billing/").status_code == 200


def test_failed_invoice_e_mails_are_counted_on_the_page_with_a_link_to_them(users, invoices):

    http = signed_in(users["admin"], "localhost")
    # The two clients have no billing e-mail: each invoice's mail failed at once, with the
    # reason; a mail sent is not counted.
    BillingMail.objects.create(invoice=invoices["a"], kind="reminder", level=1, state="sent")

    text = http.get("/billing/?month=2026-10").text

    line = text[text.index('id="failed-mails"') :]
    assert "Invoice e-mails failed: 2" in line[:300]
    assert "/admin/billing/billingmail/?state__exact=failed" in line[:300]
    BillingMail.objects.filter(kind="invoice").update(state="sent", last_error="")
    assert 'id="failed-mails"' not in http.get("/billing/?month=2026-10").text
