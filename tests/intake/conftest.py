from pathlib import Path

import pytest

from content.models import MessageTemplate
from tenants.models import InboundAddress
from tests.conftest import in_schema

CORPUS = Path(__file__).resolve().parents[1] / "data" / "mail"


def corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


@pytest.fixture
def mailboxes(two_clients):
    """podpora@obuv.example receives client A's mail (Czech), pomoc@sklep.example client B's;
    both clients acknowledge new contacts."""
    InboundAddress.objects.create(
        client=two_clients.a, address="podpora@obuv.example", country="CZ"
    )
    InboundAddress.objects.create(client=two_clients.b, address="pomoc@sklep.example")
    for client in (two_clients.a, two_clients.b):
        with in_schema(client):
            MessageTemplate.objects.create(
                kind="acknowledgement", body_cs="Přijato.", body_pl="Przyjęte.", body_en="Received."
            )
    return two_clients
