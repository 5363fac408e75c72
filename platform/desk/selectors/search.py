"""The desk's side of search (public schema): which clients a user may search, and the
names a page of hits shows (their clients and assignees), in a bounded number of queries."""

from dataclasses import dataclass

from accounts.models import User
from accounts.selectors import clients_served
from desk.selectors.inbox import client_colour
from routing.models import WorkItem
from search.selectors import SearchHit
from tenants.models import Client


@dataclass(frozen=True)
class ScopeClient:
    client: Client
    colour: str


def search_scope_public(user: User) -> list[ScopeClient]:
    """The clients ``user`` may search, by name: agency admins every client, anyone else
    the clients they serve (as for opening an item, ``desk.access.serves``). One query."""
    clients = Client.objects.clients() if user.is_agency_admin else clients_served(user)
    return [ScopeClient(client, client_colour(client)) for client in clients.order_by("name", "id")]


def assignees_public(hits: list[SearchHit]) -> dict[int, User]:
    """The users the hits are assigned to, by id (one query; none without hits)."""
    ids = {hit.assignee_id for hit in hits if hit.assignee_id}
    return User.objects.in_bulk(ids) if ids else {}


def agents_public() -> list[User]:
    """The agency's active agents and admins, by name: whom a supervisor may filter by."""
    return list(
        User.objects.filter(is_active=True, role__in=[User.Role.AGENT, User.Role.ADMIN])
        .only("id", "username", "first_name", "last_name")
        .order_by("first_name", "last_name", "username")
    )


def latest_item_public(*, client_id: int, conversation_id: int) -> WorkItem | None:
    """The conversation's newest work item (open or done), if it ever had one."""
    return (
        WorkItem.objects.filter(
            client_id=client_id, source_kind="conversation", source_id=conversation_id
        )
        .order_by("-id")
        .first()
    )
