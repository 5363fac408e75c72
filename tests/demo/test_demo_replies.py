"""The demo's replies are ready to send: every demo client signs in each of its languages,
and its receipts' order number fills the canned replies of the e-mails that carry it."""

import pytest

from accounts.models import User
from content.models import ReplySettings
from conversations.models import Message
from demo.cast import DEMO_CLIENTS
from routing.models import WorkItem
from tenants.models import Client
from tests.support.desk import held_by, signed_in
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db


def test_every_demo_client_signs_in_each_of_its_languages(demo_seeded):
    for client in Client.objects.filter(slug__in=[d.slug for d in DEMO_CLIENTS]):
        with in_schema(client):
            settings = ReplySettings.objects.get()
        assert settings.order_number_pattern
        for code in client.languages:
            signature = getattr(settings, f"signature_{code}")
            assert "{agent_name}" in signature and "{shop_name}" in signature, (client, code)


def test_the_order_number_of_a_demo_mail_fills_the_canned_reply(demo_seeded):
    client = Client.objects.get(slug="bohemia-shoes")
    jana = User.objects.get(username="jana")
    with in_schema(client):
        message = Message.objects.get(external_id="demo-files-0")
    item = WorkItem.objects.filter(
        client=client, source_kind="conversation", source_id=message.conversation_id
    ).latest("id")
    held_by(item, jana)
    page = signed_in(jana).get(f"/desk/items/{item.pk}").text
    assert "(2026-1042)" in page  # in the subject
    assert 'data-text="Dobrý den, Vaše objednávka 2026-1042 byla odeslána.' in page
    assert "S pozdravem\nJana\nzákaznická podpora Bohemia Shoes" in page
