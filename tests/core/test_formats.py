"""Numbers, money, rates and dates in the reader's language; channels by name."""

from datetime import UTC, datetime
from decimal import Decimal

from django.utils import translation

from core.channels import Channel, channel_label
from core.formats import Formats, brackets_unbroken


def test_czech_numbers_money_and_rates():
    fmt = Formats("cs", "Europe/Prague", "CZK")
    assert fmt.number(1234567).replace("\xa0", " ") == "1 234 567"
    assert fmt.money(Decimal("1587.14")).replace("\xa0", " ") == "1 587,14 Kč"
    assert fmt.percent(Decimal("0.125")).replace("\xa0", " ") == "12,5 %"
    assert fmt.number(None) == "—"


def test_dates_are_read_in_the_readers_zone():
    fmt = Formats("en", "Europe/Prague", "EUR")
    assert fmt.date(datetime(2026, 10, 31, 23, 30, tzinfo=UTC)) == "November 1, 2026"


def test_every_channel_has_a_name_and_an_unknown_code_is_shown_as_is():
    with translation.override("en"):
        assert [channel_label(c) for c in Channel.values] == [
            "Phone call",
            "E-mail",
            "Chat",
            "SMS",
            "API",
        ]
        assert channel_label("fax") == "fax"


def test_a_figure_and_its_unit_never_wrap_apart():
    fmt = Formats("sl", "Europe/Ljubljana", "EUR")
    assert fmt.percent(Decimal("0.921")) == "92,1\xa0%"
    with translation.override("sl"):
        assert fmt.hours(115920) == "32,2\xa0h"
        assert fmt.seconds(20) == "20\xa0s"
        assert " " not in fmt.change_points(Decimal("0.5"), Decimal("0.4"))
        assert " " not in fmt.change_hours(7200, 3600)
    assert brackets_unbroken("NPS (-100 to 100)") == "NPS (-100\xa0to\xa0100)"
