"""Rating: a client's month of usage priced against the plan valid at each event's time.

Two halves. :func:`usage_groups` asks PostgreSQL to aggregate the ledger (one pass, grouped
by client, plan version, kind, language, out-of-hours and currency: a few rows per client,
whatever the number of events), so memory stays flat. :func:`rate_month` is plain Python
on those groups and plain plan terms: it makes the invoice lines. Amounts are rounded only
per line (``billing.money``).

Rules (docs/billing.md):

* The month is the client's calendar month in its own time zone; a plan's dates are local
  dates too. A plan that covers only part of the month (a new version from the 17th) is
  charged pro rata by days: its base fee and its included volumes (rounded down to whole
  units).
* Included volume covers the base price of the first units; surcharges (language group,
  out of hours) apply to every unit, included ones too: they pay for the scarce language or
  the night shift, which the base fee does not.
* Phone minutes per second: the month's seconds / 60. Per started minute: each call is
  rounded up to whole minutes first (a correction of a call, negative, is rounded the same
  way, so that it cancels the call exactly).
* Telephony cost is passed through at cost, plus the plan's margin as its own line. Cost in
  another currency (Twilio's USD) is converted at the exchange rate valid on its local day;
  without one, the month does not rate.
* A month with a valid plan and no usage is charged its base fee; usage on a day without a
  plan is an error (nothing is invoiced until a plan covers it).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from billing.money import ZERO, money_round, percent_of
from core.months import month_bounds

SIXTY = Decimal(60)

KIND_EMAIL = "email_answered"
KIND_CHAT = "chat_handled"
KIND_CALL = "call_minutes"
KIND_TELEPHONY = "telephony_cost"
PRICED_KINDS = (KIND_CALL, KIND_EMAIL, KIND_CHAT)


class RatingError(Exception):
    """The month cannot be rated as recorded (no plan on a day with usage, a currency)."""


@dataclass(frozen=True, kw_only=True)
class PlanTerms:
    id: int
    currency: str
    valid_from: date
    valid_to: date | None
    base_monthly_fee: Decimal
    included_call_minutes: int
    included_emails: int
    included_chats: int
    price_per_call_minute: Decimal
    call_minute_rounding: str  # "second" or "started_minute"
    price_per_email: Decimal
    price_per_chat: Decimal
    out_of_hours_surcharge_percent: Decimal
    telephony_margin_percent: Decimal
    # (name, languages, percent)
    surcharges: tuple[tuple[str, tuple[str, ...], Decimal], ...] = ()


class UsageGroup(NamedTuple):
    """One group of the month's ledger, as the rating statement returns it (a named tuple,
    built from the row as it comes: about 32,000 of them for 500 clients)."""

    plan_id: int | None
    kind: str
    language: str
    out_of_hours: bool
    currency: str
    events: int
    quantity: Decimal  # sum of quantities (seconds for calls, an amount for telephony)
    started_minutes: Decimal  # calls only: sum of each call's minutes rounded up
    first_day: date  # the earliest local day (for a clear error)
    # Telephony cost in another currency than the client's: the sum in the client's (each
    # event converted at the rate of its local day), and the first day without a rate.
    converted: Decimal | None = None
    unconverted_day: date | None = None


@dataclass(frozen=True, kw_only=True)
class Line:
    kind: str
    plan_id: int | None
    starts_on: date
    ends_on: date
    quantity: Decimal
    unit: str
    unit_price: Decimal
    amount: Decimal
    included: Decimal = ZERO
    label: str = ""


@dataclass(kw_only=True)
class Rating:
    currency: str
    lines: list[Line] = field(default_factory=list)
    # Usage at list price (before included volume) and telephony, per language; cost is
    # the telephony cost the agency pays. For the agency's revenue view.
    revenue_by_language: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    cost_by_language: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def cost(self) -> Decimal:
        return sum(self.cost_by_language.values(), ZERO)


def _per_unit(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.000001"))


def rate_month(
    *, currency: str, month: date, plans: list[PlanTerms], usage: list[UsageGroup]
) -> Rating:
    """Invoice lines for one client's month (see the module's rules)."""
    start, end = month_bounds(month)
    days_in_month = (end - start).days
    rating = Rating(currency=currency)
    by_plan: dict[int | None, list[UsageGroup]] = defaultdict(list)
    for group in usage:
        by_plan[group.plan_id].append(group)
    if by_plan.get(None):
        day = min(group.first_day for group in by_plan[None])
        raise RatingError(f"usage on {day.isoformat()} has no price plan: add one covering it.")

    for plan in sorted(plans, key=lambda p: p.valid_from):
        seg_start = max(start, plan.valid_from)
        seg_end = min(end, plan.valid_to) if plan.valid_to else end
        if seg_end <= seg_start:
            continue
        if plan.currency != currency:
            raise RatingError(f"plan {plan.id} is in {plan.currency}, the client in {currency}.")
        groups = by_plan.get(plan.id, [])
        rating.lines.extend(_plan_lines(rating, plan, groups, seg_start, seg_end, days_in_month))
    return rating


def _plan_lines(
    rating: Rating,
    plan: PlanTerms,
    groups: list[UsageGroup],
    seg_start: date,
    seg_end: date,
    days_in_month: int,
) -> list[Line]:
    currency = rating.currency
    days = (seg_end - seg_start).days
    lines: list[Line] = []

    def line(
        kind: str,
        quantity: Decimal,
        unit: str,
        unit_price: Decimal,
        amount: Decimal,
        included: Decimal = ZERO,
        label: str = "",
    ) -> None:
        lines.append(
            Line(
                kind=kind,
                plan_id=plan.id,
                starts_on=seg_start,
                ends_on=seg_end,
                quantity=quantity,
                unit=unit,
                unit_price=unit_price,
                amount=money_round(amount, currency),
                included=included,
                label=label,
            )
        )

    if plan.base_monthly_fee:
        if days == days_in_month:
            line("base_fee", Decimal(1), "month", plan.base_monthly_fee, plan.base_monthly_fee)
        else:
            line(
                "base_fee",
                Decimal(days),
                "day",
                _per_unit(plan.base_monthly_fee / days_in_month),
                plan.base_monthly_fee * days / days_in_month,
            )

    # Units and their list-price value per kind, per language, out of hours.
    # Everything is counted in sixtieths of a unit (a call's seconds; 60 per conversation)
    # and priced as sixtieths: sums of these are exact, whatever the order of the groups,
    # and the one division by 60 comes last, just before a line is rounded.
    units60: dict[str, Decimal] = defaultdict(Decimal)
    prices = {
        KIND_CALL: plan.price_per_call_minute,
        KIND_EMAIL: plan.price_per_email,
        KIND_CHAT: plan.price_per_chat,
    }
    value60_by_language: dict[str, Decimal] = defaultdict(Decimal)
    value60_out_of_hours: dict[str, Decimal] = defaultdict(Decimal)
    telephony = ZERO
    per_second = plan.call_minute_rounding == "second"
    for group in groups:
        kind = group.kind
        if kind == KIND_TELEPHONY:
            cost = group.quantity
            if group.currency != currency:
                if group.unconverted_day is not None or group.converted is None:
                    day = group.unconverted_day or group.first_day
                    raise RatingError(
                        f"no {group.currency}->{currency} exchange rate on or before "
                        f"{day.isoformat()}: add one (admin: Billing > Exchange rates) to pass "
                        f"the telephony cost through."
                    )
                cost = group.converted
            telephony += cost
            rating.cost_by_language[group.language] += cost
            rating.revenue_by_language[group.language] += cost + percent_of(
                cost, plan.telephony_margin_percent
            )
            continue
        price = prices.get(kind)
        if price is None:
            raise RatingError(f"unknown usage kind {kind!r}")
        if kind != KIND_CALL:
            quantity60 = group.quantity * SIXTY
        elif per_second:
            quantity60 = group.quantity  # seconds
        else:
            quantity60 = group.started_minutes * SIXTY
        units60[kind] += quantity60
        value60 = quantity60 * price
        value60_by_language[group.language] += value60
        if group.out_of_hours:
            value60_out_of_hours[group.language] += value60

    included = {
        KIND_CALL: plan.included_call_minutes,
        KIND_EMAIL: plan.included_emails,
        KIND_CHAT: plan.included_chats,
    }
    names = {
        KIND_CALL: ("call_minutes", "minute"),
        KIND_EMAIL: ("emails", "conversation"),
        KIND_CHAT: ("chats", "conversation"),
    }
    for kind in PRICED_KINDS:
        quantity60 = units60.get(kind, ZERO)
        if not quantity60:
            continue
        # Pro rata included volume, rounded down to whole units (integer arithmetic).
        allowance = Decimal(included[kind] * days // days_in_month)
        covered = max(ZERO, min(allowance, quantity60 / SIXTY))
        line(
            names[kind][0],
            (quantity60 / SIXTY).quantize(Decimal("0.0001")),
            names[kind][1],
            prices[kind],
            (quantity60 - covered * SIXTY) * prices[kind] / SIXTY,
            included=covered.quantize(Decimal("0.0001")),
        )

    for language, value60 in value60_by_language.items():
        rating.revenue_by_language[language] += value60 / SIXTY
    for name, languages, percent in plan.surcharges:
        base60 = sum((value60_by_language.get(code, ZERO) for code in languages), ZERO)
        if base60:
            line(
                "language_surcharge",
                (base60 / SIXTY).quantize(Decimal("0.0001")),
                "amount",
                _per_unit(percent / 100),
                percent_of(base60, percent) / SIXTY,
                label=name,
            )
            for code in languages:
                rating.revenue_by_language[code] += (
                    percent_of(value60_by_language.get(code, ZERO), percent) / SIXTY
                )
    night60 = sum(value60_out_of_hours.values(), ZERO)
    if night60 and plan.out_of_hours_surcharge_percent:
        percent = plan.out_of_hours_surcharge_percent
        line(
            "out_of_hours",
            (night60 / SIXTY).quantize(Decimal("0.0001")),
            "amount",
            _per_unit(percent / 100),
            percent_of(night60, percent) / SIXTY,
        )
        for language, value60 in value60_out_of_hours.items():
            rating.revenue_by_language[language] += percent_of(value60, percent) / SIXTY
    if telephony:
        shown = telephony.quantize(Decimal("0.0001"))
        line("telephony", shown, "amount", Decimal(1), telephony)
        if plan.telephony_margin_percent:
            line(
                "telephony_margin",
                shown,
                "amount",
                _per_unit(plan.telephony_margin_percent / 100),
                percent_of(telephony, plan.telephony_margin_percent),
            )
    return lines
