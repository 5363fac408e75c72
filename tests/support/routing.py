"""A Czech-speaking agent of client A and work queued for them (real routing services)."""

from accounts.models import User
from languages.services import agent_skills_set
from routing.models import AgentState, WorkItem
from routing.services import agent_presence_set, work_enqueue
from tests.support.factories import UserFactory


def czech(two_clients, **capacity) -> User:
    user = UserFactory(role=User.Role.AGENT)
    agent_skills_set(agent=user, skills={"cs": "native"})
    user.served_clients.set([two_clients.a])
    agent_presence_set(agent=user, presence="available")
    if capacity:
        AgentState.objects.filter(agent=user).update(**capacity)
    return user


def queued(client, number: int, *, channel: str = "email") -> WorkItem:
    return work_enqueue(
        client=client, channel=channel, language="cs", source_kind="regress", source_id=number
    )
