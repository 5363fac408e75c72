"""The agency's bank accounts per currency (POLYDESK_ISSUER_BANK_ACCOUNTS): checked at start,
a typo refuses to start with a message naming the variable and the value."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config import env
from tests.config.test_https import run


def test_accounts_are_read_per_currency_in_their_compact_form(monkeypatch):
    monkeypatch.setenv(
        "POLYDESK_ISSUER_BANK_ACCOUNTS",
        " czk = CZ65 0800 0000 1920 0014 5399/gibaczpx , EUR=CZ1108000000192000145401,",
    )
    assert env.bank_accounts(development=False) == {
        "CZK": ("CZ6508000000192000145399", "GIBACZPX"),
        "EUR": ("CZ1108000000192000145401", ""),
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("CZK=CZ6508000000192000145398/GIBACZPX", "not a valid IBAN"),
        ("CZK=CZ6508000000192000145399/GIBA", "not a valid BIC"),
        ("CZ6508000000192000145399", "is not CURRENCY=IBAN/BIC"),
        ("CZK=CZ6508000000192000145399,CZK=CZ1108000000192000145401", "CZK given twice"),
        ("KČ=CZ6508000000192000145399", "is not CURRENCY=IBAN/BIC"),
    ],
)
def test_a_bad_value_is_refused_with_what_is_wrong(monkeypatch, value, message):
    monkeypatch.setenv("POLYDESK_ISSUER_BANK_ACCOUNTS", value)
    with pytest.raises(ImproperlyConfigured, match=message):
        env.bank_accounts(development=True)


def test_the_demo_accounts_are_for_development_only(monkeypatch):
    monkeypatch.delenv("POLYDESK_ISSUER_BANK_ACCOUNTS", raising=False)
    assert env.bank_accounts(development=False) == {}
    demo = env.bank_accounts(development=True)
    assert set(demo) == {"CZK", "EUR", "HUF", "PLN"}


def test_production_refuses_to_start_with_a_mistyped_account():
    code = ["-c", "import django; django.setup()"]
    good = run(code, DJANGO_SETTINGS_MODULE="config.settings")
    assert good.returncode == 0, good.stderr
    bad = run(
        code,
        DJANGO_SETTINGS_MODULE="config.settings",
        POLYDESK_ISSUER_BANK_ACCOUNTS="EUR=DE89370400440532013001",
    )
    assert bad.returncode != 0
    assert (
        "POLYDESK_ISSUER_BANK_ACCOUNTS (EUR): 'DE89370400440532013001' is not a valid IBAN"
        in bad.stderr
    )
    wrong_single = run(code, DJANGO_SETTINGS_MODULE="config.settings", POLYDESK_ISSUER_IBAN="CZ00")
    assert "POLYDESK_ISSUER_IBAN/BIC" in wrong_single.stderr
