"""SLA: due and warning times in business hours, swept once each, breaches recorded."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.test import Client as HttpClient

from accounts.models import User
from conversations.services import conversation_open_inbound
from hours.models import SlaEvent, SlaTarget
from hours.services import sla_sweep
from languages.services import agent_skills_set
from routing.models import WorkItem
from routing.services import agent_next_item, agent_presence_set, item_close
from tests.support.factories import UserFactory
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db
MONDAY_10_PRAGUE = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def open_item(client, channel="api") -> WorkItem:
    with in_schema(client):
        inbound = conversation_open_inbound(
            client=client,
            channel=channel,
            text="Dobrý den, kde je moje objednávka?",
            customer_email="sla@example.cz",
            now=MONDAY_10_PRAGUE,
        )
    return WorkItem.objects.get(client=client, source_id=inbound.conversation.pk)


def test_a_channels_target_sets_due_and_warning_times_in_business_hours(two_clients):
    SlaTarget.objects.create(
        client=two_clients.a,
        channel="chat",
        first_response_hours=Decimal(2),
        warn_before_hours=Decimal("0.5"),
    )
    chat = open_item(two_clients.a, "chat")
    email = open_item(two_clients.a, "api")
    assert chat.due_at == MONDAY_10_PRAGUE + timedelta(hours=2)
    assert chat.warn_at == MONDAY_10_PRAGUE + timedelta(hours=1, minutes=30)
    # Without a target: the agency's 48 business hours, warned 4 business hours before.
    assert email.due_at == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert email.warn_at == datetime(2026, 11, 30, 13, 0, tzinfo=UTC)


def test_the_sweeper_warns_then_records_the_breach_once(two_clients):
    SlaTarget.objects.create(
        client=two_clients.a, first_response_hours=Decimal(1), warn_before_hours=Decimal("0.25")
    )
    item = open_item(two_clients.a)
    assert sla_sweep(now=MONDAY_10_PRAGUE + timedelta(minutes=30)) == (0, 0, 0, 0)
    assert sla_sweep(now=MONDAY_10_PRAGUE + timedelta(minutes=50)) == (1, 0, 0, 0)
    assert sla_sweep(now=MONDAY_10_PRAGUE + timedelta(minutes=55)) == (0, 0, 0, 0)
    assert sla_sweep(now=MONDAY_10_PRAGUE + timedelta(minutes=61)) == (0, 1, 0, 0)
    assert sla_sweep(now=MONDAY_10_PRAGUE + timedelta(minutes=90)) == (0, 0, 0, 0)
    kinds = list(SlaEvent.objects.filter(item=item).values_list("kind", flat=True))
    assert sorted(kinds) == ["breach", "warning"]


def test_work_done_in_time_is_no_breach_and_late_work_is_one(two_clients):
    SlaTarget.objects.create(client=two_clients.a, first_response_hours=Decimal(1))
    agent = UserFactory(role=User.Role.AGENT)
    agent_skills_set(agent=agent, skills={"cs": "native"})
    agent.served_clients.set([two_clients.a])
    agent_presence_set(agent=agent, presence="available", now=MONDAY_10_PRAGUE)
    on_time, late = open_item(two_clients.a), open_item(two_clients.a)
    for _ in range(2):
        agent_next_item(agent=agent, now=MONDAY_10_PRAGUE)

    item_close(item_id=on_time.pk, agent=agent, now=MONDAY_10_PRAGUE + timedelta(minutes=30))
    item_close(item_id=late.pk, agent=agent, now=MONDAY_10_PRAGUE + timedelta(minutes=70))
    assert sla_sweep(now=MONDAY_10_PRAGUE + timedelta(hours=3)) == (0, 0, 0, 0)
    assert not SlaEvent.objects.filter(item=on_time).exists()
    assert SlaEvent.objects.filter(item=late, kind="breach").count() == 1


def test_admins_find_the_routing_settings_in_the_admin(two_clients):
    http = HttpClient(HTTP_HOST="localhost")
    http.force_login(UserFactory(role=User.Role.ADMIN, is_staff=True, is_superuser=True))
    pages = [
        f"hours/{page}"
        for page in ("businesshours", "closure", "slatarget", "slaevent", "resolutionclock")
    ]
    pages += [f"routing/{page}" for page in ("routingpolicy", "agentstate", "workitem")]
    for page in pages:
        assert http.get(f"/admin/{page}/").status_code == 200, page
    assert http.get("/admin/tenants/apikey/").status_code == 200
    assert http.get("/admin/routing/workitem/add/").status_code == 403
    assert http.get("/admin/hours/slaevent/add/").status_code == 403
