"""Payment QR codes' texts, held to the standards' published examples and limits."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billing.payment_qr import (
    EPC,
    EPC_PAYLOAD_MAX,
    SPAYD,
    PaymentQrError,
    PaymentRequest,
    epc,
    payment_qr_for,
    spayd,
    spayd_text,
)


def request(**changes) -> PaymentRequest:
    values = {
        "iban": "CZ6508000000192000145399",
        "bic": "GIBACZPX",
        "name": "Polydesk s.r.o.",
        "amount": Decimal("12100.00"),
        "currency": "CZK",
        "reference": "2026000123",
        "due_on": date(2026, 12, 21),
        "message": "Faktura 2026-000123",
    }
    return PaymentRequest(**{**values, **changes})


def test_the_spayd_specifications_example_comes_out_as_published():
    # qr-platba.cz, "Specifikace formátu", the example payment (keys in our fixed order).
    text = spayd(
        request(
            iban="CZ5855000000001265098001",
            bic="",
            name="",
            amount=Decimal("480.50"),
            reference="1234567890",
            due_on=None,
            message="Platba za zboží",
        )
    )
    fields = text.split("*")
    assert fields[:2] == ["SPD", "1.0"]
    assert sorted(fields[2:]) == sorted(
        [
            "ACC:CZ5855000000001265098001",
            "AM:480.50",
            "CC:CZK",
            "MSG:PLATBA ZA ZBOZI",
            "X-VS:1234567890",
        ]
    )


def test_spayd_carries_bic_due_date_and_the_beneficiary():
    text = spayd(request())
    assert text == (
        "SPD*1.0*ACC:CZ6508000000192000145399+GIBACZPX*AM:12100.00*CC:CZK*X-VS:2026000123"
        "*DT:20261221*MSG:FAKTURA 2026-000123*RN:POLYDESK S.R.O."
    )


def test_spayd_escapes_its_separator_and_keeps_within_the_message_limit():
    assert spayd_text("50% off * now", 60) == "50%25 OFF %2A NOW"
    long = spayd_text("Ř" * 100, 60)
    assert long == "R" * 60
    # An escape is never cut in half at the limit.
    assert spayd_text("AB*", 4) == "AB"


def test_an_rf_reference_is_no_variable_symbol_and_goes_into_the_message():
    text = spayd(request(reference="RF18539007547034"))
    assert "X-VS" not in text
    assert "*MSG:RF18539007547034 FAKTURA 2026-000123" in text


def test_the_epc_guidelines_example_comes_out_line_for_line():
    # EPC069-12, the example: Red Cross of Belgium, EUR 1, "Urgency fund".
    text = epc(
        request(
            iban="BE72000000001616",
            bic="BPOTBEB1",
            name="Red Cross of Belgium",
            amount=Decimal("1.00"),
            currency="EUR",
            reference="",
            message="Urgency fund",
        )
    )
    assert text.split("\n") == [
        "BCD",
        "002",
        "1",
        "SCT",
        "BPOTBEB1",
        "Red Cross of Belgium",
        "BE72000000001616",
        "EUR1.00",
        "",
        "",
        "Urgency fund",
    ]


def test_an_rf_reference_goes_into_the_structured_field_and_the_text_stays_empty():
    lines = epc(request(currency="EUR", reference="RF18539007547034")).split("\n")
    assert lines[9:] == ["RF18539007547034"]
    # A reference that is no RF (a variable symbol) goes into the text with the message.
    lines = epc(request(currency="EUR")).split("\n")
    assert lines[9:] == ["", "2026000123 Faktura 2026-000123"]


def test_epc_refuses_what_the_standard_does_not_allow():
    with pytest.raises(PaymentQrError, match="euros only"):
        epc(request(currency="CZK"))
    with pytest.raises(PaymentQrError, match=r"0\.01"):
        epc(request(currency="EUR", amount=Decimal("1000000000.00")))
    with pytest.raises(PaymentQrError, match="two decimals"):
        epc(request(currency="EUR", amount=Decimal("1.005")))
    with pytest.raises(PaymentQrError, match="name"):
        epc(request(currency="EUR", name="x" * 71))


def test_epc_stays_within_331_bytes_with_long_non_ascii_texts():
    text = epc(request(currency="EUR", name="Ž" * 70, message="ő" * 200))
    assert len(text.encode()) <= EPC_PAYLOAD_MAX
    kept = text.split("\n")[10]
    assert kept.startswith("2026000123 ő") and set(kept[11:]) == {"ő"}
    # The payment's own data is never shortened.
    assert text.split("\n")[5] == "Ž" * 70


@pytest.mark.parametrize(
    ("currency", "iban", "payer", "kind"),
    [
        ("CZK", "CZ6508000000192000145399", "DE", SPAYD),
        ("EUR", "CZ1108000000192000145401", "CZ", SPAYD),
        ("EUR", "CZ1108000000192000145401", "SK", EPC),
        ("EUR", "DE89370400440532013000", "CZ", EPC),
        ("HUF", "HU42117730161111101800000000", "HU", None),
        ("PLN", "PL61109010140000071219812874", "PL", None),
    ],
)
def test_each_currency_gets_the_code_its_payers_banks_read(currency, iban, payer, kind):
    code = payment_qr_for(request(currency=currency, iban=iban), payer_country=payer)
    assert (code.kind if code else None) == kind


def test_no_code_for_nothing_to_pay_or_no_account():
    assert payment_qr_for(request(amount=Decimal("0.00"))) is None
    assert payment_qr_for(request(amount=Decimal("-10.00"))) is None
    assert payment_qr_for(request(iban="")) is None


@settings(max_examples=300, deadline=None)
@given(
    message=st.text(max_size=200),
    name=st.text(min_size=1, max_size=70).filter(lambda name: name.split()),
    cents=st.integers(min_value=1, max_value=99_999_999_999),
)
def test_any_text_keeps_both_standards_within_their_rules(message, name, cents):
    amount = Decimal(cents) / 100
    czk = spayd(request(message=message, name=name, amount=min(amount, Decimal("9999999.99"))))
    fields = czk.split("*")
    assert fields[:2] == ["SPD", "1.0"]
    values = dict(field.split(":", 1) for field in fields[2:])  # no stray "*" inside a value
    assert len(values.get("MSG", "")) <= 60 and len(values.get("RN", "")) <= 35
    assert all(char.isascii() and not char.islower() for char in czk)
    eur = epc(request(currency="EUR", message=message, name=name, amount=amount))
    lines = eur.split("\n")
    assert len(eur.encode()) <= EPC_PAYLOAD_MAX and lines[:4] == ["BCD", "002", "1", "SCT"]
    assert lines[7] == f"EUR{amount:.2f}" and len(lines) <= 12


def test_spayd_leaves_out_a_name_or_message_with_no_letter_it_can_carry():
    request = PaymentRequest(
        iban="CZ6508000000192000145399",
        bic="",
        name="Агенция ООД",
        amount=Decimal("100.00"),
        currency="CZK",
        reference="2026000001",
        message="Фактура",
    )

    text = spayd(request)

    assert "*RN:" not in text and "*MSG:" not in text and not text.endswith("*")
