"""The report's cost section is the month's invoice in force, to the cent."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from babel.numbers import format_currency

from billing.document import InvoiceFormats, invoice_pdf
from billing.selectors import invoice_document
from billing.services import credit_note_issue, invoice_issue
from reporting.layout import report_pdf
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
    text = text_of(report_pdf(content))
    assert "No invoice has been issued for this month yet." in text
    assert "Total cost" not in text


def test_another_clients_invoice_is_never_shown(two_clients, october_invoice):
    with in_schema(two_clients.b):
        assert cost_section_for_month(client=two_clients.b, month=OCTOBER) is None


@pytest.fixture
def october_with_a_plan_change(two_clients):
    """A plan changing on 16 October; Slovak e-mails under a language surcharge and a
    telephony cost with four decimals, on both sides of the change."""
    client = two_clients.a
    terms = {
        "price_per_email": Decimal("12.345"),
        "telephony_margin_percent": Decimal("10"),
        "surcharges": [("Czech and Slovak", ["cs", "sk"], Decimal("10"))],
    }
    plan_for(client, base_monthly_fee=Decimal("1000.00"), **terms)
    plan_for(client, date(2026, 10, 16), base_monthly_fee=Decimal("2000.00"), **terms)
    for day in (5, 20):
        at = datetime(2026, 10, day, 10, tzinfo=UTC)
        record(client, "email_answered", 1, at, language="sk")
        record(client, "telephony_cost", "25.98294", at, language="cs", currency="CZK")
    return invoice_issue(client=client, month=OCTOBER, now=NOVEMBER_5).invoice


def test_the_cost_lines_read_as_on_the_invoice_with_their_days_in_czech(
    two_clients, october_with_a_plan_change
):
    invoice = october_with_a_plan_change
    with in_schema(two_clients.a):
        content = report_content_build(
            client=two_clients.a, month=OCTOBER, language="cs", now=NOVEMBER_5
        )
    report = " ".join(text_of(report_pdf(content)).split())
    printed = " ".join(
        text_of(invoice_pdf(invoice_document(invoice=invoice, language="cs"))).split()
    )
    fmt = InvoiceFormats("cs", two_clients.a.time_zone, invoice.currency)
    lines = list(invoice.lines.order_by("position"))
    assert any(line.quantity == Decimal("25.9829") for line in lines)
    for line in lines:
        exact = fmt.exact_money if line.unit == "amount" else fmt.quantity
        quantity = " ".join(exact(line.quantity).split())  # as the text reads: one space
        assert quantity in printed and quantity in report, quantity
    assert "25,9829 Kč" in report and "25,983 " not in report
    # Each line of the plan's two halves says which days it is for: none reads like another.
    first_half, second_half = "1.\u201315. 10. 2026", "16.\u201331. 10. 2026"
    per_half = len(lines) // 2
    assert report.count(first_half) == per_half and report.count(second_half) == per_half
    shown = [(line.label, line.first_day) for line in content.kpis.costs.lines]
    assert len(set(shown)) == len(shown) == len(lines)
    # The surcharge is named by its languages in Czech, not by the name typed in English.
    assert "Jazykový příplatek: čeština a slovenština" in report
    assert "Czech and Slovak" not in report
