"""Twilio's duplicate messaging webhooks at the same time, with real threads and committed
rows: every one answered 200, the message filed and acknowledged once."""

import threading

import pytest
from django.test import Client as HttpClient
from twilio.request_validator import RequestValidator

from content.models import MessageTemplate
from conversations.models import Conversation, Message
from customers.models import Customer
from hours.models import ResolutionClock
from routing.models import WorkItem
from telephony.models import PhoneNumber
from tests.support.fake_twilio import FakeTwilio
from tests.support.tenancy import in_schema
from tests.support.threads import THREADS, parallel

pytestmark = pytest.mark.slow
TOKEN = "race-auth-token"
URL = "http://localhost/twilio/messaging"
OURS, SENDER = "+48221230099", "+48601230099"


@pytest.fixture
def committed_number(two_clients, django_db_blocker, settings):
    settings.TWILIO_AUTH_TOKEN = TOKEN
    client = two_clients.b
    with django_db_blocker.unblock():
        number = PhoneNumber.objects.create(
            number=OURS, client=client, country="PL", default_language="pl"
        )
        with in_schema(client):
            template = MessageTemplate.objects.create(
                kind="acknowledgement", body_pl="Dziękujemy za SMS."
            )
        try:
            yield client
        finally:
            number.delete()
            with in_schema(client):
                template.delete()
                ids = list(
                    Conversation.objects.filter(customer__phone=SENDER).values_list("pk", flat=True)
                )
                Message.objects.filter(conversation__in=ids).delete()
                Conversation.objects.filter(pk__in=ids).delete()
                Customer.objects.filter(phone=SENDER).delete()
            WorkItem.objects.filter(client=client, source_id__in=ids).delete()
            ResolutionClock.objects.filter(client=client, conversation_id__in=ids).delete()


def sms(body: str, sid: str):
    params = {"MessageSid": sid, "From": SENDER, "To": OURS, "Body": body}
    signature = RequestValidator(TOKEN).compute_signature(URL, params)
    response = HttpClient(HTTP_HOST="localhost").post(
        "/twilio/messaging", params, HTTP_X_TWILIO_SIGNATURE=signature
    )
    return response.status_code, response.content.decode()


def filed(client) -> tuple[int, int, int, int]:
    with in_schema(client):
        messages = Message.objects.filter(conversation__customer__phone=SENDER)
        return (
            Customer.objects.filter(phone=SENDER).count(),
            Conversation.objects.filter(customer__phone=SENDER).count(),
            messages.filter(direction="in").count(),
            messages.filter(direction="out").count(),
        )


def test_twenty_duplicate_webhooks_at_once_all_answer_200_and_file_once(committed_number):
    answers = parallel(lambda: sms("Dzień dobry, gdzie jest moja paczka?", "SMrace1"))

    assert [a for a in answers if isinstance(a, BaseException)] == []
    assert [status for status, _ in answers] == [200] * THREADS
    # The acknowledgement goes back with the first answer only.
    assert sum("Dziękujemy za SMS." in text for _, text in answers) == 1
    assert filed(committed_number) == (1, 1, 1, 1)


def test_parts_of_one_long_sms_at_once_join_one_conversation(committed_number):
    sids = iter(f"SMpart{n}" for n in range(THREADS))
    lock = threading.Lock()

    def send():
        with lock:
            sid = next(sids)
        return sms(f"Część {sid} mojej wiadomości o zwrocie.", sid)

    answers = parallel(send)

    assert [a for a in answers if isinstance(a, BaseException)] == []
    assert [status for status, _ in answers] == [200] * THREADS
    assert filed(committed_number) == (1, 1, THREADS, 1)


def test_twenty_duplicate_mms_webhooks_fetch_the_medium_once(committed_number, settings):

    media = "/2010-04-01/Accounts/AC123/Messages/MMrace1/Media/ME1"
    settings.TWILIO_ACCOUNT_SID = "AC123"
    with FakeTwilio() as twilio:
        settings.TWILIO_API_BASE_URL = twilio.url
        twilio.answer(media, 200, ("image/jpeg", b"\xff\xd8\xff\xe0 race photo"))
        params = {
            "MessageSid": "MMrace1",
            "From": SENDER,
            "To": OURS,
            "Body": "Zdjęcie",
            "NumMedia": "1",
            "MediaUrl0": f"{twilio.url}{media}",
            "MediaContentType0": "image/jpeg",
        }
        signature = RequestValidator(TOKEN).compute_signature(URL, params)

        def send():
            return (
                HttpClient(HTTP_HOST="localhost")
                .post("/twilio/messaging", params, HTTP_X_TWILIO_SIGNATURE=signature)
                .status_code
            )

        answers = parallel(send)

    assert answers == [200] * THREADS
    assert filed(committed_number) == (1, 1, 1, 1)
    assert [path for _, path, _ in twilio.requests] == [media]  # fetched once
    with in_schema(committed_number):
        message = Message.objects.get(external_id="MMrace1")
        assert message.attachments.get().filename == "mms-1.jpg"
        assert not Message.objects.filter(
            conversation=message.conversation, direction="note"
        ).exists()
