"""Twilio Messaging webhooks, signed the way Twilio signs them."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from twilio.request_validator import RequestValidator

from conversations.models import Conversation, Message
from routing.models import WorkItem
from telephony.models import PhoneNumber
from tests.conftest import in_schema

pytestmark = pytest.mark.django_db
TOKEN = "test-auth-token"
URL = "http://localhost/twilio/messaging"


@pytest.fixture
def numbers(two_clients, settings):
    settings.TWILIO_AUTH_TOKEN = TOKEN
    PhoneNumber.objects.create(number="+48221234567", client=two_clients.b, country="PL",
                               default_language="pl")  # fmt: skip
    return two_clients


def sms(body: str, sid: str, *, sender="+48601234567", to="+48221234567", signed_with=TOKEN):
    params = {"MessageSid": sid, "From": sender, "To": to, "Body": body}
    signature = RequestValidator(signed_with).compute_signature(URL, params)
    return HttpClient(HTTP_HOST="localhost").post(
        "/twilio/messaging", params, HTTP_X_TWILIO_SIGNATURE=signature
    )


def test_an_sms_opens_a_conversation_of_the_numbers_client(numbers):
    response = sms("Dzień dobry, gdzie jest moja paczka? Czekam już tydzień.", "SM1")
    assert response.status_code == 200 and response["Content-Type"] == "text/xml"
    with in_schema(numbers.b):
        conversation = Conversation.objects.get()
        assert (conversation.channel, conversation.language) == ("sms", "pl")
        assert conversation.customer.phone == "+48601234567"
    assert WorkItem.objects.filter(client=numbers.b, channel="sms").count() == 1


def test_a_retry_and_a_follow_up(numbers):
    sms("Dzień dobry, gdzie jest moja paczka? Czekam już tydzień.", "SM1")
    sms("Dzień dobry, gdzie jest moja paczka? Czekam już tydzień.", "SM1")  # Twilio retried
    sms("Numer zamówienia 4411.", "SM2")
    with in_schema(numbers.b):
        assert Conversation.objects.count() == 1
        assert Message.objects.count() == 2


def test_a_bad_signature_is_refused_and_files_nothing(numbers):
    assert sms("Dzień dobry", "SM3", signed_with="someone-else").status_code == 403
    unsigned = HttpClient(HTTP_HOST="localhost").post("/twilio/messaging", {"Body": "x"})
    assert unsigned.status_code == 403
    with in_schema(numbers.b):
        assert not Conversation.objects.exists()


def test_an_unknown_number_is_answered_and_logged(numbers, caplog):
    response = sms("Hello", "SM4", to="+420221234567")
    assert response.status_code == 200
    assert "SMS to unknown number +420221234567" in caplog.text


@pytest.mark.parametrize("number", ["+4822123", "0221234567", "+48 22 123 45 67", "abc"])
def test_numbers_must_be_valid_e164(number, two_clients):
    with pytest.raises(ValidationError):
        PhoneNumber(number=number, client=two_clients.b, country="PL",
                    default_language="pl").full_clean()  # fmt: skip


def test_an_agents_reply_goes_out_as_an_sms_once_from_the_clients_number(
    numbers, settings, django_capture_on_commit_callbacks
):
    from conversations.services import conversation_reply
    from telephony.tasks import sms_send_task
    from tests.telephony.fake_twilio import FakeTwilio

    sms("Dzień dobry, gdzie jest moja paczka? Czekam już tydzień.", "SM1")
    settings.TWILIO_ACCOUNT_SID = "AC123"
    with FakeTwilio() as twilio, in_schema(numbers.b):
        settings.TWILIO_API_BASE_URL = twilio.url
        twilio.answer("/2010-04-01/Accounts/AC123/Messages.json", 201, {"sid": "SMout1"})
        conversation = Conversation.objects.get()
        with django_capture_on_commit_callbacks(execute=True):
            reply = conversation_reply(client=numbers.b, conversation_id=conversation.pk,
                                       agent=None, text="Paczka wyjechała dziś rano.")  # fmt: skip
        sms_send_task.apply(args=[reply.pk])  # a second run sends nothing
        reply.refresh_from_db()
    ((method, path, form),) = twilio.requests
    assert (method, path) == ("POST", "/2010-04-01/Accounts/AC123/Messages.json")
    assert (form["To"], form["From"]) == ("+48601234567", "+48221234567")
    assert form["Body"] == "Paczka wyjechała dziś rano."
    assert (reply.external_id, reply.sent_at is not None) == ("SMout1", True)
