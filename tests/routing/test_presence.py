"""An agent's presence: a desk that beats stays online, offline agents hand their work back,
waiting work is shared between available agents."""

from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from routing.models import AgentState, WorkItem
from routing.services import (
    agent_next_item,
    agent_presence_set,
    agents_release_stale,
    route_waiting,
)
from tests.support.routing import czech, queued

pytestmark = pytest.mark.django_db


def test_an_open_desk_keeps_its_agent_online(two_clients):
    agent = czech(two_clients)
    AgentState.objects.filter(agent=agent).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    http = HttpClient(HTTP_HOST="localhost")
    http.force_login(agent)
    assert http.post("/desk/heartbeat").json() == {"ok": True}
    assert agents_release_stale() == 0
    assert AgentState.objects.get(agent=agent).presence == "available"


def test_going_offline_hands_the_work_back(two_clients):
    agent = czech(two_clients)
    item = queued(two_clients.a, 1)
    agent_next_item(agent=agent)
    agent_presence_set(agent=agent, presence="offline")
    item.refresh_from_db()
    assert (item.status, item.agent) == ("waiting", None)


def test_live_items_left_with_an_offline_agent_are_released(two_clients):
    agent = czech(two_clients)
    item = queued(two_clients.a, 2, channel="chat")
    agent_next_item(agent=agent)
    AgentState.objects.filter(agent=agent).update(presence="offline")  # e.g. a race
    assert agents_release_stale() == 1
    item.refresh_from_db()
    assert item.status == "waiting"


def test_waiting_work_is_shared_between_available_agents(two_clients):
    first, second = czech(two_clients, capacity_email=10), czech(two_clients, capacity_email=10)
    for number in range(4):
        queued(two_clients.a, 10 + number)
    assert route_waiting() == 4
    assert WorkItem.objects.filter(agent=first).count() == 2
    assert WorkItem.objects.filter(agent=second).count() == 2
