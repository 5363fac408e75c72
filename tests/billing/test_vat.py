"""VAT at issue: the treatment (billing/vat.py), the rate of the issue date, the totals per
rate rounded once, the due date and payment reference, credit notes reversing exactly."""

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client as HttpClient
from stdnum import iso11649

from accounts.models import User
from audit.models import AuditEvent
from billing.document import invoice_pdf
from billing.models import BillingMail, Invoice, InvoiceCounter, VatRate
from billing.money import money_round
from billing.selectors import invoice_document
from billing.selectors.vat import supply_date, vat_rate_on
from billing.services import credit_note_issue, invoice_issue, invoices_issue_for_month
from billing.vat import (
    VatUndecidable,
    payment_reference,
    vat_decide,
    vat_subtotals,
)
from core.months import month_bounds
from tests.support.billing import plan_for, record, utc
from tests.support.factories import UserFactory
from tests.support.pdf import text_of

OCT = date(2026, 10, 1)
NOW = utc(2026, 11, 2, 8)
CZ_RATE = Decimal("21.00")
LONG_AGO = utc(2020, 1, 1)


def decide(country, registered=True, vat_id="", supplier="CZ", rate=CZ_RATE):
    return vat_decide(
        supplier_country=supplier,
        supplier_rate=rate,
        buyer_country=country,
        vat_registered=registered,
        vat_id=vat_id,
    )


# --- the rules, pure -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "registered", "vat_id", "expected"),
    [
        ("CZ", True, "CZ25123891", ("domestic", "S", CZ_RATE)),
        ("CZ", False, "", ("domestic", "S", CZ_RATE)),  # a Czech buyer pays Czech VAT anyway
        ("PL", True, "PL6793014588", ("reverse_charge", "AE", Decimal(0))),
        ("DE", True, "DE294817367", ("reverse_charge", "AE", Decimal(0))),
        ("GR", True, "EL094259216", ("reverse_charge", "AE", Decimal(0))),  # EL is Greece's
        ("PL", False, "", ("domestic", "S", CZ_RATE)),  # art. 45: the supplier's VAT
        ("CH", True, "CHE116281710", ("outside_scope", "O", Decimal(0))),
        ("MC", True, "FR40303265045", ("reverse_charge", "AE", Decimal(0))),  # Monaco is France
        ("MC", False, "", ("domestic", "S", CZ_RATE)),
        ("GB", False, "", ("outside_scope", "O", Decimal(0))),
        ("US", True, "", ("outside_scope", "O", Decimal(0))),
    ],
)
def test_the_treatment_follows_the_buyers_country_and_registration(
    country, registered, vat_id, expected
):
    decision = decide(country, registered, vat_id)

    assert (decision.treatment, decision.category, decision.rate) == expected


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"country": ""}, "no billing country"),
        ({"country": "DE", "vat_id": ""}, "registered for VAT in DE but no VAT id"),
        ({"country": "AT", "vat_id": "DE294817367"}, "is not one of AT"),
        ({"country": "GR", "vat_id": "GR094259216"}, "prefix EL"),
        ({"country": "EL", "vat_id": "EL094259216"}, "Greece's VAT prefix"),
        ({"country": "XI", "vat_id": "XI123456782"}, "Northern Ireland"),
        ({"country": "GB", "vat_id": "XI123456782"}, "Northern Ireland's"),
        ({"country": "CZ", "rate": None}, "no standard VAT rate of CZ"),
        ({"country": "CZ", "supplier": "CH"}, "not an EU member state"),
    ],
)
def test_what_cannot_be_decided_raises_with_its_reason(kwargs, reason):
    with pytest.raises(VatUndecidable, match=reason):
        decide(**kwargs)


def test_vat_is_rounded_once_per_rate_on_the_sum_of_the_rounded_lines():
    # Seven lines of 0.07 at 21 %: rounded per line 0.01 each (0.07 in all); on the total
    # 0.49 x 21 % = 0.1029 -> 0.10 (EN 16931 BR-CO-17).
    lines = [("S", CZ_RATE, Decimal("0.07"))] * 7

    (row,) = vat_subtotals(lines=lines, currency="EUR")

    assert row.taxable_amount == Decimal("0.49")
    assert row.vat_amount == Decimal("0.10")  # not 7 x 0.01
    assert sum(money_round(amount * CZ_RATE / 100, "EUR") for *_, amount in lines) == Decimal(
        "0.07"
    )


def test_forints_round_to_the_forint():
    (row,) = vat_subtotals(lines=[("S", Decimal(27), Decimal(1001))], currency="HUF")

    assert row.vat_amount == Decimal(270)  # 270.27


def test_czech_and_slovak_buyers_get_a_variable_symbol_others_a_creditor_reference():
    assert payment_reference(buyer_country="CZ", year=2026, sequence=123) == "2026000123"
    assert payment_reference(buyer_country="SK", year=2026, sequence=123) == "2026000123"
    rf = payment_reference(buyer_country="DE", year=2026, sequence=123)
    assert rf.startswith("RF") and rf.endswith("2026000123")
    assert iso11649.is_valid(rf)
    assert not iso11649.is_valid(rf[:2] + "00" + rf[4:])


# --- rates as data ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("country", "before", "after", "day"),
    [
        ("SK", "20", "23", date(2025, 1, 1)),
        ("EE", "22", "24", date(2025, 7, 1)),
        ("FI", "24", "25.5", date(2024, 9, 1)),
        ("RO", "19", "21", date(2025, 8, 1)),
        ("LU", "16", "17", date(2024, 1, 1)),
    ],
)
def test_the_rate_of_the_day_before_and_after_a_change(country, before, after, day):
    assert vat_rate_on(country=country, day=day) == Decimal(after)
    previous = date.fromordinal(day.toordinal() - 1)
    assert vat_rate_on(country=country, day=previous) == Decimal(before)


@pytest.mark.django_db
def test_every_member_state_has_a_standard_rate_today():
    countries = set(VatRate.objects.filter(valid_to__isnull=True).values_list("country", flat=True))

    assert len(countries) == 27 and "GR" in countries and "EL" not in countries
    assert vat_rate_on(country="CZ", day=date(2026, 12, 7)) == Decimal(21)
    assert vat_rate_on(country="CZ", day=date(2019, 12, 31)) is None


# --- at issue --------------------------------------------------------------------------------


def issued(make_client, now=NOW, month=OCT, fee="1000", **identity) -> Invoice:
    client = make_client(created_at=LONG_AGO, **identity)
    plan_for(client, valid_from=date(2020, 1, 1), base_monthly_fee=Decimal(fee))
    return invoice_issue(client=client, month=month, now=now).invoice


@pytest.mark.django_db
def test_a_domestic_invoice_charges_the_czech_rate(make_client):
    client = make_client(currency="CZK", created_at=LONG_AGO)
    plan_for(client, base_monthly_fee=Decimal("1000"), price_per_email=Decimal("12.345"))
    for day in range(1, 4):
        record(client, "email_answered", 1, utc(2026, 10, day, 9), language="cs")

    invoice = invoice_issue(client=client, month=OCT, now=NOW).invoice

    assert invoice.vat_treatment == "domestic" and invoice.supplier_country == "CZ"
    assert {(line.vat_category, line.vat_rate) for line in invoice.lines.all()} == {("S", 21)}
    (row,) = invoice.vat_totals.all()
    assert row.taxable_amount == invoice.total == Decimal("1037.04")  # 1000 + 3 x 12.345 -> 12.35
    assert row.vat_amount == invoice.vat_total == money_round(invoice.total * 21 / 100, "CZK")
    assert invoice.total_with_vat == invoice.amount_due == invoice.total + invoice.vat_total
    assert invoice.vat_check is None


@pytest.mark.django_db
def test_an_eu_business_with_its_vat_id_is_invoiced_under_the_reverse_charge(make_client):
    invoice = issued(
        make_client, billing_country="PL", vat_id="PL6793014588", billing_email="f@x.example"
    )

    assert invoice.vat_treatment == "reverse_charge"
    assert [(line.vat_category, line.vat_rate) for line in invoice.lines.all()] == [("AE", 0)]
    assert invoice.vat_total == 0 and invoice.total_with_vat == invoice.total == 1000
    assert invoice.payment_reference.startswith("RF")
    # The invoice e-mail is queued with it, once, to the accounts address recorded on it.
    (mail,) = BillingMail.objects.filter(invoice=invoice)
    assert (mail.kind, mail.to) == (BillingMail.Kind.INVOICE, "f@x.example")


@pytest.mark.django_db
def test_without_a_billing_email_the_invoice_mail_fails_at_once_with_the_reason(make_client):
    invoice = issued(make_client)

    # Not silently skipped: failed, counted on the agency's /billing/ page, sent again from
    # the admin once the client has an address.
    (mail,) = BillingMail.objects.filter(invoice=invoice)
    assert (mail.state, mail.to) == (BillingMail.State.FAILED, "")
    assert "no billing e-mail" in mail.last_error


@pytest.mark.django_db
@pytest.mark.parametrize("country", ["CH", "GB"])
def test_a_buyer_outside_the_eu_is_outside_the_scope(make_client, country):
    invoice = issued(make_client, billing_country=country)

    assert invoice.vat_treatment == "outside_scope"
    assert [(row.category, row.rate, row.vat_amount) for row in invoice.vat_totals.all()] == [
        ("O", 0, 0)
    ]


@pytest.mark.django_db
def test_an_eu_buyer_not_registered_for_vat_pays_the_suppliers_vat(make_client):
    invoice = issued(make_client, billing_country="DE", vat_registered=False)

    assert (invoice.vat_treatment, invoice.vat_total) == ("domestic", Decimal("210.00"))


@pytest.mark.django_db
def test_forint_invoices_carry_whole_forints_of_vat(make_client):
    invoice = issued(
        make_client, fee="12345", currency="HUF", billing_country="HU", vat_registered=False
    )

    # 12345 HUF x 21 % = 2592.45 -> 2592 (HUF has no minor unit).
    assert invoice.vat_total == Decimal(2592) and invoice.total_with_vat == Decimal(14937)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("month", "now", "rate"),
    [
        # December 2024 was supplied at 20 %, though invoiced in January at 23 %'s time.
        (date(2024, 11, 1), utc(2024, 12, 2, 12), Decimal(20)),
        (date(2024, 12, 1), utc(2025, 1, 1, 12), Decimal(20)),
        (date(2024, 12, 1), utc(2025, 3, 2, 8), Decimal(20)),  # issued late: still 20 %
        (date(2025, 1, 1), utc(2025, 2, 1, 12), Decimal(23)),
    ],
)
def test_the_supply_date_the_months_last_day_picks_the_rate(
    make_client, settings, month, now, rate
):
    settings.INVOICE_ISSUER = {**settings.INVOICE_ISSUER, "country": "SK"}

    invoice = issued(make_client, now=now, month=month, billing_country="SK")

    assert supply_date(month) == month_bounds(month)[1] - timedelta(days=1)
    assert [row.rate for row in invoice.vat_totals.all()] == [rate]
    assert invoice.vat_total == money_round(Decimal(1000) * rate / 100, "EUR")


@pytest.mark.django_db
def test_a_credit_note_reverses_its_invoices_vat_exactly_after_a_rate_change(make_client, settings):
    settings.INVOICE_ISSUER = {**settings.INVOICE_ISSUER, "country": "SK"}
    invoice = issued(
        make_client, now=utc(2024, 12, 31, 12), month=date(2024, 11, 1), billing_country="SK"
    )

    note = credit_note_issue(invoice=invoice, reason="wrong plan", now=utc(2025, 2, 3, 9))

    assert note.vat_treatment == invoice.vat_treatment == "domestic"
    assert [(line.vat_category, line.vat_rate, line.amount) for line in note.lines.all()] == [
        (line.vat_category, line.vat_rate, -line.amount) for line in invoice.lines.all()
    ]
    assert [(r.rate, r.taxable_amount, r.vat_amount) for r in note.vat_totals.all()] == [
        (Decimal(20), Decimal("-1000.00"), Decimal("-200.00"))  # 20 %, not 2025's 23 %
    ]
    assert note.total_with_vat == -invoice.total_with_vat
    assert note.due_on is None and note.payment_reference == ""
    # The audit log records the VAT of both.
    issued_event = AuditEvent.objects.get(
        action=AuditEvent.Action.INVOICE_ISSUED, object_id=invoice.pk
    )
    credited = AuditEvent.objects.get(
        action=AuditEvent.Action.INVOICE_CREDITED, object_id=invoice.pk
    )
    assert (issued_event.details["vat_total"], issued_event.details["total_with_vat"]) == (
        "200.00",
        "1200.00",
    )
    assert credited.details["total_with_vat"] == "-1200.00"


@pytest.mark.django_db
def test_the_due_date_counts_from_the_clients_local_issue_date(make_client):
    # 23:30 UTC on 1 November is 2 November in Prague.
    invoice = issued(make_client, now=utc(2026, 11, 1, 23, 30), payment_terms_days=30)

    assert invoice.due_on == date(2026, 12, 2)
    assert invoice.payment_reference == f"{invoice.year}{invoice.sequence:06d}"


@pytest.mark.django_db
def test_an_undecidable_client_fails_visibly_and_the_others_are_issued(make_client):
    broken = make_client(billing_country="DE", vat_id="")  # registered, no VAT id
    fine = make_client()
    for client in (broken, fine):
        plan_for(client, base_monthly_fee=Decimal("100"))

    run = invoices_issue_for_month(month=OCT, clients=[broken, fine], now=NOW)

    assert [invoice.client for invoice in run.issued] == [fine]
    ((failed, reason),) = run.failed
    assert failed == broken and "VAT" in reason and "no VAT id" in reason
    assert not Invoice.objects.filter(client=broken).exists()
    assert InvoiceCounter.objects.get(year=2026).last == 1  # no number taken by the failure


@pytest.mark.django_db
def test_issue_invoices_prints_vat_and_fails_with_the_reason(make_client):
    broken = make_client(billing_country="DE", vat_id="")
    fine = make_client(currency="CZK")
    for client in (broken, fine):
        plan_for(client, base_monthly_fee=Decimal("100"))
    out, err = StringIO(), StringIO()

    with pytest.raises(CommandError):
        call_command("issue_invoices", month="2026-10", dry_run=True, stdout=out, stderr=err)
    assert f"would issue  {fine.slug}  1 lines  domestic  net 100.00 CZK  VAT 21.00 CZK  " in (
        out.getvalue()
    )
    assert f"FAILED  {broken.slug}" in err.getvalue() and "no VAT id" in err.getvalue()
    assert not Invoice.objects.exists()

    with pytest.raises(CommandError):
        call_command("issue_invoices", month="2026-10", stdout=out, stderr=err)
    assert "domestic  net 100.00 CZK  VAT 21.00 CZK  total 121.00 CZK" in out.getvalue()
    assert Invoice.objects.filter(client=fine).count() == 1
    assert not Invoice.objects.filter(client=broken).exists()


# --- the PDF ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_reverse_charge_mention_is_in_the_documents_and_the_suppliers_language(make_client):
    invoice = issued(make_client, billing_country="DE", vat_id="DE294817367")

    text = " ".join(text_of(invoice_pdf(invoice_document(invoice=invoice, language="de"))).split())

    assert "Steuerschuldnerschaft des Leistungsempfängers" in text  # German
    assert "Přenesení daňové povinnosti" in text and "daň odvede zákazník" in text  # Czech
    assert "2006/112/EG" in text and "2006/112/ES" in text
    # The old sentence is for invoices issued before VAT only.
    assert "verstehen sich ohne Umsatzsteuer" not in text


@pytest.mark.django_db
def test_a_domestic_pdf_shows_the_vat_per_rate_the_totals_and_the_terms(make_client):
    invoice = issued(make_client, currency="CZK")

    text = " ".join(text_of(invoice_pdf(invoice_document(invoice=invoice, language="en"))).split())

    # (babel's no-break space between code and figure does not come out of the PDF's text)
    assert "Total without VAT CZK1,000.00" in text
    assert "VAT CZK210.00" in text and "Total to pay CZK1,210.00" in text
    assert "Standard rate 21% CZK1,000.00 CZK210.00" in text
    assert f"Payment reference {invoice.payment_reference}" in text
    assert "Due date November 16, 2026" in text
    assert "Reverse charge" not in text and "without VAT." not in text


@pytest.mark.django_db
def test_outside_the_scope_is_said_in_both_languages(make_client):
    invoice = issued(make_client, billing_country="CH")

    text = " ".join(text_of(invoice_pdf(invoice_document(invoice=invoice, language="en"))).split())

    assert "Not subject to EU VAT — the place of supply is outside the EU" in text
    assert "Nepodléhá DPH v EU" in text


# --- the admin -------------------------------------------------------------------------------


@pytest.fixture
def agency_admin(two_clients):  # the agency's domain (localhost) comes with them
    http = HttpClient(HTTP_HOST="localhost")
    http.force_login(UserFactory(role=User.Role.ADMIN, is_staff=True, is_superuser=True))
    return http


@pytest.mark.django_db
def test_an_agency_admin_adds_a_coming_rate_change_and_an_overlap_is_refused(agency_admin):
    current = VatRate.objects.get(country="CZ", valid_to__isnull=True)
    url = "/admin/billing/vatrate/add/"
    change = {"country": "CZ", "kind": "standard", "rate": "22", "valid_from": "2027-01-01"}

    overlapping = agency_admin.post(url, {**change, "source": "Zákon (draft)"})
    VatRate.objects.filter(pk=current.pk).update(valid_to=date(2027, 1, 1))
    added = agency_admin.post(url, {**change, "source": "Zákon (draft)"})

    assert overlapping.status_code == 200 and "overlaps it" in overlapping.text
    assert added.status_code == 302, added.text
    assert vat_rate_on(country="CZ", day=date(2026, 12, 31)) == Decimal(21)
    assert vat_rate_on(country="CZ", day=date(2027, 1, 1)) == Decimal(22)
