"""Who has a conversation open on the desk, and who is typing in it: the collision notice.

Each open item page says every few seconds that its agent is still there (and whether they
typed since the last time); the answer names the other agents there. It is kept in Django's
cache (Redis when ``REDIS_URL`` is set, shared by every web process), never in the database:
it is a few seconds' worth of presence, and 1,000 open pages would otherwise write a row
each every 5 seconds. An entry is forgotten ``VIEWER_SECONDS`` after the page last spoke."""

from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from accounts.models import User
from routing.models import WorkItem

VIEWER_SECONDS = 15  # three missed beats of the page (every 5 s) and the agent is gone
TYPING_SECONDS = 8


@dataclass(frozen=True)
class Viewer:
    name: str
    typing: bool


def _key(item: WorkItem) -> str:
    # Per conversation (or call), not per work item: a reopened conversation has a new item.
    return f"desk:viewers:{item.client_id}:{item.source_kind}:{item.source_id}"


def item_viewer_beat(*, item: WorkItem, agent: User, typing: bool, leaving: bool = False) -> None:
    """The agent's page for the item is open (``typing``: they typed since the last beat);
    ``leaving``: the page closes."""
    now = timezone.now().timestamp()
    key = _key(item)
    seen: dict[str, list[Any]] = cache.get(key) or {}
    # A lost update between two beats at the same moment heals at the next beat.
    seen = {uid: entry for uid, entry in seen.items() if entry[1] > now - VIEWER_SECONDS}
    if leaving:
        seen.pop(str(agent.pk), None)
    else:
        earlier = seen.get(str(agent.pk))
        typed_at = now if typing else (earlier[2] if earlier else 0.0)
        seen[str(agent.pk)] = [agent.get_full_name() or agent.username, now, typed_at]
    cache.set(key, seen, VIEWER_SECONDS)


def item_viewers_others(*, item: WorkItem, agent: User) -> list[Viewer]:
    """The other agents with the item's conversation open now, typists first."""
    now = timezone.now().timestamp()
    seen: dict[str, list[Any]] = cache.get(_key(item)) or {}
    others = [
        Viewer(name=name, typing=typed_at > now - TYPING_SECONDS)
        for uid, (name, beat_at, typed_at) in seen.items()
        if uid != str(agent.pk) and beat_at > now - VIEWER_SECONDS
    ]
    return sorted(others, key=lambda viewer: (not viewer.typing, viewer.name))
