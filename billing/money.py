"""Money: the one place where amounts are rounded.

Amounts are ``Decimal`` with an ISO 4217 currency code, never floats. Unit prices and
quantities keep their precision through a calculation; only a finished amount (an invoice
line) is rounded, by :func:`money_round`, to the currency's minor unit as CLDR gives it
(babel): two decimals for EUR, CZK, PLN, RON...; none for HUF. Rounding is commercial
(half up, away from zero: 0.005 -> 0.01, -0.005 -> -0.01), so that a credit note is the exact
negative of its invoice. An invoice's total is the sum of its rounded lines, never a
rounding of the unrounded sum, so that the total always equals what the lines show.

Exchange rates are rounded here too, by :func:`exchange_rate_round`: a rate computed from
others (the ECB's cross rates through the euro) keeps the 8 decimals ``ExchangeRate.rate``
stores, half up, before it is stored, so that the rate used is the rate shown in the admin.
"""

from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from babel.numbers import get_currency_precision

ZERO = Decimal(0)
HUNDRED = Decimal(100)
RATE_PLACES = Decimal("0.00000001")  # ExchangeRate.rate: decimal_places=8
CENTS = Decimal("0.01")


@cache  # CLDR's data does not change while a process runs; rating asks once per line
def minor_unit(currency: str) -> Decimal:
    """The smallest amount an invoice shows in this currency (0.01 EUR, 1 HUF)."""
    return Decimal(1).scaleb(-get_currency_precision(currency))


def money_round(amount: Decimal, currency: str) -> Decimal:
    """`amount` rounded half up to the currency's minor unit."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"money is Decimal, not {type(amount).__name__}")
    return amount.quantize(minor_unit(currency), rounding=ROUND_HALF_UP)


def cents_round(amount: Decimal) -> Decimal:
    """`amount` rounded half up to two decimals, the most an EN 16931 amount may carry
    (an e-invoice states a line's rounding to the currency's unit with it: billing/ubl.py)."""
    return amount.quantize(CENTS, rounding=ROUND_HALF_UP)


def money_text(amount: Decimal, currency: str) -> str:
    """An amount as the command line and the logs print it: rounded to the currency's minor
    unit, no grouping, then the code ("369389 HUF", "1587.14 CZK", "-12.50 EUR")."""
    return f"{money_round(amount, currency)} {currency}"


def percent_of(amount: Decimal, percent: Decimal) -> Decimal:
    """`percent` % of `amount`, unrounded."""
    return amount * percent / HUNDRED


def exchange_rate_round(rate: Decimal) -> Decimal:
    """`rate` rounded half up to the 8 decimals an ExchangeRate stores."""
    if not isinstance(rate, Decimal):
        raise TypeError(f"a rate is Decimal, not {type(rate).__name__}")
    return rate.quantize(RATE_PLACES, rounding=ROUND_HALF_UP)
