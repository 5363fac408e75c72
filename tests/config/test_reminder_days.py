"""POLYDESK_INVOICE_REMINDER_DAYS: rising whole days, or the start stops with the reason."""

import pytest

from config import env


@pytest.mark.parametrize(("value", "days"), [(None, [7, 21, 35]), ("3, 10", [3, 10]), ("", [])])
def test_reminder_days(monkeypatch, value, days):
    if value is None:
        monkeypatch.delenv("POLYDESK_INVOICE_REMINDER_DAYS", raising=False)
    else:
        monkeypatch.setenv("POLYDESK_INVOICE_REMINDER_DAYS", value)
    assert env.invoice_reminder_days() == days


@pytest.mark.parametrize("value", ["7,x", "21,7", "0,7", "7,7"])
def test_bad_reminder_days_stop_the_start(monkeypatch, value):
    monkeypatch.setenv("POLYDESK_INVOICE_REMINDER_DAYS", value)
    with pytest.raises(ValueError, match="POLYDESK_INVOICE_REMINDER_DAYS"):
        env.invoice_reminder_days()
