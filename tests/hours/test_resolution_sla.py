"""The resolution promise: a clock per conversation in business hours, stopped by resolving,
restarted by a reopening, warned and breached once each by the sweep."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.test import Client as HttpClient

from accounts.models import User
from conversations.models import Conversation
from conversations.services import (
    conversation_open_inbound,
    conversation_reopen,
    conversation_resolve,
)
from hours.models import ResolutionClock, SlaEvent, SlaTarget
from hours.services import sla_sweep
from routing.models import WorkItem
from routing.services import agent_next_item
from tests.support.factories import UserFactory, agent_serving
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db
MONDAY_10_PRAGUE = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def open_conversation(client, *, now=MONDAY_10_PRAGUE, channel="api") -> Conversation:
    with in_schema(client):
        return conversation_open_inbound(
            client=client,
            channel=channel,
            text="Dobrý den, kde je moje objednávka?",
            customer_email="vyreseni@example.cz",
            now=now,
        ).conversation


def czech_agent(client) -> User:
    return agent_serving([client], available_at=MONDAY_10_PRAGUE)


def test_the_default_promise_is_96_business_hours_from_the_first_contact(two_clients):
    conversation = open_conversation(two_clients.a)
    clock = ResolutionClock.objects.get(client=two_clients.a, conversation_id=conversation.pk)
    # Monday 10:00 in Prague + 96 business hours of 8 a day (Mon-Fri 08-16): 12 working days,
    # so Wednesday 9 December 10:00 local (09:00 UTC); warned 4 business hours before.
    assert clock.due_at == datetime(2026, 12, 9, 9, 0, tzinfo=UTC)
    assert clock.warn_at == datetime(2026, 12, 8, 13, 0, tzinfo=UTC)  # Tuesday 14:00 local
    assert conversation.resolution_due_at == clock.due_at
    assert clock.resolved_at is None and clock.channel == "api"


def test_a_channels_target_or_none_at_all(two_clients):
    SlaTarget.objects.create(client=two_clients.a, channel="chat", resolution_hours=Decimal(8))
    SlaTarget.objects.create(client=two_clients.a, channel="api", resolution_hours=None)
    chat = open_conversation(two_clients.a, channel="chat")
    api = open_conversation(two_clients.a, channel="api")
    assert chat.resolution_due_at == MONDAY_10_PRAGUE + timedelta(days=1)  # 8 h: Tuesday 10:00
    assert api.resolution_due_at is None
    assert not ResolutionClock.objects.filter(conversation_id=api.pk).exists()


def test_the_sweep_warns_then_breaches_once_and_a_resolved_conversation_is_left_alone(
    two_clients,
):
    SlaTarget.objects.create(
        client=two_clients.a, resolution_hours=Decimal(2), warn_before_hours=Decimal("0.5")
    )
    late = open_conversation(two_clients.a)
    in_time = open_conversation(two_clients.a)
    agent = czech_agent(two_clients.a)
    with in_schema(two_clients.a):
        conversation_resolve(
            client=two_clients.a,
            conversation_id=in_time.pk,
            agent=agent,
            now=MONDAY_10_PRAGUE + timedelta(hours=1),
        )

    # The first-response promise (48 h) stays far; only the resolution is counted here.
    assert sla_sweep(now=MONDAY_10_PRAGUE + timedelta(hours=1, minutes=40)) == (0, 0, 1, 0)
    assert sla_sweep(now=MONDAY_10_PRAGUE + timedelta(hours=1, minutes=50)) == (0, 0, 0, 0)
    assert sla_sweep(now=MONDAY_10_PRAGUE + timedelta(hours=2, minutes=1)) == (0, 0, 0, 1)
    assert sla_sweep(now=MONDAY_10_PRAGUE + timedelta(hours=5)) == (0, 0, 0, 0)
    events = SlaEvent.objects.filter(metric="resolution")
    assert sorted(events.values_list("kind", flat=True)) == ["breach", "warning"]
    assert {e.resolution.conversation_id for e in events} == {late.pk}


def test_resolving_late_records_the_breach_once_even_after_the_sweep(two_clients):
    SlaTarget.objects.create(client=two_clients.a, resolution_hours=Decimal(1))
    conversation = open_conversation(two_clients.a)
    agent = czech_agent(two_clients.a)
    assert sla_sweep(now=MONDAY_10_PRAGUE + timedelta(hours=2)).resolution_breaches == 1
    with in_schema(two_clients.a):
        conversation_resolve(
            client=two_clients.a,
            conversation_id=conversation.pk,
            agent=agent,
            now=MONDAY_10_PRAGUE + timedelta(hours=3),
        )
    assert SlaEvent.objects.filter(metric="resolution", kind="breach").count() == 1

    unseen = open_conversation(two_clients.a)  # resolved late before any sweep saw it
    with in_schema(two_clients.a):
        conversation_resolve(
            client=two_clients.a,
            conversation_id=unseen.pk,
            agent=agent,
            now=MONDAY_10_PRAGUE + timedelta(hours=4),
        )
    breach = SlaEvent.objects.get(resolution__conversation_id=unseen.pk)
    assert (breach.kind, breach.due_at) == ("breach", MONDAY_10_PRAGUE + timedelta(hours=1))


def test_resolving_finishes_the_agents_item_and_cancels_other_open_work(two_clients):
    agent = czech_agent(two_clients.a)
    mine, other = open_conversation(two_clients.a), open_conversation(two_clients.a)
    item = agent_next_item(agent=agent, now=MONDAY_10_PRAGUE)
    assert item.source_id == mine.pk
    with in_schema(two_clients.a):
        resolved = conversation_resolve(client=two_clients.a, conversation_id=mine.pk, agent=agent)
        waiting_resolved = conversation_resolve(
            client=two_clients.a, conversation_id=other.pk, agent=agent
        )
        again = conversation_resolve(client=two_clients.a, conversation_id=mine.pk, agent=agent)
    assert resolved.status == "resolved" and resolved.resolved_at is not None
    assert again.resolved_at == resolved.resolved_at  # resolving twice changes nothing
    assert WorkItem.objects.get(pk=item.pk).status == "done"
    other_item = WorkItem.objects.get(client=two_clients.a, source_id=other.pk)
    assert (other_item.status, waiting_resolved.status) == ("cancelled", "resolved")
    assert ResolutionClock.objects.filter(resolved_at__isnull=True).count() == 0


def test_a_reopening_restarts_the_clock_and_can_be_breached_again(two_clients):
    SlaTarget.objects.create(client=two_clients.a, resolution_hours=Decimal(1))
    conversation = open_conversation(two_clients.a)
    agent = czech_agent(two_clients.a)
    with in_schema(two_clients.a):
        conversation_resolve(
            client=two_clients.a,
            conversation_id=conversation.pk,
            agent=agent,
            now=MONDAY_10_PRAGUE + timedelta(minutes=30),
        )
        reopened_at = MONDAY_10_PRAGUE + timedelta(days=1)
        conversation = Conversation.objects.get(pk=conversation.pk)
        conversation_reopen(client=two_clients.a, conversation=conversation, now=reopened_at)
        conversation.refresh_from_db()
    assert (conversation.status, conversation.reopen_count) == ("open", 1)
    assert conversation.resolution_due_at == reopened_at + timedelta(hours=1)
    clock = ResolutionClock.objects.get(conversation_id=conversation.pk)
    assert (clock.resolved_at, clock.started_at) == (None, reopened_at)
    assert sla_sweep(now=reopened_at + timedelta(hours=2)).resolution_breaches == 1


def test_the_desk_resolves_an_agents_own_item_only(two_clients):
    agent = czech_agent(two_clients.a)
    conversation = open_conversation(two_clients.a)
    item = agent_next_item(agent=agent, now=MONDAY_10_PRAGUE)
    colleague = czech_agent(two_clients.a)
    outsider = UserFactory(role=User.Role.AGENT)  # serves another client only
    outsider.served_clients.set([two_clients.b])

    def resolve_as(user):
        http = HttpClient(HTTP_HOST="localhost")
        http.force_login(user)
        return http.post(f"/desk/items/{item.pk}/resolve")

    assert resolve_as(outsider).status_code == 404
    assert resolve_as(colleague).status_code == 403
    response = resolve_as(agent)
    assert response.status_code == 302 and response["Location"] == "/"
    with in_schema(two_clients.a):
        assert Conversation.objects.get(pk=conversation.pk).status == "resolved"
    assert WorkItem.objects.get(pk=item.pk).status == "done"
