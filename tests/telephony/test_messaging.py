"""Twilio Messaging webhooks, signed the way Twilio signs them."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from twilio.request_validator import RequestValidator

from conversations.attachments import attachment_open
from conversations.models import Conversation, Message
from conversations.services import conversation_reply
from routing.models import WorkItem
from telephony.models import PhoneNumber
from telephony.tasks import MEDIA_RETRIES, mms_media_fetch_task, sms_send_task
from telephony.twilio_api import TwilioUnavailable, message_medium_fetch
from tests.support.fake_twilio import FakeTwilio
from tests.support.tenancy import in_schema
from tests.support.voice import MESSAGING_URL as URL
from tests.support.voice import TOKEN, sms

pytestmark = pytest.mark.django_db


@pytest.fixture
def numbers(two_clients, settings):
    settings.TWILIO_AUTH_TOKEN = TOKEN
    PhoneNumber.objects.create(
        number="+48221234567", client=two_clients.b, country="PL", default_language="pl"
    )
    return two_clients


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
        PhoneNumber(
            number=number, client=two_clients.b, country="PL", default_language="pl"
        ).full_clean()


def test_an_agents_reply_goes_out_as_an_sms_once_from_the_clients_number(
    numbers, settings, django_capture_on_commit_callbacks
):
    sms("Dzień dobry, gdzie jest moja paczka? Czekam już tydzień.", "SM1")
    settings.TWILIO_ACCOUNT_SID = "AC123"
    with FakeTwilio() as twilio, in_schema(numbers.b):
        settings.TWILIO_API_BASE_URL = twilio.url
        twilio.answer("/2010-04-01/Accounts/AC123/Messages.json", 201, {"sid": "SMout1"})
        conversation = Conversation.objects.get()
        with django_capture_on_commit_callbacks(execute=True):
            reply = conversation_reply(
                client=numbers.b,
                conversation_id=conversation.pk,
                agent=None,
                text="Paczka wyjechała dziś rano.",
            )
        sms_send_task.apply(args=[reply.pk])  # a second run sends nothing
        reply.refresh_from_db()
    ((method, path, form),) = twilio.requests
    assert (method, path) == ("POST", "/2010-04-01/Accounts/AC123/Messages.json")
    assert (form["To"], form["From"]) == ("+48601234567", "+48221234567")
    assert form["Body"] == "Paczka wyjechała dziś rano."
    assert (reply.external_id, reply.sent_at is not None) == ("SMout1", True)


# --- MMS --------------------------------------------------------------------------------------

JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 20
MEDIA = "/2010-04-01/Accounts/AC123/Messages/MM1/Media"


def mms(twilio, body: str, sid: str, media: list[tuple[str, str]], **extra):
    """An MMS webhook naming ``media`` [(path under the fake, announced type)]."""
    params = {
        "MessageSid": sid,
        "From": "+48601234567",
        "To": "+48221234567",
        "Body": body,
        "NumMedia": str(len(media)),
        **extra,
    }
    for index, (path, content_type) in enumerate(media):
        params[f"MediaUrl{index}"] = f"{twilio.url}{path}"
        params[f"MediaContentType{index}"] = content_type
    signature = RequestValidator(TOKEN).compute_signature(URL, params)
    # The media are fetched by a task sent when the text is committed: run it here.
    with twilio.on_commit(execute=True):
        return HttpClient(HTTP_HOST="localhost").post(
            "/twilio/messaging", params, HTTP_X_TWILIO_SIGNATURE=signature
        )


@pytest.fixture
def twilio(numbers, settings, django_capture_on_commit_callbacks):
    settings.TWILIO_ACCOUNT_SID = "AC123"
    with FakeTwilio() as fake:
        settings.TWILIO_API_BASE_URL = fake.url
        fake.on_commit = django_capture_on_commit_callbacks
        yield fake


def test_an_mms_files_its_pictures_as_attachments_of_the_message(numbers, twilio):
    twilio.answer(f"{MEDIA}/ME1", 200, ("image/jpeg", JPEG))
    twilio.answer(f"{MEDIA}/ME2", 200, ("application/pdf", b"%PDF-1.4 faktura"))
    media = [(f"{MEDIA}/ME1", "image/jpeg"), (f"{MEDIA}/ME2", "application/pdf")]
    response = mms(twilio, "Paczka przyszła zgnieciona, zdjęcie w załączniku.", "MM1", media)
    assert response.status_code == 200
    with in_schema(numbers.b):
        message = Message.objects.get(direction="in")
        files = list(message.attachments.all())
        assert [(f.filename, f.content_type, f.size) for f in files] == [
            ("mms-1.jpg", "image/jpeg", len(JPEG)),
            ("mms-2.pdf", "application/pdf", 16),
        ]
        with attachment_open(files[0]) as opened:
            assert opened.read() == JPEG
        assert not Message.objects.filter(direction="note").exists()
    # Fetched with the account's credentials, once: the task run again fetches nothing.
    assert [(m, p) for m, p, _ in twilio.requests] == [
        ("GET", f"{MEDIA}/ME1"),
        ("GET", f"{MEDIA}/ME2"),
    ]
    with in_schema(numbers.b):
        mms_media_fetch_task.apply(args=[message.pk, "MM1"])
    assert len(twilio.requests) == 2


def test_the_text_is_filed_and_answered_before_the_media_are_fetched(numbers, twilio):
    twilio.answer(f"{MEDIA}/ME1", 200, ("image/jpeg", JPEG))
    params = {
        "MessageSid": "MM1",
        "From": "+48601234567",
        "To": "+48221234567",
        "Body": "Zdjęcie paczki.",
        "NumMedia": "1",
        "MediaUrl0": f"{twilio.url}{MEDIA}/ME1",
        "MediaContentType0": "image/jpeg",
    }
    signature = RequestValidator(TOKEN).compute_signature(URL, params)
    with twilio.on_commit(execute=False) as sent:
        response = HttpClient(HTTP_HOST="localhost").post(
            "/twilio/messaging", params, HTTP_X_TWILIO_SIGNATURE=signature
        )
    assert response.status_code == 200 and twilio.requests == []  # Twilio not asked yet
    with in_schema(numbers.b):
        message = Message.objects.get(direction="in")
        assert message.body_text == "Zdjęcie paczki." and not message.attachments.exists()
        note = Message.objects.get(direction="note").body_text
        assert "being fetched" in note and f"{MEDIA}/ME1" in note
        for callback in sent:  # the worker's turn
            callback()
        assert message.attachments.get().filename == "mms-1.jpg"
        assert not Message.objects.filter(direction="note").exists()


def test_a_medium_twilio_cannot_serve_yet_is_fetched_on_a_retry(numbers, twilio):
    twilio.answer(f"{MEDIA}/ME1", 503, {"message": "try later"})
    twilio.answer(f"{MEDIA}/ME1", 200, ("image/jpeg", JPEG))
    assert mms(twilio, "Zdjęcie", "MM1", [(f"{MEDIA}/ME1", "image/jpeg")]).status_code == 200
    with in_schema(numbers.b):
        assert Message.objects.get(direction="in").attachments.get().size == len(JPEG)
        assert not Message.objects.filter(direction="note").exists()
    assert len(twilio.requests) == 2


def test_a_picture_sent_alone_opens_a_conversation(numbers, twilio):
    twilio.answer(f"{MEDIA}/ME1", 200, ("image/png", b"\x89PNG..."))
    assert mms(twilio, "", "MM1", [(f"{MEDIA}/ME1", "image/png")]).status_code == 200
    with in_schema(numbers.b):
        conversation = Conversation.objects.get()
        assert conversation.messages.get().attachments.get().filename == "mms-1.png"
    item = WorkItem.objects.get(client=numbers.b, channel="sms")
    assert item.summary == "[MMS without text: 1 medium]"


def test_a_medium_that_cannot_be_fetched_leaves_the_text_filed_and_a_note(numbers, twilio):
    twilio.answer(f"{MEDIA}/ME1", 200, ("image/jpeg", JPEG))
    for _ in range(MEDIA_RETRIES + 1):  # still unavailable after every retry
        twilio.answer(f"{MEDIA}/ME2", 503, {"message": "try later"})
    # ME3 unknown to Twilio (404); the fourth is not Twilio's at all and is never asked for.
    response = mms(
        twilio,
        "Zdjęcia uszkodzeń.",
        "MM1",
        [
            (f"{MEDIA}/ME1", "image/jpeg"),
            (f"{MEDIA}/ME2", "image/jpeg"),
            (f"{MEDIA}/ME3", "video/mp4"),
            ("/evil/Media/x", "image/gif"),
        ],
    )
    assert response.status_code == 200
    with in_schema(numbers.b):
        message = Message.objects.get(direction="in")
        assert message.body_text == "Zdjęcia uszkodzeń."
        assert message.attachments.count() == 1
        note = Message.objects.get(direction="note").body_text
    assert "HTTP 503" in note and "HTTP 404" in note and "video/mp4" in note
    assert "not a medium of our account" in note
    assert all("/evil" not in path for _, path, _ in twilio.requests)
    assert len(twilio.requests) == 1 + MEDIA_RETRIES + 1 + 1  # ME1, ME2 each try, ME3
    with in_schema(numbers.b):  # once settled, a run again asks Twilio nothing
        mms_media_fetch_task.apply(args=[message.pk, "MM1"])
        assert Message.objects.get(direction="note").body_text == note
    assert len(twilio.requests) == 1 + MEDIA_RETRIES + 1 + 1


def test_an_mms_whose_only_picture_is_lost_is_still_filed(numbers, twilio):
    assert mms(twilio, "", "MM1", [(f"{MEDIA}/ME1", "image/jpeg")]).status_code == 200
    with in_schema(numbers.b):
        message = Message.objects.get(direction="in")
        assert message.body_text.startswith("[MMS without text")
        assert "HTTP 404" in Message.objects.get(direction="note").body_text


def test_a_retried_mms_is_not_fetched_again(numbers, twilio):
    twilio.answer(f"{MEDIA}/ME1", 200, ("image/jpeg", JPEG))
    for _ in range(2):
        assert mms(twilio, "Zdjęcie", "MM1", [(f"{MEDIA}/ME1", "image/jpeg")]).status_code == 200
    assert len(twilio.requests) == 1
    with in_schema(numbers.b):
        assert Message.objects.get(direction="in").attachments.count() == 1


@pytest.mark.parametrize("count", ["lots", "-3", "", "99"])
def test_an_odd_media_count_never_fails_the_webhook(numbers, twilio, count):
    response = mms(twilio, "Dzień dobry", "MM1", [], NumMedia=count)
    assert response.status_code == 200
    with in_schema(numbers.b):
        assert Message.objects.filter(direction="in").count() == 1


def test_odd_text_in_an_sms_is_filed(numbers):
    assert sms("Dzień\x00 dobry 😀 " + "x" * 2000, "SM9").status_code == 200
    assert sms("Ahoj", "S" * 300).status_code == 200  # a sid over the column: refused, 200
    with in_schema(numbers.b):
        assert "\x00" not in Message.objects.get(external_id="SM9").body_text


def test_a_medium_trickling_in_is_given_up_after_its_time_budget(settings):
    """Each read within the socket timeout, the whole download not: a retry, later."""

    class Trickle(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", str(64 * 1024 * 50))
            self.end_headers()
            try:
                for _ in range(50):
                    self.wfile.write(b"x" * 64 * 1024)
                    self.wfile.flush()
                    time.sleep(0.1)
            except OSError:
                pass  # the client gave up

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.TWILIO_ACCOUNT_SID = "AC123"
    settings.TWILIO_API_BASE_URL = f"http://127.0.0.1:{server.server_address[1]}"
    started = time.monotonic()
    try:
        with pytest.raises(TwilioUnavailable, match=r"over 0\.5 s"):
            message_medium_fetch(
                url=f"{settings.TWILIO_API_BASE_URL}{MEDIA}/ME1",
                max_bytes=10**8,
                budget_seconds=0.5,
            )
    finally:
        server.shutdown()
        server.server_close()
    assert time.monotonic() - started < 2
