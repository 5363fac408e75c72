"""The invoice PDF's payment block: amount, due date, reference, account, and a QR code a
banking app reads back exactly (rendered, then read with zbar)."""

from datetime import date
from decimal import Decimal

from billing.document import KIND_CREDIT_NOTE, Party, document_payment_qr, invoice_pdf
from billing.selectors import invoice_issuer
from tests.billing.test_document import document
from tests.support.pdf import qr_codes_of, text_of

CZK_ISSUER = Party(
    name="Agentura Žluťoučký kůň s.r.o.",
    address="Vinohradská 12, 120 00 Praha 2",
    iban="CZ6508000000192000145399",
    bic="GIBACZPX",
)
EUR_ISSUER = Party(
    name="Agentura Žluťoučký kůň s.r.o.", iban="CZ1108000000192000145401", bic="GIBACZPX"
)


def payable(language: str, **changes):
    values = {
        "currency": "CZK",
        "issuer": CZK_ISSUER,
        "customer": Party(name="Obchod s.r.o.", country="CZ"),
        "total": Decimal("2332.00"),
        "total_with_vat": Decimal("2821.72"),
        "due_on": date(2026, 11, 15),
        "payment_reference": "2026000042",
    }
    return document(language, **{**values, **changes})


def test_a_czk_invoice_prints_how_to_pay_and_a_qr_platba_that_reads_back():
    pdf = invoice_pdf(payable("cs"))
    text = text_of(pdf)
    assert "Platba" in text
    assert "2 821,72 Kč" in text  # with VAT, not the net total
    assert "15. listopadu 2026" in text
    assert "Variabilní symbol: 2026000042" in text or "Variabilní symbol 2026000042" in text
    assert "IBAN CZ65 0800 0000 1920 0014 5399 BIC GIBACZPX" in text  # the payment block
    assert "QR Platba" in text
    [code] = qr_codes_of(pdf)
    assert code.startswith("SPD*1.0*ACC:CZ6508000000192000145399+GIBACZPX*AM:2821.72*CC:CZK")
    assert "*X-VS:2026000042*DT:20261115*" in code


def test_a_eur_invoice_to_germany_carries_an_epc_code_with_its_rf_reference():
    reference = "RF18539007547034"
    pdf = invoice_pdf(
        payable(
            "de",
            currency="EUR",
            issuer=EUR_ISSUER,
            customer=Party(name="Schuhhaus Müller GmbH", country="DE"),
            total_with_vat=Decimal("1234.56"),
            payment_reference=reference,
        )
    )
    text = text_of(pdf)
    assert "EPC QR (SEPA)" in text and reference in text
    [code] = qr_codes_of(pdf)
    lines = code.split("\n")
    assert lines[:8] == [
        "BCD",
        "002",
        "1",
        "SCT",
        "GIBACZPX",
        "Agentura Žluťoučký kůň s.r.o.",
        "CZ1108000000192000145401",
        "EUR1234.56",
    ]
    assert lines[9] == reference


def test_the_code_holds_exactly_what_the_standard_function_makes():
    doc = payable(
        "en", currency="EUR", issuer=EUR_ISSUER, customer=Party(name="Shop", country="AT")
    )
    [code] = qr_codes_of(invoice_pdf(doc))
    assert code.startswith("BCD\n002\n1\nSCT\nGIBACZPX\n")
    assert code == epc_of(doc)
    czk = payable("en")
    [code] = qr_codes_of(invoice_pdf(czk))
    assert code.startswith("SPD*1.0*") and code == spayd_of(czk)


def epc_of(doc):
    payment = document_payment_qr(doc)
    assert payment is not None and payment.kind == "epc"
    return payment.payload


def spayd_of(doc):
    payment = document_payment_qr(doc)
    assert payment is not None and payment.kind == "spayd"
    return payment.payload


def test_a_forint_invoice_prints_the_bank_details_without_a_code():
    issuer = Party(name="Agentura", iban="HU42117730161111101800000000", bic="OTPVHUHB")
    pdf = invoice_pdf(payable("hu", currency="HUF", issuer=issuer, total_with_vat=Decimal("2962")))
    text = text_of(pdf)
    assert "HU42117730161111101800000000" in text
    assert "QR Platba" not in text and "EPC QR" not in text
    assert qr_codes_of(pdf) == []


def test_a_credit_note_and_an_invoice_with_nothing_to_pay_print_no_payment_block():
    credit = payable(
        "en",
        kind=KIND_CREDIT_NOTE,
        corrects_number="2026-000041",
        total=Decimal("-2332.00"),
        total_with_vat=Decimal("-2821.72"),
        due_on=None,
    )
    zero = payable("en", total=Decimal("0.00"), total_with_vat=Decimal("0.00"))
    for doc in (credit, zero):
        pdf = invoice_pdf(doc)
        assert "Amount to pay" not in text_of(pdf)
        assert qr_codes_of(pdf) == []


def test_an_invoice_issued_before_vat_pays_its_net_total():
    pdf = invoice_pdf(payable("en", total_with_vat=None))
    text = text_of(pdf)
    assert "Amount to pay CZK" in text and "2,332.00" in text and "2,821.72" not in text
    [code] = qr_codes_of(pdf)
    assert "*AM:2332.00*" in code


def test_without_an_account_the_invoice_says_bank_details_follow():
    pdf = invoice_pdf(payable("en", issuer=Party(name="Agentura")))
    assert "Bank details will follow." in text_of(pdf)
    assert qr_codes_of(pdf) == []


def test_the_issuer_carries_the_account_of_the_invoices_currency(settings):

    settings.INVOICE_ISSUER = {
        **settings.INVOICE_ISSUER,
        "iban": "DE89370400440532013000",
        "bic": "",
    }
    settings.INVOICE_BANK_ACCOUNTS = {"CZK": ("CZ6508000000192000145399", "GIBACZPX")}
    assert (invoice_issuer(currency="CZK").iban, invoice_issuer(currency="CZK").bic) == (
        "CZ6508000000192000145399",
        "GIBACZPX",
    )
    # A currency without its own account: the one IBAN.
    assert invoice_issuer(currency="EUR").iban == "DE89370400440532013000"


def test_what_a_standard_cannot_carry_prints_the_bank_details_without_a_code():
    huge = payable("en", total_with_vat=Decimal("12345678.90"))  # SPAYD's AM: 10 characters
    long_name = payable(
        "en",
        currency="EUR",
        issuer=Party(name="A" * 71, iban="CZ1108000000192000145401"),
        customer=Party(name="Shop", country="AT"),
    )
    for doc in (huge, long_name):
        pdf = invoice_pdf(doc)
        assert "Amount to pay" in text_of(pdf) and qr_codes_of(pdf) == []
