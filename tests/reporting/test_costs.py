"""The report's cost section is the month's invoice in force, to the cent."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from babel.numbers import format_currency

from billing.services import credit_note_issue, invoice_issue
from reporting.selectors import cost_section_for_month
from reporting.services import report_content_build
from tests.support.billing import plan_for, record
from tests.support.pdf import text_by_page as text_of
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db

OCTOBER = date(2026, 10, 1)
NOVEMBER_5 = datetime(2026, 11, 5, 12, tzinfo=UTC)


@pytest.fixture
def october_invoice(two_clients):
    client = two_clients.a  # CZK
    plan_for(
        client,
        base_monthly_fee=Decimal("1000.00"),
        price_per_email=Decimal("12.345"),
        out_of_hours_surcharge_percent=Decimal("25"),
    )
    for day in (1, 2, 3):
        record(client, "email_answered", 1, datetime(2026, 10, day, 10, tzinfo=UTC), language="cs")
    record(
        client,
        "email_answered",
        1,
        datetime(2026, 10, 4, 22, tzinfo=UTC),
        language="cs",
        out_of_hours=True,
    )
    return invoice_issue(client=client, month=OCTOBER, now=NOVEMBER_5).invoice


def test_the_cost_section_equals_the_invoice_line_by_line(two_clients, october_invoice):
    with in_schema(two_clients.a):
        costs = cost_section_for_month(client=two_clients.a, month=OCTOBER)
    lines = list(october_invoice.lines.order_by("position"))
    assert costs.invoice_number == october_invoice.number and costs.currency == "CZK"
    assert [line.amount for line in costs.lines] == [line.amount for line in lines]
    assert costs.total == october_invoice.total == sum(line.amount for line in lines)
    # 1000 + 4 * 12.345 + 25 % of one out-of-hours e-mail, rounded per line by billing.
    assert len(lines) >= 2 and costs.total > Decimal("1049")


def test_the_report_shows_the_invoice_total_in_the_clients_currency(two_clients, october_invoice):
    from reporting.layout import report_pdf

    with in_schema(two_clients.a):
        content = report_content_build(
            client=two_clients.a, month=OCTOBER, language="cs", now=NOVEMBER_5
        )
    assert content.kpis.costs.total == october_invoice.total
    text = text_of(report_pdf(content)).replace("\xa0", " ")
    total = format_currency(october_invoice.total, "CZK", locale="cs").replace("\xa0", " ")
    assert f"Celkové náklady {total}" in text.replace("\n", " ")
    assert f"faktury {october_invoice.number}" in text


def test_a_month_without_invoice_says_so_not_zero(two_clients, october_invoice):
    credit_note_issue(invoice=october_invoice, reason="wrong plan", now=NOVEMBER_5)
    with in_schema(two_clients.a):
        assert cost_section_for_month(client=two_clients.a, month=OCTOBER) is None
        content = report_content_build(
            client=two_clients.a, month=OCTOBER, language="en", now=NOVEMBER_5
        )
        september = cost_section_for_month(client=two_clients.a, month=date(2026, 9, 1))
    assert september is None
    from reporting.layout import report_pdf

    text = text_of(report_pdf(content))
    assert "No invoice has been issued for this month yet." in text
    assert "Total cost" not in text


def test_another_clients_invoice_is_never_shown(two_clients, october_invoice):
    with in_schema(two_clients.b):
        assert cost_section_for_month(client=two_clients.b, month=OCTOBER) is None
