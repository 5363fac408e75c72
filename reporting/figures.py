"""The plain data of a report: periods and KPI figures (no Django, no database).

The selectors fill these from the database; the PDF layout and the portal read them. Call
figures (telephony) and the cost section (billing) are optional parts: a report shows them
when they are given.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from core.months import month_span, months_back

# The split dimensions, in the order the report shows them.
DIMENSIONS = ("channel", "language", "country", "category")
# A contact is a repeat contact if the same customer opened another one this many days before.
REPEAT_WINDOW_DAYS = 7
# The hours-of-week heat map: 7 rows (Monday first) of 24 hours.
DAYS_IN_WEEK = 7
HOURS_IN_DAY = 24
# The splits of the call KPIs (a call has no channel and no category; its menu gives a topic).
CALL_DIMENSIONS = ("language", "country", "topic")
# Service level: a queued call counts as answered in time if an agent answered within this.
SERVICE_LEVEL_SECONDS = 20
# The post-call survey's scores, and the lowest that counts as satisfied.
CSAT_SCORES = (1, 2, 3, 4, 5)
CSAT_SATISFIED = 4
# The survey's Net Promoter question (0-10): promoters answer 9 or 10, detractors 0 to 6
# (7 and 8: passives).
NPS_SCORES = tuple(range(11))
NPS_PROMOTER = 9
NPS_DETRACTOR = 6


@dataclass(frozen=True, kw_only=True)
class Period:
    """[start, end) in the client's time zone; a calendar month or a month so far."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("a period's bounds must be aware datetimes")
        if self.end <= self.start:
            raise ValueError("a period must end after it starts")

    @classmethod
    def month(cls, *, year: int, month: int, time_zone: str) -> "Period":
        """The calendar month in the client's zone (midnight of the 1st to the next 1st)."""
        start, end = month_span(date(year, month, 1), zone=ZoneInfo(time_zone))
        return cls(start=start, end=end)

    @classmethod
    def month_of(cls, *, day: date, time_zone: str) -> "Period":
        return cls.month(year=day.year, month=day.month, time_zone=time_zone)

    @property
    def first_day(self) -> date:
        return self.start.date()

    @property
    def days(self) -> list[date]:
        """Every local day of the period."""
        last = (self.end - timedelta(microseconds=1)).date()
        count = (last - self.first_day).days + 1
        return [self.first_day + timedelta(days=n) for n in range(count)]

    def previous_month(self) -> "Period":
        before = months_back(self.first_day, 1)
        return Period.month(year=before.year, month=before.month, time_zone=str(self.start.tzinfo))

    def until(self, moment: datetime) -> "Period":
        """This period cut at ``moment`` (a month so far)."""
        if moment >= self.end:
            return self
        return Period(
            start=self.start,
            end=max(moment.astimezone(self.start.tzinfo), self.start + timedelta(microseconds=1)),
        )


# Rounding of the KPIs: each is computed from exact counts and rounded once, here, half up
# (a half away from zero): rates by ratio, NPS by points, CSAT's mean by CsatFigures.average.


def ratio(part: int, whole: int) -> Decimal | None:
    """part / whole to four places (0.1234 = 12.34 %), None when there is nothing to divide."""
    if whole == 0:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def points(part: int, whole: int) -> Decimal | None:
    """part / whole in percentage points to one place (6.25 -> 6.3, -6.25 -> -6.3), None
    when there is nothing to divide. Not ratio() times 100: that would round twice."""
    if whole == 0:
        return None
    return (Decimal(part * 100) / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True, kw_only=True)
class ContactFigures:
    """The contact KPIs of one group (all contacts, or one channel, language...)."""

    received: int
    handled: int
    # Seconds from arrival to the first answer (contacts handled), calendar and business.
    first_response_median: float | None
    first_response_p90: float | None
    first_response_business_median: float | None
    first_response_business_p90: float | None
    resolved: int
    reopened: int
    repeat: int
    # Seconds from arrival to the latest resolution (contacts whose latest resolution came
    # before the period's end), calendar time.
    resolution_median: float | None = None
    resolution_p90: float | None = None

    @property
    def resolution_rate(self) -> Decimal | None:
        return ratio(self.resolved, self.received)

    @property
    def reopen_rate(self) -> Decimal | None:
        return ratio(self.reopened, self.resolved)

    @property
    def repeat_rate(self) -> Decimal | None:
        return ratio(self.repeat, self.received)


@dataclass(frozen=True, kw_only=True)
class SlaFigures:
    """First-response promises that came due in the period: ``due`` counts those met or
    missed, ``not_applicable`` those closed unanswered before any answer was due."""

    due: int
    met: int
    not_applicable: int = 0

    @property
    def missed(self) -> int:
        return self.due - self.met

    @property
    def met_rate(self) -> Decimal | None:
        """met / (met + missed); None ("no data") when no promise was met or missed."""
        return ratio(self.met, self.due)


@dataclass(frozen=True, kw_only=True)
class CsatFigures:
    """Answers to the post-call survey (keys 1-5) of one group of calls."""

    # answers[score] = how many callers pressed it, for every score of CSAT_SCORES.
    answers: dict[int, int]

    @property
    def count(self) -> int:
        return sum(self.answers.values())

    @property
    def average(self) -> Decimal | None:
        """The mean score to two places (ROUND_HALF_UP), None without answers."""
        if not self.count:
            return None
        total = sum(score * n for score, n in self.answers.items())
        return (Decimal(total) / self.count).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def satisfied_rate(self) -> Decimal | None:
        """Answers of 4 or 5, of all answers."""
        satisfied = sum(n for score, n in self.answers.items() if score >= CSAT_SATISFIED)
        return ratio(satisfied, self.count)


@dataclass(frozen=True, kw_only=True)
class NpsFigures:
    """Answers to the survey's Net Promoter question (0-10) of one group of calls."""

    # answers[score] = how many callers gave it, for every score of NPS_SCORES.
    answers: dict[int, int]

    @property
    def count(self) -> int:
        return sum(self.answers.values())

    @property
    def promoters(self) -> int:
        return sum(n for score, n in self.answers.items() if score >= NPS_PROMOTER)

    @property
    def detractors(self) -> int:
        return sum(n for score, n in self.answers.items() if score <= NPS_DETRACTOR)

    @property
    def passives(self) -> int:
        return self.count - self.promoters - self.detractors

    @property
    def score(self) -> Decimal | None:
        """% promoters minus % detractors (-100 to 100) to one place, None without answers."""
        return points(self.promoters - self.detractors, self.count)


@dataclass(frozen=True, kw_only=True)
class CallFigures:
    """Call KPIs of one group of calls (all, or one language, country, topic); see
    docs/kpis.md."""

    received: int
    # Calls that entered the queue for an agent (the "offered" calls).
    queued: int
    answered: int
    answered_within_target: int
    target_seconds: int
    abandoned: int
    voicemails: int
    callbacks: int
    speed_of_answer_average: float | None
    handle_time_average: float | None
    csat: CsatFigures
    nps: NpsFigures

    @property
    def service_level(self) -> Decimal | None:
        return ratio(self.answered_within_target, self.queued)

    @property
    def abandonment_rate(self) -> Decimal | None:
        return ratio(self.abandoned, self.queued)


@dataclass(frozen=True, kw_only=True)
class CostLine:
    label: str
    # A surcharge's quantity is the amount it is a percentage of (percent given).
    quantity: Decimal
    unit: str
    amount: Decimal
    percent: Decimal | None = None
    # A line of part of the month (a plan changing mid-month splits it): its first and last
    # day; None for a line of the whole month.
    first_day: date | None = None
    last_day: date | None = None
    # The quantity is an amount of money (a surcharge's base, telephony passed through).
    quantity_is_money: bool = False


@dataclass(frozen=True, kw_only=True)
class CostSection:
    """The month's invoice, line by line (filled by billing; equals the invoice)."""

    invoice_number: str
    currency: str
    lines: list[CostLine]
    total: Decimal


@dataclass(frozen=True, kw_only=True)
class Kpis:
    """Everything measured for one client and period."""

    period: Period
    totals: ContactFigures
    # dimension -> [(value, figures)], most contacts first; value "" = not known.
    by: dict[str, list[tuple[str, ContactFigures]]]
    sla: SlaFigures
    sla_by: dict[str, list[tuple[str, SlaFigures]]]
    # [(day, {channel: contacts})] for every day of the period.
    daily: list[tuple[date, dict[str, int]]]
    # heatmap[weekday][hour], Monday = 0, local time.
    heatmap: list[list[int]]
    # None means "not measured" (no calls, no survey answers, no invoice), never zero.
    csat: CsatFigures | None = None
    nps: NpsFigures | None = None
    calls: CallFigures | None = None
    # dimension of CALL_DIMENSIONS -> [(value, figures)], most calls first.
    calls_by: dict[str, list[tuple[str, CallFigures]]] = field(default_factory=dict)
    costs: CostSection | None = field(default=None)
    # The survey after a resolved conversation (e-mail, chat, SMS); None: no answer.
    satisfaction: "SatisfactionFigures | None" = None
    # CSAT and NPS of conversations and calls by the handling agent's team, most answers
    # first; value "" = no team (docs/kpis.md, "Satisfaction by team"). Empty: no answer.
    satisfaction_by_team: "list[tuple[str, SatisfactionGroup]]" = field(default_factory=list)

    def top_categories(self, limit: int = 10) -> list[tuple[str, int]]:
        return [(value, figures.received) for value, figures in self.by["category"][:limit]]


# The splits of the conversation survey's answers (docs/kpis.md, "Satisfaction on every
# channel"); "category" is the conversation's topic.
SATISFACTION_DIMENSIONS = ("channel", "language", "category")


@dataclass(frozen=True, kw_only=True)
class SatisfactionGroup:
    """Both survey questions of one group of answers (a channel, a team...)."""

    csat: CsatFigures
    nps: NpsFigures


def nps_none() -> NpsFigures:
    return NpsFigures(answers=dict.fromkeys(NPS_SCORES, 0))


@dataclass(frozen=True, kw_only=True)
class SatisfactionFigures:
    """Answers (CSAT 1-5, NPS 0-10) to the survey sent after a resolved conversation, given
    in the period, in total and by each of SATISFACTION_DIMENSIONS, with how many surveys
    went out. ``nps_by`` has the groups of ``by``, in the same order."""

    sent: int  # surveys sent in the period
    answered_of_sent: int  # of those, answered by now
    totals: CsatFigures
    # dimension -> [(value, figures)], most answers first; value "" = not known.
    by: dict[str, list[tuple[str, CsatFigures]]]
    nps_totals: NpsFigures
    nps_by: dict[str, list[tuple[str, NpsFigures]]]

    @property
    def response_rate(self) -> Decimal | None:
        return ratio(self.answered_of_sent, self.sent)

    def groups(self, dimension: str) -> list[tuple[str, SatisfactionGroup]]:
        """The dimension's groups with both questions' answers."""
        nps = dict(self.nps_by.get(dimension, []))
        return [
            (value, SatisfactionGroup(csat=csat, nps=nps.get(value) or nps_none()))
            for value, csat in self.by.get(dimension, [])
        ]


def satisfaction_all_channels(
    survey: SatisfactionFigures | None, calls: CallFigures | None
) -> SatisfactionGroup | None:
    """CSAT and NPS over every channel: the conversation survey's answers and the calls'
    keypad answers added up (each answer counts once); None without any answer."""
    parts = [SatisfactionGroup(csat=survey.totals, nps=survey.nps_totals)] if survey else []
    if calls is not None:
        parts.append(SatisfactionGroup(csat=calls.csat, nps=calls.nps))
    csat = CsatFigures(
        answers={s: sum(p.csat.answers.get(s, 0) for p in parts) for s in CSAT_SCORES}
    )
    nps = NpsFigures(answers={s: sum(p.nps.answers.get(s, 0) for p in parts) for s in NPS_SCORES})
    return SatisfactionGroup(csat=csat, nps=nps) if csat.count or nps.count else None


def channels_with_calls(
    survey: SatisfactionFigures | None, calls: CallFigures | None
) -> list[tuple[str, SatisfactionGroup]]:
    """Every channel's CSAT and NPS side by side: the conversations' channels, then the
    calls' keypad survey (channel "call") when callers answered it."""
    rows = survey.groups("channel") if survey is not None else []
    if calls is not None and (calls.csat.count or calls.nps.count):
        rows.append(("call", SatisfactionGroup(csat=calls.csat, nps=calls.nps)))
    return rows
