"""Whom a supervisor may give an item to (public schema): the agents who serve its client,
each with their languages, presence and load, and what the router would object to."""

from dataclasses import dataclass

from django.db.models import Count

from accounts.models import User
from accounts.selectors import serves_client
from languages.models import AgentSkill
from routing.models import AgentState, WorkItem
from routing.selectors import ACTIVE, Room, agent_rooms, assignment_concerns, capacity_group

# Agents who do not serve the client are named, up to this many, to say why they are absent.
OTHERS_NAMED = 12


@dataclass(frozen=True)
class Assignee:
    agent: User
    skills: list[tuple[str, str]]  # (language, proficiency), best first
    presence: str
    room: Room  # on the item's channel
    concerns: list[str]  # empty: the router itself could have given it to them


@dataclass(frozen=True)
class Assignees:
    ready: list[Assignee]
    with_concerns: list[Assignee]
    others: list[User]  # agents who do not serve the client (OTHERS_NAMED at most)
    more_others: int


_LEVEL = {"native": 0, "fluent": 1, "basic": 2}


def assignees_public(item: WorkItem) -> Assignees:
    """The active agents who serve ``item``'s client, except its holder: those the router
    could give it to first (available before busy and away, then least loaded), then those
    a supervisor must confirm, with the reasons. Four queries whatever their number."""
    serving = list(
        User.objects.filter(serves_client(item.client_id), is_active=True)
        .exclude(role=User.Role.CLIENT)
        .exclude(pk=item.agent_id or 0)
        .select_related("desk_state")
        .order_by("first_name", "last_name", "username")
    )
    skills: dict[int, list[tuple[str, str]]] = {}
    for skill in AgentSkill.objects.filter(agent__in=serving).order_by("language_id"):
        skills.setdefault(skill.agent_id, []).append((skill.language_id, skill.proficiency))
    loads: dict[int, dict[str, int]] = {}
    for row in (
        WorkItem.objects.filter(agent__in=serving, status__in=ACTIVE)
        .values("agent_id", "channel")
        .annotate(n=Count("id"))
    ):
        loads.setdefault(row["agent_id"], {})[row["channel"]] = row["n"]
    ready: list[Assignee] = []
    with_concerns: list[Assignee] = []
    for agent in serving:
        state: AgentState | None = getattr(agent, "desk_state", None)
        own = sorted(skills.get(agent.pk, []), key=lambda pair: (_LEVEL.get(pair[1], 3), pair[0]))
        load = loads.get(agent.pk, {})
        assignee = Assignee(
            agent=agent,
            skills=own,
            presence=state.presence if state else AgentState.Presence.OFFLINE,
            room=agent_rooms(state, load)[capacity_group(item.channel)],
            concerns=assignment_concerns(
                item=item,
                state=state,
                load=load,
                languages=[code for code, level in own if level in ("native", "fluent")],
            ),
        )
        (with_concerns if assignee.concerns else ready).append(assignee)
    ready.sort(key=lambda a: (a.presence != AgentState.Presence.AVAILABLE, a.room.load))
    others = (
        User.objects.filter(is_active=True, role=User.Role.AGENT)
        .exclude(serves_client(item.client_id))
        .order_by("first_name", "last_name", "username")
    )
    named = list(others[:OTHERS_NAMED])
    return Assignees(
        ready=ready,
        with_concerns=with_concerns,
        others=named,
        more_others=others.count() - len(named) if len(named) == OTHERS_NAMED else 0,
    )
