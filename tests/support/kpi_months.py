"""Generated months for the KPI oracle: contacts and calls of one client in a month of
Europe/Prague (clock changes, holidays, closures, edge times), and how to store them."""

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from random import Random
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from accounts.models import Team, User
from conversations.models import Conversation
from customers.models import Customer
from hours.models import BusinessHours, Closure
from reporting.figures import Period
from surveys.models import Survey
from telephony.voice.models import Call

PRAGUE = ZoneInfo("Europe/Prague")
MONTHS = [(2026, 3), (2026, 4), (2026, 10), (2026, 11)]
# The clocks' changes of 2026 (01:00 UTC on the last Sundays of March and October).
CLOCK_CHANGES = [datetime(2026, 3, 29, 1, tzinfo=UTC), datetime(2026, 10, 25, 1, tzinfo=UTC)]
DAY = 86400

# Weekly hours as the portal stores them ("0" = Monday), the schedules a month draws from:
# the agency's default, every hour of every day (a DST night inside open time), split days.
SCHEDULES: list[dict[str, list[list[str]]]] = [
    {str(d): [["08:00", "16:00"]] for d in range(5)},
    {str(d): [["00:00", "24:00"]] for d in range(7)},
    {
        **{str(d): [["07:30", "12:00"], ["13:00", "20:00"]] for d in range(6)},
        "6": [["01:00", "04:00"]],
    },
]
# A scope (country, language) of the client's hours, as hours.selectors.client_calendar
# reads it: the most specific first; a customer of no known country (empty, or "XX" that has
# no holiday calendar) is the client's first.
SCOPES = [("CZ", "cs"), ("SK", ""), ("", "sk"), ("", "")]


@dataclass(frozen=True)
class ConversationSpec:
    customer: int
    channel: str
    language: str
    category: str
    automatic: bool
    created_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    reopened_at: datetime | None
    reopen_count: int
    agent: int | None = None  # the assignee: an index into the month's agents
    # An agent's new e-mail (the customer may have answered since): never a contact.
    started_by_agent: bool = False
    # A proactive order update (order_updates), perhaps answered since: never a contact.
    proactive: bool = False
    # Marked spam: never a contact, whatever else it is.
    spam: bool = False
    # Merged into another conversation of the customer (after everything else it had).
    merged_at: datetime | None = None


@dataclass(frozen=True)
class CallSpec:
    customer: int
    language: str
    country: str
    topic: str
    ringing_at: datetime
    queued_at: datetime | None
    answered_at: datetime | None
    outcome: str
    talk_seconds: int | None
    csat: int | None
    nps: int | None
    conversation_at: datetime | None  # a voicemail or callback request's conversation
    agent: int | None = None  # who answered: an index into the month's agents


@dataclass(frozen=True)
class SurveySpec:
    conversation: int  # an index into the month's conversations
    state: str
    created_at: datetime
    rating: int | None
    rated_at: datetime | None
    nps: int | None


# The team of each of the month's agents (None: in no team), drawn per month.
TEAMS = ["Alpha", "Beta", None]
AGENTS = 3


@dataclass(frozen=True)
class Month:
    period: Period
    now: datetime
    hours: dict[tuple[str, str], int]  # scope -> index in SCHEDULES
    closure: tuple[datetime, datetime] | None
    conversations: list[ConversationSpec]
    calls: list[CallSpec]
    teams: tuple[str | None, ...] = (None,) * AGENTS
    surveys: list[SurveySpec] = field(default_factory=list)


def _moment(rng: Random, period: Period) -> datetime:
    """A whole second from 10 days before the month to 4 days after it, often one of its
    edges or around a clock change."""
    start, end = period.start.astimezone(UTC), period.end.astimezone(UTC)
    if rng.random() < 0.3:
        edge = rng.choice([start, end, *CLOCK_CHANGES])
        return edge + timedelta(seconds=rng.choice([-3600, -1, 0, 1, 1800, 3600]))
    origin = start - timedelta(days=10)
    return origin + timedelta(seconds=rng.randint(0, int((end - origin).total_seconds()) + 4 * DAY))


def _later(rng: Random, base: datetime, period: Period) -> datetime:
    """At once, seconds, hours or days after ``base``, or at the period's end."""
    choice = rng.random()
    if choice < 0.2:
        return base
    if choice < 0.3:
        return max(base, period.end.astimezone(UTC) + timedelta(seconds=rng.choice([-1, 0])))
    if choice < 0.6:
        return base + timedelta(seconds=rng.randint(1, 3600))
    return base + timedelta(seconds=rng.randint(3600, 12 * DAY))


def _maybe(rng: Random, chance: float, value: Any) -> Any:
    return value if rng.random() < chance else None


# Before a later contact of the same customer: at the same instant, a second before, or around
# the end of the repeat window (7 days, exact).
REPEAT_OFFSETS = [
    timedelta(seconds=s) for s in (0, 1, 7 * DAY - 3600, 7 * DAY - 1, 7 * DAY, 7 * DAY + 1)
]


def _conversation(
    rng: Random, period: Period, created: datetime, customer: int
) -> ConversationSpec:
    answered = _maybe(rng, 0.7, _later(rng, created, period))
    resolved = _maybe(rng, 0.6, _later(rng, answered or created, period))
    reopened, reopen_count = None, 0
    if resolved is not None and rng.random() < 0.4:
        reopen_count = rng.randint(1, 3)
        reopened = _later(rng, resolved + timedelta(seconds=1), period)
        # Resolved again (the row keeps the latest resolution) or still open.
        if rng.random() < 0.5:
            resolved = _later(rng, reopened + timedelta(seconds=1), period)
    automatic = rng.random() < 0.15
    last = max(t for t in (created, answered, resolved, reopened) if t is not None)
    merged = None if automatic else _maybe(rng, 0.15, _later(rng, last, period))
    return ConversationSpec(
        customer=customer,
        channel=rng.choice(["email", "chat", "sms", "api", "call"]),
        language=rng.choice(["cs", "sk", "en"]),
        category=rng.choice(["delivery", "returns", ""]),
        automatic=automatic,
        # An agent's new e-mail: answered when it was sent (its first response), often
        # answered by the customer since (resolved, reopened as any other).
        started_by_agent=not automatic and rng.random() < 0.1,
        proactive=not automatic and rng.random() < 0.05,
        spam=rng.random() < 0.1,
        created_at=created,
        first_response_at=answered,
        resolved_at=resolved,
        reopened_at=reopened,
        reopen_count=reopen_count,
        merged_at=merged,
    )


# How a call went: (outcome, entered the queue, answered, became a conversation).
CALL_PATHS = [
    ("ivr_hangup", False, False, False),
    ("abandoned", False, False, False),  # hung up in the menus, recorded as abandoned
    ("closed", False, False, False),
    ("information", False, False, False),
    ("voicemail", False, False, True),  # from the menus or the closed message
    ("callback", False, False, True),
    ("abandoned", True, False, False),
    ("in_progress", True, False, False),  # still waiting in the queue
    ("voicemail", True, False, True),  # left the queue for voicemail
    ("callback", True, False, True),
    ("answered", True, True, False),
    ("in_progress", True, True, False),  # still talking: no talk time yet
    ("transferred", False, False, False),
]
SPEEDS = [0, 5, 19, 19.5, 20, 20.5, 21, 45, 300]


def _call(rng: Random, period: Period) -> CallSpec:
    outcome, queued, answered, conversation = rng.choice(CALL_PATHS)
    ringing = _moment(rng, period)
    queued_at = ringing + timedelta(seconds=rng.randint(0, 120)) if queued else None
    answered_at = None
    if answered and queued_at is not None:
        answered_at = queued_at + timedelta(seconds=rng.choice(SPEEDS))
    return CallSpec(
        customer=rng.randint(0, 3),
        language=rng.choice(["cs", "sk"]),
        country=rng.choice(["CZ", "SK", ""]),
        topic=rng.choice(["orders", "returns", ""]),
        ringing_at=ringing,
        queued_at=queued_at,
        answered_at=answered_at,
        outcome=outcome,
        talk_seconds=rng.randint(0, 1800) if outcome == "answered" else None,
        csat=_maybe(rng, 0.5, rng.randint(1, 5)),
        nps=_maybe(rng, 0.3, rng.randint(0, 10)),
        conversation_at=(
            ringing + timedelta(seconds=rng.choice([60, 600, DAY])) if conversation else None
        ),
    )


def _month(rng: Random) -> Month:
    year, month = rng.choice(MONTHS)
    whole = Period.month(year=year, month=month, time_zone="Europe/Prague")
    seconds = int((whole.end - whole.start).total_seconds())
    now = whole.end + timedelta(days=40)
    if rng.random() < 0.3:  # the month so far
        now = whole.start.astimezone(UTC) + timedelta(seconds=rng.randint(1, seconds))
    closure = None
    if rng.random() < 0.5:
        closure_start = _moment(rng, whole)
        closure = (closure_start, closure_start + timedelta(hours=rng.randint(1, 80)))
    conversations: list[ConversationSpec] = []
    for _ in range(rng.randint(0, 12)):
        created, customer = _moment(rng, whole), rng.randint(0, 3)
        conversations.append(_conversation(rng, whole, created, customer))
        if rng.random() < 0.3:  # an earlier contact of the same customer
            earlier = created - rng.choice(REPEAT_OFFSETS)
            conversations.append(_conversation(rng, whole, earlier, customer))
    month = Month(
        period=whole.until(now),
        now=now,
        hours={scope: rng.randrange(len(SCHEDULES)) for scope in SCOPES if rng.random() < 0.5},
        closure=closure,
        conversations=conversations,
        calls=[_call(rng, whole) for _ in range(rng.randint(0, 12))],
    )
    return _with_surveys_and_agents(rng, month)


def _with_surveys_and_agents(rng: Random, month: Month) -> Month:
    """Teams of the agents, who handled each conversation and call, and the conversations'
    surveys: sent or skipped around the month's edges, rated (maybe in another month),
    with or without the NPS answer (drawn last: the other draws stay as they were)."""
    period = month.period
    surveys = []
    for index, conversation in enumerate(month.conversations):
        if rng.random() < 0.4:
            continue
        sent_at = _later(rng, conversation.resolved_at or conversation.created_at, period)
        sent = rng.random() < 0.85
        rating = _maybe(rng, 0.7, rng.randint(1, 5)) if sent else None
        surveys.append(
            SurveySpec(
                conversation=index,
                state="sent" if sent else "skipped",
                created_at=sent_at,
                rating=rating,
                rated_at=_later(rng, sent_at, period) if rating else None,
                nps=_maybe(rng, 0.6, rng.randint(0, 10)) if rating else None,
            )
        )
    return replace(
        month,
        teams=tuple(rng.choice(TEAMS) for _ in range(AGENTS)),
        conversations=[
            replace(c, agent=_maybe(rng, 0.8, rng.randrange(AGENTS))) for c in month.conversations
        ],
        calls=[replace(c, agent=_maybe(rng, 0.8, rng.randrange(AGENTS))) for c in month.calls],
        surveys=surveys,
    )


# Each month from its own seeded random generator: drawing from Python's generator is an
# order of magnitude faster than composing strategies, and a failure still names its seed.
months = st.randoms(use_true_random=False).map(_month)


def month_store(client, month: Month) -> None:
    BusinessHours.objects.filter(client=client).delete()
    Closure.objects.filter(client=client).delete()
    for (country, language), schedule in month.hours.items():
        BusinessHours.objects.create(
            client=client, country=country, language=language, weekly=SCHEDULES[schedule]
        )
    if month.closure is not None:
        Closure.objects.create(client=client, starts_at=month.closure[0], ends_at=month.closure[1])
    teams = {name: Team.objects.create(name=name) for name in set(month.teams) if name}
    agents = [
        User.objects.create(username=f"oracle-agent-{n}", team=teams.get(team or ""))
        for n, team in enumerate(month.teams)
    ]
    customers = Customer.objects.bulk_create(
        Customer(name=f"c{n}", email=f"c{n}@example.cz", country=["CZ", "SK", "", "XX"][n])
        for n in range(4)
    )
    conversations = [
        Conversation(
            customer=customers[spec.customer],
            channel=spec.channel,
            language=spec.language,
            category=spec.category,
            automatic=spec.automatic,
            started_by_agent=spec.started_by_agent,
            proactive=spec.proactive,
            spam=spec.spam,
            created_at=spec.created_at,
            first_response_at=spec.first_response_at,
            resolved_at=spec.resolved_at,
            reopened_at=spec.reopened_at,
            reopen_count=spec.reopen_count,
            merged_at=spec.merged_at,
            assignee=None if spec.agent is None else agents[spec.agent],
        )
        for spec in month.conversations
    ]
    born = [
        Conversation(
            customer=customers[spec.customer],
            channel="call",
            language=spec.language,
            created_at=spec.conversation_at,
        )
        for spec in month.calls
        if spec.conversation_at is not None
    ]
    Conversation.objects.bulk_create(conversations + born)
    of_call = iter(born)
    Call.objects.bulk_create(
        Call(
            call_sid=f"CA{n}",
            from_number="+420600000000",
            to_number="+420212345678",
            customer=customers[spec.customer],
            language=spec.language,
            country=spec.country,
            topic=spec.topic,
            ringing_at=spec.ringing_at,
            queued_at=spec.queued_at,
            answered_at=spec.answered_at,
            outcome=spec.outcome,
            talk_seconds=spec.talk_seconds,
            csat=spec.csat,
            nps=spec.nps,
            conversation=next(of_call) if spec.conversation_at is not None else None,
            agent=None if spec.agent is None else agents[spec.agent],
        )
        for n, spec in enumerate(month.calls)
    )
    Survey.objects.bulk_create(
        Survey(
            conversation=conversations[spec.conversation],
            channel=conversations[spec.conversation].channel,
            language=conversations[spec.conversation].language,
            state=spec.state,
            created_at=spec.created_at,
            rating=spec.rating,
            rated_at=spec.rated_at,
            answered_via="link" if spec.rating else "",
            nps=spec.nps,
        )
        for spec in month.surveys
    )
