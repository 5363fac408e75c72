"""Reading users across the agency (public schema)."""

from collections.abc import Collection

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import User
from tenants.models import Client


def clients_served(user: User) -> QuerySet[Client]:
    """The clients whose work ``user`` may take: every e-shop for an agent who serves every
    client (``User.serves_every_client``), including those added later; else their list.
    The one answer to "which clients does this user serve" (agency admins see every client
    in the desk by their role, not by this: ``desk.access.serves``)."""
    if user.serves_every_client:
        return Client.objects.clients()
    return user.served_clients.all()


def served_client_ids(user: User) -> list[int] | None:
    """The ids of ``clients_served``, or None for an agent who serves every client: a
    caller filters by the list, or not at all, rather than by thousands of ids."""
    if user.serves_every_client:
        return None
    return list(user.served_clients.values_list("pk", flat=True))


def user_serves(user: User, client_id: int) -> bool:
    """``user`` may take the work of this client (one query at most)."""
    return user.serves_every_client or user.served_clients.filter(pk=client_id).exists()


def serves_client(client_id: int) -> Q:
    """A filter on users: those who serve this client, by their list or as agents of every
    client. A subquery, not a join: a pool agent's list (unused, maybe long) must not
    repeat their row."""
    listed = User.served_clients.through.objects.filter(user_id=OuterRef("pk"), client_id=client_id)
    return Q(serves_every_client=True) | Q(Exists(listed))


def audit_actors_public(
    *, client_id: int | None, client_ids: Collection[int] | None = None
) -> list[tuple[int, str]]:
    """Whom an audit page may be filtered by, by user name: everyone on the agency's page;
    on a client's, its portal users, the agents who serve it and the agency admins (who may
    open any portal). Read from the users, not from the log, which grows without them; the
    deactivated stay in, their events too."""
    users = User.objects.all()
    if client_ids is not None:  # a supervisor's clients: their users and agents
        listed = User.served_clients.through.objects.filter(
            user_id=OuterRef("pk"), client_id__in=client_ids
        )
        users = users.filter(
            Q(client_id__in=client_ids) | Q(serves_every_client=True) | Exists(listed)
        )
    if client_id is not None:
        users = users.filter(
            Q(client_id=client_id) | serves_client(client_id) | Q(role=User.Role.ADMIN)
        )
    return list(users.order_by("username").values_list("id", "username"))
