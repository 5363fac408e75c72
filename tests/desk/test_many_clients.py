"""The desk's page at many clients: what it lists of every client stays bounded."""

import pytest
from django.core.cache import cache

from desk.views import inbox
from tenants.models import Client
from tests.support.desk import agent_with, signed_in

pytestmark = pytest.mark.django_db


def test_the_clients_table_shows_the_first_clients_by_name_and_counts_the_rest(
    two_clients, monkeypatch
):
    monkeypatch.setattr(inbox, "CLIENTS_TABLE_ROWS", 1)
    live = Client.objects.serving().order_by("name")
    first, rest = live[0], live.count() - 1
    assert rest >= 1
    agent = agent_with([first], {"cs": "native"})
    cache.clear()  # the table is cached a minute

    page = signed_in(agent).get(f"/?client={first.pk}").content.decode()

    assert all(client.name not in page for client in live[1:])
    assert f"… +{rest}</td>" in page
    # Its row, and the queue filter's option (built without a template loop), chosen.
    assert f"<td>{first.name}</td>" in page
    assert f'<option value="{first.pk}" selected>{first.name}</option>' in page
