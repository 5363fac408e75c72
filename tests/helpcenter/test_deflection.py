"""Contacts deflected by self-service (docs/kpis.md): hand-built cases, and random ones held
to a plain-Python statement of the definition."""

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from helpcenter.models import SelfServiceAnswer
from helpcenter.selectors import deflection_figures
from helpcenter.services import FOLLOW_UP, self_service_chat_started, self_service_record
from tests.support.desk import inbound
from tests.support.tenancy import in_schema
from widget.models import ChatSession

pytestmark = pytest.mark.django_db

START = datetime(2026, 11, 1, tzinfo=UTC)
END = datetime(2026, 12, 1, tzinfo=UTC)
NOW = datetime(2026, 12, 15, tzinfo=UTC)


def _answer(visitor: str, at: datetime, *, kind: str = "article", source: str = "widget"):
    return self_service_record(kind=kind, source=source, visitor=visitor, language="cs", now=at)


def _widget_chat(client, visitor: str, at: datetime) -> None:
    conversation, _item = inbound(client, "Dobrý den", f"{visitor}@example.cz", channel="chat")
    with in_schema(client):
        ChatSession.objects.create(
            conversation=conversation, key="k", visitor=visitor, created_at=at
        )
        self_service_chat_started(visitor=visitor, now=at)


def test_a_chat_within_the_follow_up_is_not_deflected(two_clients):
    noon = datetime(2026, 11, 10, 12, tzinfo=UTC)
    with in_schema(two_clients.a):
        _answer("settled", noon)  # no chat: deflected
        _answer("chatted", noon, kind="order_status")
        _answer("late-chat", noon, source="help_center")
    _widget_chat(two_clients.a, "chatted", noon + timedelta(minutes=29))
    _widget_chat(two_clients.a, "late-chat", noon + FOLLOW_UP + timedelta(seconds=1))
    with in_schema(two_clients.a):
        figures = deflection_figures(start=START, end=END, now=NOW)

    assert (figures.answers, figures.deflected, figures.followed_by_chat, figures.pending) == (
        3,
        2,
        1,
        0,
    )
    assert figures.widget_chats == 2
    assert figures.by_kind == {"article": 2}
    assert figures.by_source == {"help_center": 1, "widget": 1}
    assert figures.rate == Decimal(2) / 3
    assert figures.share == Decimal(2) / 4


def test_an_answer_whose_window_runs_is_pending_and_months_are_apart(two_clients):
    with in_schema(two_clients.a):
        _answer("x", NOW - timedelta(minutes=10))
        _answer("y", START - timedelta(seconds=1))  # October
        _answer("z", END)  # December
        running = deflection_figures(start=END, end=END + timedelta(days=31), now=NOW)
        november = deflection_figures(start=START, end=END, now=NOW)
    assert (running.answers, running.deflected, running.pending) == (2, 1, 1)
    assert november.answers == 0
    assert november.rate is None and november.share is None


def test_help_center_reads_no_chat_can_follow_are_counted_apart(two_clients):
    noon = datetime(2026, 11, 10, 12, tzinfo=UTC)
    with in_schema(two_clients.a):
        _answer("widget", noon)  # deflected
        for reader in ("cookie-1", "cookie-2"):  # the help center's own visitor ids
            self_service_record(
                kind="article",
                source="help_center",
                visitor=reader,
                language="cs",
                now=noon,
                chat_traceable=False,
            )
        self_service_record(  # opened from the widget with its id: a chat could follow
            kind="article", source="help_center", visitor="linked", language="cs", now=noon
        )
    _widget_chat(two_clients.a, "linked", noon + timedelta(minutes=5))
    _widget_chat(two_clients.a, "cookie-1", noon + timedelta(minutes=5))  # never matches
    with in_schema(two_clients.a):
        figures = deflection_figures(start=START, end=END, now=NOW)

    assert figures.help_center_reads == 2
    assert (figures.answers, figures.deflected, figures.followed_by_chat, figures.pending) == (
        2,
        1,
        1,
        0,
    )
    assert figures.by_source == {"widget": 1}
    assert figures.rate == Decimal(1) / 2
    assert figures.share == Decimal(1) / 3  # 1 deflected, 2 widget chats


def test_another_clients_answers_do_not_count(two_clients):
    with in_schema(two_clients.b):
        _answer("b", START + timedelta(days=1))
    with in_schema(two_clients.a):
        assert deflection_figures(start=START, end=END, now=NOW).answers == 0


def _oracle(answers: list[tuple[datetime, datetime | None]], now: datetime) -> tuple[int, ...]:
    """The definition in plain Python: (answers, deflected, followed by a chat, pending)."""
    inside = [(at, chat) for at, chat in answers if START <= at < END]
    deflected = sum(1 for at, chat in inside if chat is None and at + FOLLOW_UP <= now)
    followed = sum(1 for at, chat in inside if chat is not None)
    pending = sum(1 for at, chat in inside if chat is None and at + FOLLOW_UP > now)
    return len(inside), deflected, followed, pending


@pytest.mark.parametrize("seed", range(5))
def test_random_answers_and_chats_agree_with_the_definition(two_clients, seed):
    generator = random.Random(seed)
    now = END - timedelta(minutes=generator.randint(0, 90))
    made: list[tuple[datetime, datetime | None]] = []
    with in_schema(two_clients.a):
        SelfServiceAnswer.objects.all().delete()
        for _ in range(60):
            visitor = f"v{generator.randint(0, 15)}"
            at = START + timedelta(minutes=generator.randint(-120, 31 * 24 * 60 + 120))
            _answer(visitor, at)
            if generator.random() < 0.3:
                chat_at = at + timedelta(minutes=generator.randint(0, 60))
                self_service_chat_started(visitor=visitor, now=chat_at)
        made = list(SelfServiceAnswer.objects.values_list("created_at", "chat_started_at"))
        figures = deflection_figures(start=START, end=END, now=now)
    got = (figures.answers, figures.deflected, figures.followed_by_chat, figures.pending)
    assert got == _oracle(made, now)
