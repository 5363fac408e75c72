"""Payments: recorded by hand, imported from statements, matched and allocated."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from audit.models import AuditEvent
from billing.bank_statements import StatementRefused
from billing.models import Payment, PaymentAllocation
from billing.selectors.receivables import (
    InvoiceStatus,
    client_credit,
    invoice_open_amount,
    invoice_status,
    payment_unallocated,
    payments_unmatched,
)
from billing.services import credit_note_issue
from billing.services.payments import (
    bank_statement_import,
    payment_allocate,
    payment_record,
    payment_unallocate,
    reference_keys,
)
from tests.support.billing import utc
from tests.support.factories import UserFactory
from tests.support.payments import camt_entry, camt_statement, invoice_of, issue_with_terms

OCT = date(2026, 10, 1)
NOV = date(2026, 11, 1)
DUE = date(2026, 11, 16)
TODAY = date(2026, 11, 20)

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_a(make_client):
    # A Swiss shop: no VAT (outside the scope of EU VAT), so what is due is the fee itself.
    return make_client(currency="EUR", billing_country="CH")


@pytest.fixture
def admin(db):

    return UserFactory(role=User.Role.ADMIN, is_staff=True, is_superuser=True)


def _import(entries, **kwargs):
    return bank_statement_import(
        data=camt_statement(entries, **kwargs), filename="s.xml", user=None
    )


def test_exact_payment_by_variable_symbol_pays_the_invoice(client_a):
    invoice = invoice_of(client_a, "1210.00", OCT, due_on=DUE, reference="2026000123")
    result = _import([camt_entry(bank_id="E1", amount="1210.00", reference="0002026000123")])
    (payment,) = result.new
    assert result.matched == [payment] and result.unmatched == []
    (allocation,) = payment.allocations.all()
    assert (allocation.invoice, allocation.amount, allocation.matched_by) == (
        invoice,
        Decimal("1210.00"),
        "reference",
    )
    assert payment.client == client_a
    assert invoice_open_amount(invoice) == 0
    assert invoice_status(invoice, TODAY) == InvoiceStatus.PAID


def test_partial_payment_leaves_the_rest_open(client_a):
    invoice = invoice_of(client_a, "1000.00", OCT, due_on=DUE, reference="2026000124")
    _import([camt_entry(bank_id="E1", amount="400.00", text="VS 2026000124 thanks")])
    assert invoice_open_amount(invoice) == Decimal("600.00")
    assert invoice_status(invoice, date(2026, 11, 10)) == InvoiceStatus.PARTLY_PAID
    assert invoice_status(invoice, TODAY) == InvoiceStatus.OVERDUE  # still open after the 16th


def test_over_payment_allocates_the_due_part_and_keeps_the_surplus_as_credit(client_a):
    invoice = invoice_of(client_a, "100.00", OCT, due_on=DUE, reference="RF18539007547034")
    result = _import([camt_entry(bank_id="E1", amount="130.00", text="ref RF18 5390 0754 7034")])
    (payment,) = result.new
    assert payment.allocations.get().amount == Decimal("100.00")
    assert invoice_status(invoice, TODAY) == InvoiceStatus.PAID
    assert payment_unallocated(payment) == Decimal("30.00")
    assert client_credit(client=client_a) == {"EUR": Decimal("30.00")}
    assert list(payments_unmatched()) == [payment]  # the surplus is listed for a person


def test_invoice_number_in_the_text_matches(client_a):
    invoice = invoice_of(client_a, "50.00", OCT, due_on=DUE)
    result = _import([camt_entry(bank_id="E1", amount="50.00", text=f"Invoice {invoice.number}")])
    assert result.new[0].allocations.get().matched_by == "invoice_number"


def test_no_reference_from_a_known_payer_matches_the_one_invoice_of_that_amount(
    client_a, make_client
):
    october = invoice_of(client_a, "80.00", OCT, due_on=DUE, reference="111")
    _import([camt_entry(bank_id="E1", amount="80.00", reference="111", payer_iban="AT1")])
    november = issue_with_terms(client_a, NOV, due_on=date(2026, 12, 16), now=utc(2026, 12, 2))
    other = make_client(currency="EUR", billing_country="CH")
    invoice_of(other, "80.00", OCT, due_on=DUE)  # same amount, another client: not it
    result = _import(
        [camt_entry(bank_id="E2", amount="80.00", payer_iban="AT1")], statement_id="second"
    )
    (allocation,) = result.new[0].allocations.all()
    assert (allocation.invoice, allocation.matched_by) == (november, "amount")
    assert invoice_open_amount(october) == 0


def test_unknown_payer_without_reference_stays_unmatched(client_a):
    invoice_of(client_a, "80.00", OCT, due_on=DUE)
    result = _import([camt_entry(bank_id="E1", amount="80.00", payer_iban="XX1")])
    assert result.matched == [] and result.unmatched == result.new
    assert result.new[0].client is None
    assert list(payments_unmatched()) == result.new


def test_a_payment_in_another_currency_is_not_matched(client_a):
    invoice = invoice_of(client_a, "80.00", OCT, due_on=DUE, reference="555")
    result = _import([camt_entry(bank_id="E1", amount="80.00", currency="CZK", reference="555")])
    assert result.unmatched == result.new
    assert invoice_open_amount(invoice) == Decimal("80.00")


def test_the_same_file_twice_imports_nothing_the_second_time(client_a):
    invoice_of(client_a, "80.00", OCT, due_on=DUE, reference="555")
    data = camt_statement([camt_entry(bank_id="E1", amount="80.00", reference="555")])
    first = bank_statement_import(data=data, filename="a.xml", user=None)
    second = bank_statement_import(data=data, filename="a-copy.xml", user=None)
    assert second.already_imported and second.statement == first.statement
    assert second.new == [] and Payment.objects.count() == 1


def test_overlapping_statements_import_each_entry_once():
    first = _import(
        [camt_entry(bank_id="E1", amount="1.00"), camt_entry(bank_id="E2", amount="2.00")]
    )
    second = _import(
        [camt_entry(bank_id="E2", amount="2.00"), camt_entry(bank_id="E3", amount="3.00")],
        statement_id="next",
    )
    assert (len(first.new), len(second.new), second.present) == (2, 1, 1)
    assert sorted(Payment.objects.values_list("bank_entry_id", flat=True)) == ["E1", "E2", "E3"]


def test_the_same_bank_id_on_another_account_is_another_entry():
    _import([camt_entry(bank_id="E1", amount="1.00")])
    other = _import([camt_entry(bank_id="E1", amount="1.00")], account="DE89370400440532013000")
    assert len(other.new) == 1


def test_debits_are_counted_not_imported():
    result = _import(
        [
            camt_entry(bank_id="E1", amount="9.00", credit=False),
            camt_entry(bank_id="E2", amount="1"),
        ]
    )
    assert (result.debits, len(result.new)) == (1, 1)


def test_a_refused_file_imports_nothing():
    with pytest.raises(StatementRefused):
        bank_statement_import(data=b"date;amount\n1;2\n", filename="x.csv", user=None)
    assert not Payment.objects.exists()


def test_a_csv_statement_is_imported_and_matched(client_a):
    invoice = invoice_of(client_a, "1210.00", OCT, due_on=DUE, reference="2026000123")
    data = (
        "date;amount;currency;id;reference;message;payer_name;payer_account\n"
        "18.11.2026;1 210,00;EUR;88001;2026000123;Faktura;Žluťoučký kůň s.r.o.;2000145399/0800\n"
    ).encode("cp1250")
    with pytest.raises(StatementRefused, match="does not name its account"):
        bank_statement_import(data=data, filename="bank.csv", user=None)
    result = bank_statement_import(
        data=data, filename="bank.csv", user=None, account="CZ65 0800 0000 1920 0014 5399"
    )
    assert result.statement.account == "CZ6508000000192000145399"
    assert result.new[0].account == "CZ6508000000192000145399"
    assert result.statement.format == "csv" and result.matched == result.new
    assert result.new[0].payer_name == "Žluťoučký kůň s.r.o."
    assert invoice_open_amount(invoice) == 0


def test_payment_recorded_by_hand_is_audited_and_matched(client_a, admin):
    invoice = invoice_of(client_a, "300.00", OCT, due_on=DUE, reference="777")
    payment, run = payment_record(
        client=client_a,
        amount=Decimal("300.00"),
        currency="eur",
        received_on=date(2026, 11, 12),
        reference="777",
        note="cheque 12",
        actor=admin,
    )
    assert run.matched == [payment] and invoice_open_amount(invoice) == 0
    event = AuditEvent.objects.get(action=AuditEvent.Action.PAYMENT_RECORDED)
    assert (event.actor, event.object_id) == (admin, str(payment.pk))


@pytest.mark.parametrize(
    ("amount", "currency", "error"),
    [
        ("0", "EUR", "more than zero"),
        ("-5", "EUR", "more than zero"),
        ("1.005", "EUR", "precision"),
        ("10", "EURO", "ISO 4217"),
        ("1000000000000", "EUR", "Too large"),
    ],
)
def test_payment_record_refuses_bad_input(client_a, amount, currency, error):
    with pytest.raises(ValidationError, match=error):
        payment_record(
            client=client_a, amount=Decimal(amount), currency=currency, received_on=TODAY
        )


def _unmatched_payment(amount: str, currency: str = "EUR") -> Payment:
    return _import([camt_entry(bank_id=f"U{amount}", amount=amount, currency=currency)]).new[0]


def test_allocate_by_hand_within_the_payment_and_the_open_amount(client_a, admin):
    invoice = invoice_of(client_a, "100.00", OCT, due_on=DUE)
    payment = _unmatched_payment("150.00")
    with pytest.raises(ValidationError, match=r"The invoice has 100\.00 EUR open"):
        payment_allocate(payment=payment, invoice=invoice, amount=Decimal("120.00"), actor=admin)
    payment_allocate(payment=payment, invoice=invoice, amount=Decimal("60.00"), actor=admin)
    payment_allocate(payment=payment, invoice=invoice, amount=Decimal("40.00"), actor=admin)
    allocation = PaymentAllocation.objects.get()
    assert (allocation.amount, allocation.matched_by) == (Decimal("100.00"), "manual")
    payment.refresh_from_db()
    assert payment.client == client_a and payment_unallocated(payment) == Decimal("50.00")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PAYMENT_ALLOCATED).count() == 2
    payment_unallocate(allocation=allocation, actor=admin)
    assert invoice_open_amount(invoice) == Decimal("100.00")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PAYMENT_UNALLOCATED).count() == 1


def test_allocate_never_more_than_the_payment_has_left(client_a, admin):
    invoice = invoice_of(client_a, "100.00", OCT, due_on=DUE)
    payment = _unmatched_payment("30.00")
    with pytest.raises(ValidationError, match=r"The payment has 30\.00 EUR left"):
        payment_allocate(payment=payment, invoice=invoice, amount=Decimal("30.01"), actor=admin)


def test_allocate_refuses_another_currency_and_another_clients_payment(
    client_a, make_client, admin
):
    invoice = invoice_of(client_a, "100.00", OCT, due_on=DUE)
    with pytest.raises(ValidationError, match="in CZK, the invoice in EUR"):
        payment_allocate(
            payment=_unmatched_payment("10.00", "CZK"), invoice=invoice, amount=Decimal(1)
        )
    other = make_client(currency="EUR", billing_country="CH")
    theirs, _ = payment_record(
        client=other, amount=Decimal("10.00"), currency="EUR", received_on=TODAY
    )
    theirs_invoice = invoice_of(other, "5.00", OCT, due_on=DUE)
    payment_allocate(payment=theirs, invoice=theirs_invoice, amount=Decimal(1))
    with pytest.raises(ValidationError, match="another client's"):
        payment_allocate(payment=theirs, invoice=invoice, amount=Decimal(1))


def test_credit_note_of_a_partly_paid_invoice_turns_the_paid_part_into_credit(client_a, admin):
    invoice = invoice_of(client_a, "100.00", OCT, due_on=DUE, reference="901")
    (payment,) = _import([camt_entry(bank_id="E1", amount="40.00", reference="901")]).new
    assert invoice_status(invoice, TODAY) == InvoiceStatus.OVERDUE
    credit_note_issue(invoice=invoice, reason="wrong minutes", now=utc(2026, 11, 21))
    assert invoice_status(invoice, TODAY) == InvoiceStatus.CREDITED
    assert invoice_open_amount(invoice) == 0
    assert client_credit(client=client_a) == {"EUR": Decimal("40.00")}
    revision = issue_with_terms(
        client_a, OCT, due_on=date(2026, 12, 5), reference="902", now=utc(2026, 11, 21, 9)
    )
    assert revision.revision == 2
    payment_allocate(payment=payment, invoice=revision, amount=Decimal("40.00"), actor=admin)
    assert invoice_open_amount(revision) == Decimal("60.00")
    assert invoice_status(revision, TODAY) == InvoiceStatus.PARTLY_PAID
    assert client_credit(client=client_a) == {}


def test_reference_keys_from_free_text():
    keys = reference_keys(reference="", text="/VS/0020260007/SS//KS/0308 faktura 2026-000012")
    assert "20260007" in keys and "2026-000012" in keys and "308" in keys


SAMPLES = Path(__file__).parent / "samples"


def test_a_czech_banks_statement_is_imported_and_matched(make_client):
    czk = make_client(currency="CZK")  # Czech: 21 % VAT, 15,000 + 3,150 = 18,150 due
    pln = make_client(currency="CZK", billing_country="CH")
    october = invoice_of(czk, "15000.00", OCT, due_on=DUE, reference="2026000101")
    assert october.amount_due == Decimal("18150.00")
    november = issue_with_terms(
        czk, NOV, due_on=date(2026, 12, 16), reference="2026000102", now=utc(2026, 12, 2)
    )
    sepa = invoice_of(pln, "2591.50", OCT, due_on=DUE, reference="RF18539007547034")
    data = (SAMPLES / "camt053_001_02_cz_bank.xml").read_bytes()
    result = bank_statement_import(data=data, filename="vypis.xml", user=None)
    assert result.statement.account == "CZ6520100000002998765432"
    assert (len(result.new), result.debits, len(result.skipped)) == (4, 1, 1)
    assert [invoice_open_amount(i) for i in (october, sepa)] == [0, 0]
    assert invoice_open_amount(november) == Decimal("18150.00") - Decimal("1200.00")
    (unmatched,) = result.unmatched
    assert (unmatched.bank_entry_id, unmatched.remittance) == ("26584012400/2", "Dobíjení kreditu")
    first = Payment.objects.get(bank_entry_id="26584012345")
    assert (first.payer_name, first.payer_account) == ("Obuv Šťastný s.r.o.", "2000145399/0800")


def test_a_payment_naming_a_credited_invoice_is_its_clients_credit(client_a):
    invoice = invoice_of(client_a, "100.00", OCT, due_on=DUE, reference="903")
    credit_note_issue(invoice=invoice, reason="cancelled", now=utc(2026, 11, 10))
    (payment,) = _import([camt_entry(bank_id="E1", amount="100.00", reference="903")]).new
    # Naming a credited invoice is not proof enough of whose it is: a person decides.
    assert payment.client is None and not payment.allocations.exists()
    assert client_credit(client=client_a) == {}


def test_a_known_payers_guess_is_not_saved_and_the_payment_goes_to_the_invoices_client(
    client_a, make_client, admin
):
    client_b = make_client(currency="EUR", billing_country="CH")
    invoice_of(client_a, "80.00", OCT, due_on=DUE, reference="111")
    _import([camt_entry(bank_id="E1", amount="80.00", reference="111", payer_iban="AT1")])
    invoice_b = invoice_of(client_b, "50.00", OCT, due_on=DUE, reference="222")
    # The same payer account pays for B now, naming nothing: not A's money on a guess.
    (payment,) = _import(
        [camt_entry(bank_id="E2", amount="50.00", payer_iban="AT1", text="for B")],
        statement_id="2",
    ).new
    assert payment.client_id is None and payment in payments_unmatched()
    assert client_credit(client=client_a) == {}
    payment_allocate(payment=payment, invoice=invoice_b, amount=Decimal("50.00"), actor=admin)
    payment.refresh_from_db()
    assert payment.client == client_b and invoice_open_amount(invoice_b) == 0


def test_a_payment_naming_a_paid_invoice_then_an_open_one_pays_the_open_one(client_a, make_client):
    client_b = make_client(currency="EUR", billing_country="CH")
    invoice_of(client_a, "80.00", OCT, due_on=DUE, reference="2026000001")
    _import([camt_entry(bank_id="E1", amount="80.00", reference="2026000001")])
    invoice_b = invoice_of(client_b, "50.00", OCT, due_on=DUE, reference="2026000002")
    (payment,) = _import(
        [camt_entry(bank_id="E2", amount="50.00", text="2026000001 2026000002")],
        statement_id="2",
    ).new
    assert payment.client == client_b and invoice_open_amount(invoice_b) == 0
    assert client_credit(client=client_a) == {}


def test_allocate_reassigns_a_payment_without_allocations_in_force(client_a, make_client, admin):
    other = make_client(currency="EUR", billing_country="CH")
    invoice = invoice_of(client_a, "100.00", OCT, due_on=DUE)
    # Recorded for the wrong client by mistake, nothing allocated: the invoice decides.
    wrong, _ = payment_record(
        client=other, amount=Decimal("10.00"), currency="EUR", received_on=TODAY
    )
    payment_allocate(payment=wrong, invoice=invoice, amount=Decimal("10.00"), actor=admin)
    wrong.refresh_from_db()
    assert wrong.client == client_a and client_credit(client=other) == {}


def test_an_entry_with_only_ntryref_reused_the_next_day_is_imported_again():
    def entry(amount: str) -> str:
        return camt_entry(bank_id="1", amount=amount).replace("<AcctSvcrRef>1</AcctSvcrRef>", "")

    _import([entry("10.00")], statement_id="day1")
    second = _import([entry("20.00")], statement_id="day2")
    assert [p.amount for p in second.new] == [Decimal("20.00")] and second.present == 0


def test_a_reversal_is_not_imported_and_is_listed_for_a_person(client_a):
    invoice_of(client_a, "80.00", OCT, due_on=DUE, reference="333")
    _import([camt_entry(bank_id="P1", amount="80.00", reference="333")])
    reversal = camt_entry(bank_id="P1R", amount="80.00", credit=False, reference="333").replace(
        "</CdtDbtInd>", "</CdtDbtInd><RvslInd>true</RvslInd>"
    )
    result = _import([reversal], statement_id="2")
    assert result.new == [] and client_credit(client=client_a) == {}
    assert any("reversal: check by hand" in reason for reason in result.skipped)


@pytest.mark.parametrize(
    "end_to_end", ["/VS2026000123/SS/KS0308", "VS2026000123", "VS: 2026000123"]
)
def test_the_end_to_end_id_is_searched_like_the_text(client_a, end_to_end):
    invoice = invoice_of(client_a, "50.00", OCT, due_on=DUE, reference="2026000123")
    entry = camt_entry(bank_id="E1", amount="50.00").replace(
        "<EndToEndId>NOTPROVIDED</EndToEndId>", f"<EndToEndId>{end_to_end}</EndToEndId>"
    )
    (payment,) = _import([entry]).new
    assert payment.reference == end_to_end and invoice_open_amount(invoice) == 0


def test_credits_are_inserted_in_bank_id_order():
    result = _import([camt_entry(bank_id=b, amount="10.00") for b in ("C", "A", "B")])
    assert [p.bank_entry_id for p in result.new] == ["A", "B", "C"]  # ordered by pk


def test_a_payment_of_more_decimals_than_it_stores_is_refused(client_a):
    with pytest.raises(ValidationError, match=r"At most 0\.01 BHD"):
        payment_record(client=client_a, amount=Decimal("1.235"), currency="BHD", received_on=TODAY)
    assert not Payment.objects.exists()


def test_the_future_is_the_agencys_local_date(client_a, settings, monkeypatch):
    settings.TIME_ZONE = "Pacific/Auckland"  # 23:30 UTC on the 19th is the 20th there
    monkeypatch.setattr("django.utils.timezone.now", lambda: utc(2026, 11, 19, 23, 30))
    payment, _ = payment_record(
        client=client_a, amount=Decimal("1.00"), currency="EUR", received_on=TODAY
    )
    assert payment.received_on == TODAY
    with pytest.raises(ValidationError, match="future"):
        payment_record(
            client=client_a,
            amount=Decimal("1.00"),
            currency="EUR",
            received_on=date(2026, 11, 21),
        )
