"""The widget's HTTP API on a client's portal domain: set-up, chats in and out of hours,
messages with files, the token's reach (another client's, a forged one), typing, rating,
transcript, end."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient

from conversations.models import Attachment, Conversation, Message
from conversations.services import conversation_reply, conversation_resolve
from helpcenter.models import HelpCenterSettings
from hours.models import BusinessHours
from outbox.models import Delivery
from surveys.models import Survey
from tests.support.factories import agent_serving
from tests.support.tenancy import host_of, in_schema
from widget.models import ChatSession, WidgetSettings
from widget.tokens import chat_token_read

pytestmark = pytest.mark.django_db

# Client A: Czech and Slovak, Prague time, Monday-Friday 08:00-16:00 (the default).
MONDAY_10_PRAGUE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SATURDAY_10_PRAGUE = datetime(2026, 3, 7, 9, 0, tzinfo=UTC)
SHOP = "https://shop-a.example"


@pytest.fixture
def widget_a(two_clients, frozen):
    frozen(MONDAY_10_PRAGUE)
    BusinessHours.objects.create(client=two_clients.a)
    with in_schema(two_clients.a):
        WidgetSettings.objects.create(enabled=True, allowed_origins=[SHOP])
        HelpCenterSettings.objects.create(enabled=True)
    return two_clients.a


def http(client) -> HttpClient:
    return HttpClient(HTTP_HOST=host_of(client), HTTP_ORIGIN=SHOP)


def post(client, path: str, data: dict, **extra):
    return http(client).post(path, json.dumps(data), content_type="application/json", **extra)


def chat_started(client, **fields) -> dict:
    data = {
        "text": "Dobrý den, kde je moje objednávka?",
        "name": "Jana Nováková",
        "email": "jana@example.cz",
        "language": "cs",
        "visitor": "v-123",
        "page_url": "https://shop-a.example/boty",
        **fields,
    }
    response = post(client, "/widget/v1/chats", data)
    assert response.status_code == 201, response.content
    return response.json()


def test_config_in_the_page_language_when_open(widget_a):
    response = http(widget_a).get("/widget/v1/config?language=sk&accept=de,cs")
    assert response.status_code == 200
    config = response.json()
    assert config["language"] == "sk"
    assert config["languages"] == ["cs", "sk"]
    assert config["open"] is True and config["opens_at"] is None
    assert config["closes_at"] == "2026-03-02T15:00:00+00:00"  # 16:00 in Prague
    assert config["answer_by"] and config["answer_by_text"]
    assert config["texts"]["send"] and config["texts"]["rating_5"]
    assert config["live_url"] == f"http://{host_of(widget_a)}/widget/v1/live"
    assert config["help_url"] == "/help/"


def test_config_language_falls_back_to_the_browser_then_the_default(widget_a):
    assert (
        http(widget_a).get("/widget/v1/config?language=de&accept=de-AT,sk;q=0.8").json()["language"]
        == "sk"
    )
    assert http(widget_a).get("/widget/v1/config?language=fr&accept=en").json()["language"] == (
        widget_a.default_language
    )


def test_config_closed_on_the_weekend_says_the_next_opening(widget_a, frozen):
    frozen(SATURDAY_10_PRAGUE)
    config = http(widget_a).get("/widget/v1/config?language=cs").json()
    assert config["open"] is False
    assert config["opens_at"] == "2026-03-09T07:00:00+00:00"  # Monday 08:00 in Prague
    assert "8:00" in config["opens_at_text"]
    assert config["opens_at_text"] in config["texts"]["opens_at"]


def test_widget_off_is_a_404(two_clients):
    response = http(two_clients.b).get("/widget/v1/config")
    assert response.status_code == 404
    assert response.json()["detail"]


def test_a_chat_in_hours_is_live_work_with_a_token(widget_a):
    started = chat_started(widget_a)
    assert started["status"] == "open" and started["open"] is True
    assert started["seq"] == 0
    assert [m["from"] for m in started["messages"]] == ["customer"]
    token = chat_token_read(started["token"])
    assert token.schema_name == widget_a.schema_name
    with in_schema(widget_a):
        conversation = Conversation.objects.get(pk=started["conversation_id"])
        assert conversation.channel == "chat" and conversation.language == "cs"
        assert conversation.customer.email == "jana@example.cz"
        session = ChatSession.objects.get(conversation=conversation)
        assert session.origin == SHOP and session.visitor == "v-123"
        assert session.page_url == "https://shop-a.example/boty"


def test_the_chat_is_read_back_with_the_token_and_messages_added(widget_a, frozen):
    started = chat_started(widget_a)
    token = started["token"]
    first_id = started["messages"][0]["id"]
    frozen(MONDAY_10_PRAGUE + timedelta(minutes=2))
    response = post(widget_a, f"/widget/v1/chats/{token}/messages", {"text": "Číslo 1001."})
    assert response.status_code == 201
    assert response.json()["text"] == "Číslo 1001." and response.json()["from"] == "customer"
    read = http(widget_a).get(f"/widget/v1/chats/{token}?after={first_id}").json()
    assert [m["text"] for m in read["messages"]] == ["Číslo 1001."]
    assert read["seq"] == 1 and read["agent_typing"] is False


def test_a_reply_that_committed_late_with_a_lower_id_is_still_fetched(widget_a, frozen):
    """A reply whose id was taken before the customer's next message but committed after it:
    the widget, already past that id, still gets it (messages of the last minute come with
    every read; the widget keeps each once)."""
    started = chat_started(widget_a)
    token = started["token"]
    agent = agent_serving([widget_a])
    with in_schema(widget_a):
        reply = conversation_reply(
            client=widget_a, conversation_id=started["conversation_id"], agent=agent, text="Ano."
        )
    frozen(MONDAY_10_PRAGUE + timedelta(seconds=20))
    later = post(widget_a, f"/widget/v1/chats/{token}/messages", {"text": "Díky."}).json()
    assert later["id"] > reply.pk
    read = http(widget_a).get(f"/widget/v1/chats/{token}?after={later['id']}").json()
    assert reply.pk in [m["id"] for m in read["messages"]]
    frozen(MONDAY_10_PRAGUE + timedelta(minutes=5))  # long committed: only what is new
    assert (
        http(widget_a).get(f"/widget/v1/chats/{token}?after={later['id']}").json()["messages"] == []
    )


def test_a_photo_goes_with_a_message_and_is_fetched_with_the_token(widget_a):
    token = chat_started(widget_a)["token"]
    photo = SimpleUploadedFile("boty.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, "image/png")
    response = http(widget_a).post(
        f"/widget/v1/chats/{token}/messages", {"text": "Foto", "file": photo}
    )
    assert response.status_code == 201, response.content
    [attachment] = response.json()["attachments"]
    assert attachment["name"] == "boty.png" and attachment["content_type"] == "image/png"
    fetched = http(widget_a).get(attachment["url"])
    assert fetched.status_code == 200
    assert b"".join(fetched.streaming_content).startswith(b"\x89PNG")
    # Not without the token.
    forged = attachment["url"].replace(token, token[:-2] + "xx")
    assert http(widget_a).get(forged).status_code == 403


def test_files_refused_with_a_clear_status(widget_a):
    token = chat_started(widget_a)["token"]
    path = f"/widget/v1/chats/{token}/messages"
    program = SimpleUploadedFile("setup.exe", b"MZ" + b"0" * 10, "application/octet-stream")
    assert http(widget_a).post(path, {"text": "x", "file": program}).status_code == 415
    empty = SimpleUploadedFile("prazdny.png", b"", "image/png")
    assert http(widget_a).post(path, {"text": "x", "file": empty}).status_code == 400
    with in_schema(widget_a):
        assert not Attachment.objects.exists()


def test_bad_input_is_a_400_with_a_reason(widget_a):
    assert post(widget_a, "/widget/v1/chats", {"text": ""}).status_code == 400
    assert post(widget_a, "/widget/v1/chats", {"text": 5}).status_code == 400
    assert post(widget_a, "/widget/v1/chats", {"text": "x" * 5001}).status_code == 400
    response = http(widget_a).post("/widget/v1/chats", "[1", content_type="application/json")
    assert response.status_code == 400 and response.json()["detail"]
    response = post(widget_a, "/widget/v1/chats", {"text": "Ahoj", "email": "ne-adresa"})
    assert response.status_code == 400 and response.json()["field"] == "email"


def test_another_clients_token_or_a_forged_one_opens_nothing(widget_a, two_clients):
    token = chat_started(widget_a)["token"]
    with in_schema(two_clients.b):
        WidgetSettings.objects.create(enabled=True)
    assert http(two_clients.b).get(f"/widget/v1/chats/{token}").status_code == 403
    assert http(widget_a).get("/widget/v1/chats/not-a-token").status_code == 403


def test_outside_hours_an_email_conversation_with_the_promise(widget_a, frozen):
    frozen(SATURDAY_10_PRAGUE)
    refused = post(widget_a, "/widget/v1/chats", {"text": "Dobrý den", "language": "cs"})
    assert refused.status_code == 400 and refused.json()["field"] == "email"
    started = chat_started(widget_a)
    assert started["status"] == "email" and started["open"] is False
    # Answered within the e-mail promise, counted from Monday's opening.
    assert started["answer_by"] > "2026-03-09T07:00:00+00:00"
    assert started["answer_by_text"]
    with in_schema(widget_a):
        conversation = Conversation.objects.get(pk=started["conversation_id"])
        assert conversation.channel == "email"


def test_order_number_is_the_conversations_subject(widget_a):
    started = chat_started(widget_a, order_number="#1001")
    with in_schema(widget_a):
        assert "#1001" in Conversation.objects.get(pk=started["conversation_id"]).subject


def agent_answers(client, conversation_id: int) -> None:
    agent = agent_serving([client])
    with in_schema(client):
        conversation_reply(
            client=client, conversation_id=conversation_id, agent=agent, text="Hned to bude."
        )


def test_typing_rating_transcript_and_end(widget_a):
    started = chat_started(widget_a)
    token, conversation_id = started["token"], started["conversation_id"]
    assert http(widget_a).post(f"/widget/v1/chats/{token}/typing").status_code == 204
    with in_schema(widget_a):
        assert ChatSession.objects.get().customer_typing_until is not None

    agent_answers(widget_a, conversation_id)
    ended = http(widget_a).post(f"/widget/v1/chats/{token}/end")
    assert ended.status_code == 200 and ended.json()["status"] == "ended"
    assert http(widget_a).get(f"/widget/v1/chats/{token}").json()["status"] == "ended"

    rated = post(widget_a, f"/widget/v1/chats/{token}/rating", {"score": 4, "comment": "Díky"})
    assert rated.status_code == 201
    again = post(widget_a, f"/widget/v1/chats/{token}/rating", {"score": 5})
    assert again.status_code == 409
    assert post(widget_a, f"/widget/v1/chats/{token}/rating", {"score": 9}).status_code in (
        400,
        409,
    )
    with in_schema(widget_a):
        survey = Survey.objects.get(conversation_id=conversation_id)
        assert (survey.rating, survey.comment, survey.channel) == (4, "Díky", "chat")

    sent = post(widget_a, f"/widget/v1/chats/{token}/transcript", {"email": "jana@example.cz"})
    assert sent.status_code == 202
    twice = post(widget_a, f"/widget/v1/chats/{token}/transcript", {"email": "jana@example.cz"})
    assert twice.status_code == 429
    bad = post(widget_a, f"/widget/v1/chats/{token}/transcript", {"email": "x"})
    assert bad.status_code == 400
    with in_schema(widget_a):
        [transcript] = Message.objects.filter(  # not the e-mail copy of the unread reply
            conversation_id=conversation_id,
            channel="email",
            direction="note",
            body_text__contains="Dobrý den, kde je",
        )
        assert "Dobrý den, kde je moje objednávka?" in transcript.body_text
        delivery = Delivery.objects.get(message_id=transcript.pk)
        assert delivery.recipient == "jana@example.cz"


def test_a_chat_is_sent_by_email_twice_at_most(widget_a):
    token = chat_started(widget_a)["token"]
    path = f"/widget/v1/chats/{token}/transcript"
    answers = [post(widget_a, path, {"email": f"x{n}@example.cz"}) for n in range(3)]
    assert [answer.status_code for answer in answers] == [202, 202, 409]
    assert answers[2].json()["detail"]
    with in_schema(widget_a):
        assert ChatSession.objects.get().transcripts_sent == 2
        assert Delivery.objects.filter(recipient__startswith="x").count() == 2


def test_only_an_ended_chat_an_agent_answered_can_be_rated(widget_a):
    """A rating of a chat still going or of no answer at all would count in CSAT: 409 with
    the reason, and no survey made (the real one at resolution still goes)."""
    started = chat_started(widget_a)
    token, conversation_id = started["token"], started["conversation_id"]
    path = f"/widget/v1/chats/{token}/rating"
    going = post(widget_a, path, {"score": 1})
    assert going.status_code == 409 and going.json()["detail"]
    http(widget_a).post(f"/widget/v1/chats/{token}/end")
    unanswered = post(widget_a, path, {"score": 1})
    assert unanswered.status_code == 409 and unanswered.json()["detail"] != going.json()["detail"]
    with in_schema(widget_a):
        assert not Survey.objects.filter(conversation_id=conversation_id).exists()

    # An agent answers (the chat opens again with the customer's next message) and resolves.
    agent_answers(widget_a, conversation_id)
    post(widget_a, f"/widget/v1/chats/{token}/messages", {"text": "Díky"})
    assert post(widget_a, path, {"score": 5}).status_code == 409  # going again
    with in_schema(widget_a):
        conversation_resolve(
            client=widget_a, conversation_id=conversation_id, agent=agent_serving([widget_a])
        )
    assert post(widget_a, path, {"score": 5}).status_code == 201


def test_a_message_answered_by_email_is_not_rated_in_the_widget(widget_a, frozen):
    frozen(datetime(2026, 3, 1, 9, 0, tzinfo=UTC))  # a Sunday: closed
    started = chat_started(widget_a, email="jana@example.cz")
    token = started["token"]
    http(widget_a).post(f"/widget/v1/chats/{token}/end")
    refused = post(widget_a, f"/widget/v1/chats/{token}/rating", {"score": 5})
    assert refused.status_code == 409
