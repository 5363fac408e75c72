"""The agency's revenue page: revenue and cost per client and language, for agency admins only."""

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import User
from billing.services import invoice_issue
from tests.support.billing import plan_for, record, utc
from tests.support.factories import UserFactory
from tests.support.portal import signed_in_at as signed_in
from tests.support.tenancy import host_of

pytestmark = pytest.mark.django_db
OCT = date(2026, 10, 1)
NOW = utc(2026, 11, 2, 8)


@pytest.fixture
def invoices(two_clients):
    """An October invoice for each client, with usage in several languages."""
    found = {}
    for key, client in (("a", two_clients.a), ("b", two_clients.b)):
        plan_for(
            client,
            date(2026, 1, 1),
            base_monthly_fee=Decimal("1500"),
            price_per_email=Decimal("35"),
            telephony_margin_percent=Decimal("10"),
            surcharges=[("Slovak", ["sk"], Decimal("10"))],
        )
        language = client.languages[0]
        record(
            client, "email_answered", 1, utc(2026, 10, 5, 9), language=language, key=f"view-{key}-1"
        )
        record(
            client,
            "email_answered",
            1,
            utc(2026, 10, 6, 9),
            language=client.languages[1],
            key=f"view-{key}-2",
        )
        record(
            client,
            "telephony_cost",
            "12.40",
            utc(2026, 10, 6, 9),
            language=language,
            currency=client.currency,
            key=f"view-{key}-3",
        )
        found[key] = invoice_issue(client=client, month=OCT, now=NOW).invoice
    return found


@pytest.fixture
def users(two_clients):
    return {
        "a": UserFactory(role=User.Role.CLIENT, client=two_clients.a, language="cs"),
        "b": UserFactory(role=User.Role.CLIENT, client=two_clients.b),
        "agent": UserFactory(role=User.Role.AGENT),
        "admin": UserFactory(role=User.Role.ADMIN, is_staff=True, is_superuser=True),
    }


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
