"""VAT of an invoice, decided when it is issued: pure Python, no Django (docs/billing.md, "VAT").

The agency supplies services (support work, telephony passed through as part of it) from one
EU member state, the supplier's country. Its clients are e-shops. The rules applied:

* buyer in the supplier's country: the supplier's standard rate (category S);
* a business registered for VAT in another member state, with its VAT id: the place of supply
  is the buyer's country (Directive 2006/112/EC art. 44), the buyer accounts for the VAT
  (art. 196): reverse charge, category AE at 0 %;
* a buyer in another member state not registered for VAT: without a VAT id the supplier may
  treat it as a non-taxable person (Implementing Regulation 282/2011 art. 18(2)), so the
  general rule for those applies (art. 45): the supplier's country and standard rate, S;
* a buyer outside the EU: the place of supply is outside the EU (art. 44; art. 18(3) of
  282/2011 for the proof of business status): not subject to EU VAT, category O (EN 16931's
  "Services outside scope of tax"; G is the export of goods).

What cannot be decided raises :class:`VatUndecidable` with the reason, and nothing is issued.
VAT is computed per category and rate on the sum of the rounded line amounts, rounded once
(EN 16931 BR-CO-17), through ``billing.money``.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from stdnum.iso7064 import mod_97_10

from billing.money import ZERO, money_round, percent_of

# ISO 3166-1 codes of the 27 member states (Greece is GR here; EL is only its VAT prefix).
EU_MEMBER_STATES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
)
# A VAT id's prefix is its country's ISO code, except Greece's.
VAT_PREFIX = {"GR": "EL"}

DOMESTIC, REVERSE_CHARGE, OUTSIDE_SCOPE = "domestic", "reverse_charge", "outside_scope"
# EN 16931 VAT category codes (UNCL5305) of each treatment.
CATEGORY = {DOMESTIC: "S", REVERSE_CHARGE: "AE", OUTSIDE_SCOPE: "O"}


class VatUndecidable(ValueError):
    """The invoice's VAT cannot be decided from what is recorded; the message says why."""


@dataclass(frozen=True, kw_only=True)
class VatDecision:
    treatment: str  # DOMESTIC, REVERSE_CHARGE or OUTSIDE_SCOPE
    category: str  # S, AE or O
    rate: Decimal  # percent; 0 for AE and O


@dataclass(frozen=True, kw_only=True)
class VatSubtotal:
    category: str
    rate: Decimal
    taxable_amount: Decimal
    vat_amount: Decimal


def vat_prefix(country: str) -> str:
    """The VAT id prefix of a member state (EL for Greece)."""
    return VAT_PREFIX.get(country, country)


def _buyer_country_checked(country: str) -> str:
    country = country.strip().upper()
    if not country:
        raise VatUndecidable("the client has no billing country: set it in its billing identity")
    if country == "EL":
        raise VatUndecidable("billing country EL is Greece's VAT prefix: the country code is GR")
    if country == "XI":
        raise VatUndecidable(
            "billing country XI (Northern Ireland): services follow the UK's rules, goods the "
            "EU's; invoice it by hand"
        )
    # Monaco is France for VAT (Art. 7(1) of Directive 2006/112/EC); its businesses hold FR
    # VAT ids.
    return VAT_TERRITORY_OF.get(country, country)


# Countries outside the EU whose territory belongs to a member state's for VAT.
VAT_TERRITORY_OF = {"MC": "FR"}


def vat_decide(
    *,
    supplier_country: str,
    supplier_rate: Decimal | None,
    buyer_country: str,
    vat_registered: bool,
    vat_id: str,
) -> VatDecision:
    """The VAT treatment of an invoice (rules in the module's docstring); `supplier_rate` is
    the supplier's standard rate on the supply date, None if none is known."""
    if supplier_country not in EU_MEMBER_STATES:
        raise VatUndecidable(
            f"the supplier's country {supplier_country or '(none)'} is not an EU member state: "
            "set POLYDESK_ISSUER_COUNTRY"
        )
    if supplier_rate is None:
        raise VatUndecidable(
            f"no standard VAT rate of {supplier_country} for the supply date (the billed "
            "month's last day): add it in the admin (VAT rates)"
        )
    buyer = _buyer_country_checked(buyer_country)
    vat_id = vat_id.strip().upper()
    if vat_id.startswith("XI"):
        raise VatUndecidable(
            f"the VAT id {vat_id} is Northern Ireland's (XI): services follow the UK's rules, "
            "goods the EU's; invoice it by hand"
        )
    domestic = VatDecision(treatment=DOMESTIC, category="S", rate=supplier_rate)
    if buyer == supplier_country:
        return domestic
    if buyer not in EU_MEMBER_STATES:
        return VatDecision(treatment=OUTSIDE_SCOPE, category="O", rate=ZERO)
    if not vat_registered:
        return domestic
    if not vat_id:
        raise VatUndecidable(
            f"registered for VAT in {buyer} but no VAT id: give its VAT id (reverse charge) or "
            "mark it not registered (charged the supplier's VAT)"
        )
    if vat_id[:2] != vat_prefix(buyer):
        raise VatUndecidable(
            f"the VAT id {vat_id} is not one of {buyer} (prefix {vat_prefix(buyer)}): the "
            "billing country and the VAT id disagree"
        )
    return VatDecision(treatment=REVERSE_CHARGE, category="AE", rate=ZERO)


def vat_subtotals(
    *, lines: Iterable[tuple[str, Decimal, Decimal]], currency: str
) -> list[VatSubtotal]:
    """Per (category, rate) of the lines' (category, rate, rounded amount): the taxable
    amount is the sum of the amounts, the VAT that sum times the rate, rounded once."""
    taxable: dict[tuple[str, Decimal], Decimal] = defaultdict(lambda: ZERO)
    for category, rate, amount in lines:
        taxable[category, rate] += amount
    return [
        VatSubtotal(
            category=category,
            rate=rate,
            taxable_amount=amount,
            vat_amount=money_round(percent_of(amount, rate), currency),
        )
        for (category, rate), amount in sorted(taxable.items())
    ]


def variable_symbol(*, year: int, sequence: int) -> str:
    """The Czech and Slovak payment reference of an invoice: digits only, at most 10, unique
    per invoice number (the year, then the sequence on six digits)."""
    if not (0 < sequence < 1_000_000):
        raise ValueError(f"sequence {sequence} does not fit a 10-digit variable symbol")
    return f"{year:04d}{sequence:06d}"


def creditor_reference(*, base: str) -> str:
    """An ISO 11649 structured creditor reference (RF + two check digits + `base`)."""
    base = base.strip().upper()
    if not base.isalnum() or len(base) > 21:
        raise ValueError(f"{base!r}: a creditor reference holds 1-21 letters or digits")
    return f"RF{mod_97_10.calc_check_digits(base + 'RF')}{base}"


def payment_reference(*, buyer_country: str, year: int, sequence: int) -> str:
    """A variable symbol for a Czech or Slovak buyer (their banks' field), else an RF."""
    symbol = variable_symbol(year=year, sequence=sequence)
    if buyer_country in ("CZ", "SK"):
        return symbol
    return creditor_reference(base=symbol)
