"""Who serves every client (User.serves_every_client): agents (and admins with a desk), never
a client's portal user; the one place that answers which clients a user serves."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client as HttpClient

from accounts.models import User
from accounts.selectors import (
    audit_actors_public,
    clients_served,
    served_client_ids,
    serves_client,
    user_serves,
)
from tenants.models import Client
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_portal_user_cannot_serve_every_client(two_clients):
    portal = UserFactory(role=User.Role.CLIENT, client=two_clients.a)
    portal.serves_every_client = True

    with pytest.raises(ValidationError, match="cannot serve every client"):
        portal.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        portal.save()


def test_an_agent_of_every_client_serves_clients_added_later(two_clients):
    pool = UserFactory(role=User.Role.AGENT, serves_every_client=True)
    pool.served_clients.set([two_clients.a])  # kept, not used
    later = Client.objects.bulk_create(
        [Client(name="Client Later", slug="client-later", schema_name="client_later")]
    )[0]

    assert served_client_ids(pool) is None
    assert set(clients_served(pool)) == set(Client.objects.clients())
    assert user_serves(pool, later.pk) and user_serves(pool, two_clients.b.pk)
    assert User.objects.filter(serves_client(later.pk), pk=pool.pk).count() == 1


def test_a_listed_agent_serves_their_list_only(two_clients):
    agent = UserFactory(role=User.Role.AGENT)
    agent.served_clients.set([two_clients.a])

    assert served_client_ids(agent) == [two_clients.a.pk]
    assert list(clients_served(agent)) == [two_clients.a]
    assert user_serves(agent, two_clients.a.pk) and not user_serves(agent, two_clients.b.pk)
    assert not User.objects.filter(serves_client(two_clients.b.pk), pk=agent.pk).exists()


def test_an_agent_of_every_client_is_among_each_clients_audit_actors(two_clients):
    pool = UserFactory(role=User.Role.AGENT, serves_every_client=True)
    pool.served_clients.set([two_clients.a, two_clients.b])  # one row, not one per listed

    actors = audit_actors_public(client_id=two_clients.b.pk)

    assert [pk for pk, _ in actors].count(pool.pk) == 1


def test_the_admins_user_list_filters_the_agents_of_every_client():
    admin = UserFactory(role=User.Role.ADMIN, is_staff=True, is_superuser=True)
    pool = UserFactory(role=User.Role.AGENT, serves_every_client=True, username="pool-lead")
    UserFactory(role=User.Role.AGENT, username="listed-agent")
    http = HttpClient(HTTP_HOST="localhost")
    http.force_login(admin)

    page = http.get("/admin/accounts/user/", {"serves_every_client__exact": "1"}).text

    assert f"/admin/accounts/user/{pool.pk}/change/" in page
    assert "listed-agent" not in page
