"""SMS replies through the outbox and Twilio's REST API (a local fake): accepted, refused
for good (an invalid number), or Twilio unavailable for now."""

import pytest

from conversations.models import Conversation, Message
from conversations.services import conversation_reply
from telephony.models import PhoneNumber
from tests.support.fake_twilio import FakeTwilio
from tests.support.outbox import delivery_of, send_now
from tests.support.tenancy import in_schema
from tests.support.voice import sms

pytestmark = pytest.mark.django_db
MESSAGES = "/2010-04-01/Accounts/AC123/Messages.json"


@pytest.fixture
def twilio(two_clients, settings):
    settings.TWILIO_AUTH_TOKEN = "test-auth-token"
    settings.TWILIO_ACCOUNT_SID = "AC123"
    PhoneNumber.objects.create(
        number="+48221234567", client=two_clients.b, country="PL", default_language="pl", sms=True
    )
    with FakeTwilio() as fake:
        settings.TWILIO_API_BASE_URL = fake.url
        yield fake


def sms_reply(client) -> Message:
    sms("Dzień dobry, gdzie jest moja paczka? Czekam już tydzień.", "SMin1")
    with in_schema(client):
        conversation = Conversation.objects.get(channel="sms")
        return conversation_reply(
            client=client,
            conversation_id=conversation.pk,
            agent=None,
            text="Paczka wyjechała dziś rano.",
        )


@pytest.mark.parametrize(
    ("status", "body", "state", "reason"),
    [
        (201, {"sid": "SMout1"}, "sent", ""),
        (400, {"code": 21211, "message": "Invalid 'To' Phone Number"}, "failed", "21211"),
        (503, {"message": "Service Unavailable"}, "queued", "HTTP 503"),
    ],
)
def test_twilio_accepts_refuses_or_is_unavailable(two_clients, twilio, status, body, state, reason):
    client = two_clients.b
    reply = sms_reply(client)
    assert delivery_of(client, reply.pk).state == "queued"
    twilio.answer(MESSAGES, status, body)

    assert send_now(client, reply.pk) == state

    delivery = delivery_of(client, reply.pk)
    assert reason in delivery.last_error
    [(_, _, form)] = [request for request in twilio.requests if request[1] == MESSAGES]
    assert (form["To"], form["From"]) == ("+48601234567", "+48221234567")
    with in_schema(client):
        sent = Message.objects.get(pk=reply.pk)
        conversation = sent.conversation
    if state == "sent":
        assert (sent.external_id, delivery.provider_id) == ("SMout1", "SMout1")
        assert sent.sent_at == delivery.sent_at == conversation.first_response_at
    else:
        assert sent.sent_at is None and conversation.first_response_at is None
