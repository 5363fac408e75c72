"""The portal's call KPIs, call history and the month's cost (scenario.CALLS_TABLE)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from billing.services import invoice_issue
from tests.support.billing import plan_for, record
from tests.support.portal import rows_of, signed_in
from tests.support.reporting import october_calls_at_client_a
from tests.support.tenancy import host_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls(two_clients):
    return october_calls_at_client_a(two_clients.a)


def test_the_dashboard_shows_call_kpis_and_csat(two_clients, calls, user_a):
    http = signed_in(two_clients.a, user_a)
    html = http.get("/?month=2026-10").text
    assert 'id="table-calls"' in html and 'id="table-calls-topic"' in html
    summary = {row[0]: row[1] for row in rows_of(http.get("/export/calls.csv?month=2026-10"))}
    assert summary["Calls received"] == "7" and summary["Calls queued for an agent"] == "5"
    assert summary["Average speed of answer"] == "25"
    assert summary["Service level (answered within 20 s)"] == "40.0"
    assert summary["Abandonment rate"] == "20.0"
    assert summary["Average handle time"] == "340"
    assert summary["CSAT, average score (1-5)"] == "3.67"
    assert summary["Satisfied callers (4-5)"] == "66.7"
    assert [summary[f"Survey answers: {n}"] for n in range(1, 6)] == ["0", "1", "0", "1", "1"]
    topics = rows_of(http.get("/export/calls-topic.csv?month=2026-10"))
    assert topics[0][:2] == ["Calls by topic", "Calls received"]
    assert [row[:3] for row in topics[1:]] == [
        ["orders", "3", "2"],
        ["returns", "3", "1"],
        ["No topic", "1", "0"],
    ]
    # A month without calls shows no call tables.
    assert 'id="table-calls"' not in http.get("/?month=2026-08").text


def test_the_dashboard_shows_nps_next_to_csat(two_clients, calls, user_a):
    http = signed_in(two_clients.a, user_a)
    rows = rows_of(http.get("/export/calls.csv?month=2026-10"))
    labels = [row[0] for row in rows]
    # Right after CSAT: answers 10, 9 and 3 are 2 promoters and 1 detractor of 3.
    nps = labels.index("NPS (-100 to 100)")
    assert labels[nps - 1] == "Survey answers: 5"
    assert rows[nps : nps + 5] == [
        ["NPS (-100 to 100)", "33.3"],
        ["NPS answers", "3"],
        ["Promoters (9-10)", "2"],
        ["Passives (7-8)", "0"],
        ["Detractors (0-6)", "1"],
    ]
    html = http.get("/?month=2026-10").text
    assert '<td>NPS (-100 to 100)</td><td class="num">33.3</td>' in html
    # By topic: orders 10 and 9 (two promoters of two), returns 3 (one detractor).
    topics = rows_of(http.get("/export/calls-topic.csv?month=2026-10"))
    assert topics[0][-1] == "NPS"
    assert [(row[0], row[-1]) for row in topics[1:]] == [
        ("orders", "100.0"),
        ("returns", "-100.0"),
        ("No topic", ""),
    ]
    # In the reader's language, with its decimal comma.
    user_a.language = "cs"
    user_a.save(update_fields=["language"])
    czech = http.get("/?month=2026-10").text
    assert '<td>NPS (\u2212100 až 100)</td><td class="num">33,3</td>' in czech
    assert '<td>Kritici (0\u20136)</td><td class="num">1</td>' in czech


def test_a_month_without_nps_answers_shows_no_nps(two_clients, calls, user_a):
    # November: one call (#9, in the menus), no survey answer.
    http = signed_in(two_clients.a, user_a)
    html = http.get("/?month=2026-11").text
    assert 'id="table-calls"' in html and "NPS" not in html and "CSAT, average" not in html


def test_call_history_is_searchable_by_number_and_outcome_and_exported(
    two_clients,
    calls,
    user_a,
):
    http = signed_in(two_clients.a, user_a)
    page = http.get("/calls/")
    assert page.status_code == 200 and page.text.count("<tr>") == 10  # header + 9 calls
    assert "Abandoned in the queue" in page.text
    one = http.get("/calls/", {"number": "600 000 003"})
    assert one.text.count("<tr>") == 2 and "+420600000003" in one.text
    answered = http.get("/calls/", {"outcome": "answered"})
    assert answered.text.count("<tr>") == 5  # #1, #2, #3 and September's #8
    assert http.get("/calls/", {"outcome": "nonsense"}).status_code == 400  # never ignored
    rows = rows_of(http.get("/calls/export.csv", {"outcome": "abandoned"}))
    assert rows[0][:3] == ["Call SID", "Rang", "From"]
    assert rows[1][1:3] == ["2026-10-06 12:00:00", "+420600000004"] and len(rows) == 2
    assert rows[1][7:10] == ["abandoned", "90", ""]
    assert http.post("/calls/").status_code == 405  # read-only: nothing to write
    assert "/invoices/" in page.text  # the navigation links billing's pages


def test_another_clients_user_sees_no_call(two_clients, calls, user_b):
    http = signed_in(two_clients.b, user_b)
    assert "No calls found." in http.get("/calls/").text
    assert rows_of(http.get("/calls/export.csv")) == [rows_of(http.get("/calls/export.csv"))[0]]
    http.defaults["HTTP_HOST"] = host_of(two_clients.a)
    assert http.get("/calls/").status_code == 404


def test_the_months_cost_is_the_invoice_total_or_honestly_missing(two_clients, user_a):
    client = two_clients.a
    http = signed_in(client, user_a)
    html = http.get("/?month=2026-10").text
    assert 'id="cost-none"' in html and "cost-total" not in html
    plan_for(client, base_monthly_fee=Decimal("1000.00"), price_per_email=Decimal("12.345"))
    record(client, "email_answered", 1, datetime(2026, 10, 3, 9, tzinfo=UTC), language="cs")
    invoice = invoice_issue(
        client=client, month=date(2026, 10, 1), now=datetime(2026, 11, 5, tzinfo=UTC)
    ).invoice
    html = http.get("/?month=2026-10").text
    assert f'id="cost-total">CZK{invoice.total:,.2f}</span>' in html
    assert f"According to invoice {invoice.number}" in html
    costs = rows_of(http.get("/export/costs.csv?month=2026-10"))
    assert costs[0] == ["Item", "Quantity billed", "Billing unit", "Amount charged (CZK)"]
    assert costs[-1] == ["Total cost", "", "", f"{invoice.total:.2f}"]
    assert sum(Decimal(row[3]) for row in costs[1:-1]) == invoice.total
