"""The "SLA met" SQL against the plain-Python statement of its rule (tests/support/sla.py),
on generated months of promises around October 2026 at client A (Europe/Prague)."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conversations.models import Conversation
from customers.models import Customer
from hours.models import SlaEvent
from reporting.figures import Period
from reporting.selectors import sla_figures_for_period
from routing.models import WorkItem
from tests.support.fuzz import FUZZ, rolled_back
from tests.support.sla import Promise, sla_counts
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db

OCTOBER = Period.month(year=2026, month=10, time_zone="Europe/Prague")
# Due times from a few days before the month to a few days after it, in quarter hours, so
# that the month's edges (local midnight, 22:00 UTC) and equal times are drawn often.
ORIGIN = OCTOBER.start - timedelta(days=3)
QUARTERS = int((OCTOBER.end - OCTOBER.start).total_seconds() // 900) + 6 * 96
EDGES = [OCTOBER.start, OCTOBER.end]


def _after(base: datetime) -> st.SearchStrategy[datetime | None]:
    """None, or a time from a day before ``base`` to three days after it (equal included)."""
    return st.one_of(
        st.none(),
        st.just(base),
        st.integers(-96, 288).map(lambda quarters: base + timedelta(minutes=15 * quarters)),
    )


@st.composite
def promises(draw: st.DrawFn) -> Promise:
    due = draw(
        st.one_of(
            st.sampled_from(EDGES + [edge - timedelta(minutes=15) for edge in EDGES]),
            st.integers(0, QUARTERS).map(lambda q: ORIGIN + timedelta(minutes=15 * q)),
        )
    )
    waiting_since = due - timedelta(minutes=15 * draw(st.integers(0, 192)))
    status = draw(st.sampled_from(["waiting", "assigned", "done", "done", "cancelled"]))
    closed = None if status in ("waiting", "assigned") else draw(_after(due))
    return Promise(
        channel=draw(st.sampled_from(["email", "chat", "sms"])),
        language=draw(st.sampled_from(["cs", "sk"])),
        country=draw(st.sampled_from(["CZ", "SK", ""])),
        category=draw(st.sampled_from(["delivery", "returns", ""])),
        automatic=draw(st.sampled_from([False, False, False, True])),
        spam=draw(st.sampled_from([False, False, False, True])),
        status=status,
        waiting_since=waiting_since,
        due_at=due,
        responded_at=draw(_after(due)),
        closed_at=closed if closed is None or closed >= waiting_since else waiting_since,
        conversation_answered_at=draw(_after(due)),
        breach_recorded=draw(st.sampled_from([False, False, False, True])),
    )


def _closed_unanswered(*, answered: datetime | None, closed: datetime) -> Promise:
    """The demo's history and an item closed with Done: no response recorded on the item."""
    return Promise(
        channel="email",
        language="cs",
        country="CZ",
        category="delivery",
        automatic=False,
        status="done",
        waiting_since=datetime(2026, 10, 5, 8, tzinfo=UTC),
        due_at=datetime(2026, 10, 5, 12, tzinfo=UTC),
        responded_at=None,
        closed_at=closed,
        conversation_answered_at=answered,
        breach_recorded=False,
    )


def _store(client, promise: Promise, number: int) -> None:
    customer = Customer.objects.create(
        name=f"c{number}", email=f"c{number}@example.cz", country=promise.country
    )
    conversation = Conversation.objects.create(
        customer=customer,
        channel=promise.channel,
        language=promise.language,
        category=promise.category,
        automatic=promise.automatic,
        spam=promise.spam,
        created_at=promise.waiting_since,
        first_response_at=promise.conversation_answered_at,
    )
    item = WorkItem.objects.create(
        client=client,
        channel=promise.channel,
        language=promise.language,
        source_kind="conversation",
        source_id=conversation.pk,
        status=promise.status,
        waiting_since=promise.waiting_since,
        due_at=promise.due_at,
        responded_at=promise.responded_at,
        closed_at=promise.closed_at,
    )
    if promise.breach_recorded:
        SlaEvent.objects.create(
            client=client,
            item=item,
            kind="breach",
            due_at=promise.due_at,
            recorded_at=promise.due_at,
        )


def _sql_counts(client, now: datetime) -> dict[tuple[str, str], tuple[int, int, int]]:
    totals, by = sla_figures_for_period(client=client, period=OCTOBER, now=now)
    counts = {("", ""): (totals.due, totals.met, totals.not_applicable)}
    for dimension, rows in by.items():
        for value, figures in rows:
            counts[dimension, value] = (figures.due, figures.met, figures.not_applicable)
    return {key: value for key, value in counts.items() if value != (0, 0, 0)}


# Met (the conversation was answered in time, the item closed later without its own record)
# and not applicable (closed unanswered before it was due): the old query counted both as
# due and neither as met, 0.0 % for every demo month.
@settings(FUZZ, max_examples=150)
@example(
    items=[
        _closed_unanswered(
            answered=datetime(2026, 10, 5, 9, tzinfo=UTC), closed=datetime(2026, 10, 6, tzinfo=UTC)
        ),
        _closed_unanswered(answered=None, closed=datetime(2026, 10, 5, 10, tzinfo=UTC)),
    ],
    now=datetime(2026, 11, 10, tzinfo=UTC),
)
# Spam left unanswered past its due time, then marked (its item cancelled): not applicable,
# where the same conversation not spam is missed.
@example(
    items=[
        replace(
            _closed_unanswered(answered=None, closed=datetime(2026, 10, 7, tzinfo=UTC)),
            spam=True,
        ),
        _closed_unanswered(answered=None, closed=datetime(2026, 10, 7, tzinfo=UTC)),
    ],
    now=datetime(2026, 11, 10, tzinfo=UTC),
)
@given(
    items=st.lists(promises(), max_size=12),
    now=st.one_of(
        st.just(OCTOBER.end + timedelta(days=10)),
        st.integers(0, QUARTERS).map(lambda q: ORIGIN + timedelta(minutes=15 * q)),
    ),
)
def test_sla_met_agrees_with_the_oracle(two_clients, items, now):
    client = two_clients.a
    with in_schema(client), rolled_back():
        for number, promise in enumerate(items):
            _store(client, promise, number)
        expected = sla_counts(
            items, start=OCTOBER.start, due_before=min(OCTOBER.end, now).astimezone(UTC)
        )
        assert _sql_counts(client, now) == expected
