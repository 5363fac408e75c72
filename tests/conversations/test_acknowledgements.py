"""Every new contact is acknowledged on its own channel, in the customer's language, with
the honest expected answer time; follow-ups and retries are not acknowledged again."""

import json
from datetime import UTC, datetime

import pytest
from django.test import Client as HttpClient
from twilio.request_validator import RequestValidator

from content.models import MessageTemplate
from conversations.acknowledgements import acknowledgement_text, conversation_acknowledge
from conversations.models import Conversation, Message
from conversations.services import conversation_open_inbound
from telephony.models import PhoneNumber
from tenants.services import api_key_issue
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db
TOKEN = "test-auth-token"


@pytest.fixture
def polish_templates(two_clients):
    with in_schema(two_clients.b):
        MessageTemplate.objects.create(
            kind="acknowledgement",
            body_pl="Dzień dobry {customer_name}, odpowiemy {expected_answer}. {shop_name}",
            body_en="Hello {customer_name}, we will reply {expected_answer}.",
        )
    return two_clients


def api_post(key: str, payload: dict):
    return HttpClient(HTTP_HOST="localhost").post(
        "/api/v1/messages",
        json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )


def sms(body: str, sid: str):
    url = "http://localhost/twilio/messaging"
    params = {"MessageSid": sid, "From": "+48601234567", "To": "+48221234567", "Body": body}
    signature = RequestValidator(TOKEN).compute_signature(url, params)
    return HttpClient(HTTP_HOST="localhost").post(
        "/twilio/messaging", params, HTTP_X_TWILIO_SIGNATURE=signature
    )


def test_an_api_contact_gets_the_acknowledgement_in_the_answer(polish_templates):
    _, key = api_key_issue(client=polish_templates.b, name="shop")
    message = {
        "text": "Dzień dobry, kiedy dotrze moja paczka? Czekam już tydzień.",
        "customer": {"email": "ola@example.pl", "name": "Ola"},
        "external_id": "c-1",
    }
    created = api_post(key, message).json()
    replayed = api_post(key, message).json()

    outbound = [m for m in created["messages"] if m["direction"] == "out"]
    assert len(outbound) == 1
    assert outbound[0]["text"].startswith("Dzień dobry Ola, odpowiemy ")
    assert outbound[0]["text"].endswith(polish_templates.b.name)
    assert created["resolution_due_at"] is not None
    assert replayed["messages"] == created["messages"]  # a replay is not acknowledged again


def test_an_api_caller_may_acknowledge_itself(polish_templates):
    _, key = api_key_issue(client=polish_templates.b, name="shop")
    created = api_post(
        key,
        {
            "text": "Dzień dobry, gdzie jest moja paczka?",
            "acknowledge": False,
            "customer": {"email": "ola@example.pl"},
        },
    ).json()
    assert [m["direction"] for m in created["messages"]] == ["in"]


def test_a_new_sms_is_answered_with_the_acknowledgement_and_a_follow_up_is_not(
    polish_templates, settings
):
    settings.TWILIO_AUTH_TOKEN = TOKEN
    PhoneNumber.objects.create(
        number="+48221234567", client=polish_templates.b, country="PL", default_language="pl"
    )
    first = sms("Dzień dobry, gdzie jest moja paczka? Czekam już tydzień.", "SM1")
    retried = sms("Dzień dobry, gdzie jest moja paczka? Czekam już tydzień.", "SM1")
    follow_up = sms("Numer zamówienia 4411.", "SM2")

    # Known only by a phone number: no name, and no stray space before the comma.
    assert "<Message>Dzień dobry, odpowiemy " in first.text
    assert "<Message>" not in retried.text and "<Message>" not in follow_up.text
    with in_schema(polish_templates.b):
        sent = Message.objects.get(direction="out")
        assert sent.channel == "sms" and sent.sent_at is not None
        assert Message.objects.filter(direction="in").count() == 2


def test_a_client_without_a_template_sends_nothing(two_clients):
    _, key = api_key_issue(client=two_clients.a, name="shop")
    created = api_post(
        key, {"text": "Dobrý den, kde je moje zásilka?", "customer": {"email": "jan@example.cz"}}
    ).json()
    assert [m["direction"] for m in created["messages"]] == ["in"]


def test_a_customer_reads_it_in_their_language_with_the_local_due_time(polish_templates):
    with in_schema(polish_templates.b):
        conversation = conversation_open_inbound(
            client=polish_templates.b,
            channel="chat",
            text="Hello, where is my parcel please?",
            customer_email="tom@example.com",
            customer_name="Tom",
            now=datetime(2026, 11, 23, 9, 0, tzinfo=UTC),
        ).conversation
        assert conversation.language == "en"
        ack = acknowledgement_text(client=polish_templates.b, conversation=conversation)
        assert Conversation.objects.count() == 1
    # In English, due in the client's zone (Warsaw): Monday 10:00 + 48 business hours of 8 a
    # day is Tuesday of the next week, 10:00.
    assert ack.body.startswith("Hello Tom, we will reply 12/1/26, 10:00")


GERMAN = "Guten Tag, meine Bestellung ist noch nicht angekommen. Wo ist das Paket?"
SWEDISH = "Hej, min beställning har fortfarande inte kommit. Var är paketet?"


@pytest.mark.parametrize("channel", ["email", "chat"])
def test_an_unsure_language_is_answered_in_the_default_with_a_line_in_the_detected_one(
    polish_templates, channel
):
    # Client B serves Polish and English; German is a catalog language it does not serve.
    with in_schema(polish_templates.b):
        conversation = conversation_open_inbound(
            client=polish_templates.b,
            channel=channel,
            text=GERMAN,
            customer_email="jonas@example.com",
            customer_name="Jonas",
        ).conversation
        sent = conversation_acknowledge(client=polish_templates.b, conversation=conversation)
    assert (conversation.language, conversation.language_uncertain) == ("pl", True)
    assert sent is not None
    assert sent.body_text.startswith(
        "Gern antworten wir Ihnen auch auf Deutsch.\n\nDzień dobry Jonas, odpowiemy "
    )


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (SWEDISH, "pl"),  # not a catalog language: nothing to promise
        ("Dzień dobry, kiedy dotrze moja paczka? Czekam już tydzień.", "pl"),  # sure: no line
    ],
)
def test_no_line_when_detection_was_sure_or_read_no_catalog_language(
    polish_templates, text, language
):
    with in_schema(polish_templates.b):
        conversation = conversation_open_inbound(
            client=polish_templates.b,
            channel="chat",
            text=text,
            customer_email="someone@example.com",
            customer_name="Sam",
        ).conversation
        ack = acknowledgement_text(client=polish_templates.b, conversation=conversation)
    assert conversation.language == language
    assert ack is not None and ack.body.startswith("Dzień dobry Sam, odpowiemy ")
