"""Billing pages: each client sees its own invoices only; the agency sees revenue and cost."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from accounts.models import User
from billing.services import invoice_issue
from tests.billing.conftest import plan_for, record, utc
from tests.conftest import host_of
from tests.factories import UserFactory
from tests.tenants.test_isolation import signed_in

pytestmark = pytest.mark.django_db
OCT = date(2026, 10, 1)
NOW = utc(2026, 11, 2, 8)


@pytest.fixture
def invoices(two_clients):
    """An October invoice for each client, with usage in several languages."""
    found = {}
    for key, client in (("a", two_clients.a), ("b", two_clients.b)):
        plan_for(client, date(2026, 1, 1), base_monthly_fee=Decimal("1500"),
                 price_per_email=Decimal("35"), telephony_margin_percent=Decimal("10"),
                 surcharges=[("Slovak", ["sk"], Decimal("10"))])  # fmt: skip
        language = client.languages[0]
        record(client, "email_answered", 1, utc(2026, 10, 5, 9), language=language,
               key=f"view-{key}-1")  # fmt: skip
        record(client, "email_answered", 1, utc(2026, 10, 6, 9), language=client.languages[1],
               key=f"view-{key}-2")  # fmt: skip
        record(client, "telephony_cost", "12.40", utc(2026, 10, 6, 9), language=language,
               currency=client.currency, key=f"view-{key}-3")  # fmt: skip
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


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_a_client_sees_its_invoices_lines_and_csv(two_clients, users, invoices):
    invoice = invoices["a"]
    http = signed_in(users["a"], host_of(two_clients.a))

    listing = http.get("/invoices/")
    detail = http.get(f"/invoices/{invoice.pk}/")
    lines = csv_rows(http.get(f"/invoices/{invoice.pk}/lines.csv"))
    usage = csv_rows(http.get("/invoices/usage.csv?month=2026-10"))

    assert listing.status_code == 200 and invoice.number in listing.text
    assert "Faktury" in listing.text and "Měsíční paušál" in detail.text  # the user's language
    assert invoices["b"].number not in listing.text
    assert detail.status_code == 200
    # 1500 + 2 x 35 + 10 % of the Slovak e-mail + 12.40 telephony + 1.24 margin
    assert invoice.total == Decimal("1587.14")
    assert [row[2] for row in lines[1:]] == ["base_fee", "emails", "language_surcharge",
                                             "telephony", "telephony_margin"]  # fmt: skip
    assert sum(Decimal(row[11]) for row in lines[1:]) == invoice.total
    assert [row[2] for row in usage[1:]] == ["email_answered", "email_answered",
                                             "telephony_cost"]  # fmt: skip
    assert "agent" not in usage[0]


def test_another_clients_invoice_is_404_on_every_path(two_clients, users, invoices):
    theirs = invoices["a"]
    http = signed_in(users["b"], host_of(two_clients.b))

    for path in (f"/invoices/{theirs.pk}/", f"/invoices/{theirs.pk}/lines.csv"):
        response = http.get(path)
        assert response.status_code == 404, path
        assert theirs.number not in response.content.decode()
    usage = csv_rows(http.get("/invoices/usage.csv?month=2026-10"))
    assert [row[5] for row in usage[1:]] == ["pl", "en", "pl"]  # B's own three rows


def test_a_session_on_another_clients_domain_never_shows_its_invoices(two_clients, users, invoices):
    http = signed_in(users["a"], host_of(two_clients.a))

    for path in ("/invoices/", f"/invoices/{invoices['a'].pk}/",
                 f"/invoices/{invoices['b'].pk}/lines.csv"):  # fmt: skip
        response = http.get(path, HTTP_HOST=host_of(two_clients.b))
        assert response.status_code == 404, path


def test_a_bad_month_is_a_404_not_an_error(two_clients, users):
    http = signed_in(users["a"], host_of(two_clients.a))
    assert http.get("/invoices/usage.csv?month=October").status_code == 404


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


def test_a_ledger_cell_that_looks_like_a_formula_is_not_run_by_a_spreadsheet(two_clients, users):
    record(
        two_clients.a,
        "email_answered",
        1,
        utc(2026, 10, 12),
        key="formula",
        note='=HYPERLINK("http://evil.example","click")',
    )
    http = signed_in(users["a"], host_of(two_clients.a))
    usage = csv_rows(http.get("/invoices/usage.csv?month=2026-10"))
    notes = [row[11] for row in usage[1:]]
    assert notes == ['\'=HYPERLINK("http://evil.example","click")']
