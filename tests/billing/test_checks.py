"""`manage.py check --deploy` warns while invoices would carry the demo agency's identity."""

from django.test import override_settings

from billing.checks import invoice_issuer_check, vat_issuer_check

ISSUER = {
    "name": "Agentura Hvězda s.r.o.",
    "address": "Na Příkopě 1, 110 00 Praha 1",
    "registration_id": "27074358",
    "vat_id": "",
    "iban": "CZ65 0800 0000 1920 0014 5399",
    "bic": "",
}


def test_the_demo_issuer_is_reported_with_every_missing_variable():
    with override_settings(
        INVOICE_ISSUER={**ISSUER, "name": "Polydesk demo agency", "iban": " "},
        INVOICE_BANK_ACCOUNTS={},
    ):
        (warning,) = invoice_issuer_check(None)
    assert warning.id == "billing.W001"
    assert "POLYDESK_ISSUER_NAME, POLYDESK_ISSUER_IBAN not set" in warning.msg


def test_a_real_issuer_passes_without_vat_id_or_bic():
    with override_settings(INVOICE_ISSUER=ISSUER):
        assert invoice_issuer_check(None) == []


def test_vat_needs_the_suppliers_vat_id_of_its_member_state():
    cases = [
        ("CZ", "", "POLYDESK_ISSUER_VAT_ID is not set"),
        ("SK", "CZ27074358", "CZ27074358 is not a VAT id of SK"),
        ("CH", "CHE116281710", "CH is not an EU member state"),
    ]
    for country, vat_id, problem in cases:
        with override_settings(INVOICE_ISSUER={**ISSUER, "country": country, "vat_id": vat_id}):
            (warning,) = vat_issuer_check(None)
        assert warning.id == "billing.W002" and problem in warning.msg
    with override_settings(INVOICE_ISSUER={**ISSUER, "country": "CZ", "vat_id": "CZ27074358"}):
        assert vat_issuer_check(None) == []


def test_accounts_per_currency_stand_in_for_the_one_iban():
    accounts = {"EUR": ("CZ1108000000192000145401", "GIBACZPX")}
    with override_settings(INVOICE_ISSUER={**ISSUER, "iban": ""}, INVOICE_BANK_ACCOUNTS=accounts):
        assert invoice_issuer_check(None) == []
