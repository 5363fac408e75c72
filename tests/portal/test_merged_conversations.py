"""The client's portal after a merge: the target's page reads both conversations' messages
(the source's marked with its number), and the source says where it went. Another client's
users never reach a client's pages (the isolation middleware, tests/portal)."""

import pytest

from conversations.merge import conversation_merge
from conversations.services import conversation_open_inbound
from tests.support.desk import agent_with
from tests.support.portal import signed_in
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db


def test_the_target_shows_both_threads_and_the_source_links_to_it(two_clients, user_a):
    client = two_clients.a
    agent = agent_with([client], {"cs": "native"})
    with in_schema(client):
        target, source = (
            conversation_open_inbound(
                client=client, channel="email", text=text, customer_email="vera@example.cz"
            ).conversation
            for text in ("Boty nepřišly.", "Objednávka 4711 pořád nic.")
        )
        conversation_merge(client=client, source_id=source.pk, target_id=target.pk, agent=agent)

    page = signed_in(client, user_a).get(f"/conversations/{target.pk}/").text
    assert "Boty nepřišly." in page and "Objednávka 4711 pořád nic." in page
    assert f"from #{source.pk}" in page
    source_page = signed_in(client, user_a).get(f"/conversations/{source.pk}/").text
    assert 'id="merged-target-link"' in source_page and f"/conversations/{target.pk}/" in (
        source_page
    )
