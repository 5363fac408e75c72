"""Reading users across the agency (public schema)."""

from collections.abc import Collection

from django.db.models import Q

from accounts.models import User


def audit_actors_public(
    *, client_id: int | None, client_ids: Collection[int] | None = None
) -> list[tuple[int, str]]:
    """Whom an audit page may be filtered by, by user name: everyone on the agency's page;
    on a client's, its portal users, the agents who serve it and the agency admins (who may
    open any portal). Read from the users, not from the log, which grows without them; the
    deactivated stay in, their events too."""
    users = User.objects.all()
    if client_ids is not None:  # a supervisor's clients: their users and agents
        users = users.filter(
            Q(client_id__in=client_ids) | Q(served_clients__in=client_ids)
        ).distinct()
    if client_id is not None:
        users = users.filter(
            Q(client_id=client_id) | Q(served_clients=client_id) | Q(role=User.Role.ADMIN)
        ).distinct()
    return list(users.order_by("username").values_list("id", "username"))
