"""The mail corpus, e-mails written for a test, and client A's and B's mailboxes."""

from email.message import EmailMessage
from pathlib import Path

import pytest

from content.models import MessageTemplate
from tenants.models import InboundAddress
from tests.support.tenancy import in_schema

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


def email(
    *,
    to="podpora@obuv.example",
    subject="Reklamace bot",
    body=None,
    html=None,
    message_id="<m1@customer.example>",
    charset="utf-8",
    **headers,
) -> bytes:
    message = EmailMessage()
    message["From"] = "Věra Malá <vera@customer.example>"
    message["To"] = to
    message["Subject"] = subject
    if message_id:
        message["Message-ID"] = message_id
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    body = body or "Dobrý den,\nboty mi přišly poškozené, chtěla bych je vrátit.\nDěkuji"
    message.set_content(body, charset=charset)
    if html:
        message.add_alternative(html, subtype="html")
    return message.as_bytes()
