"""A desk form sent twice sends once (desk.submissions): the reply, the new e-mail and the
forward each carry a key made when the page was drawn; the same key and text again is
answered as the first time, nothing sent again. Another text, or no key, is another message.
Two at once: the second waits on the first's lock (idempotency.services, race-tested with the
JSON API's keys) and then finds its record."""

import re

import pytest

from conversations.models import Conversation, Message
from outbox.models import Delivery
from routing.models import WorkItem
from tests.support.desk import agent_with, held_by, inbound, signed_in
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db

KEY = re.compile(r'name="submission" value="([0-9a-f]{32})"')


def reply_key(page: str) -> str:
    """The reply form's key (the forward form has its own)."""
    [key] = KEY.findall(page.split('id="reply-form"')[1].split("</form>")[0])
    return key


@pytest.fixture
def jana(two_clients):
    return agent_with([two_clients.a], {"cs": "native"}, first_name="Jana")


def _outbound(client, conversation) -> list[str]:
    with in_schema(client):
        return list(
            Message.objects.filter(
                conversation=conversation, direction=Message.Direction.OUTBOUND
            ).values_list("body_text", flat=True)
        )


def test_a_reply_sent_twice_with_its_key_goes_out_once(two_clients, jana):
    conversation, item = inbound(two_clients.a, "Kde je balík?", "dvakrat@example.cz")
    held_by(item, jana)
    http = signed_in(jana)
    key = reply_key(http.get(f"/desk/items/{item.pk}").text)

    answers = [
        http.post(f"/desk/items/{item.pk}/reply", {"text": "Posíláme dnes.", "submission": key})
        for _click in range(2)
    ]

    assert [a.status_code for a in answers] == [302, 302]
    assert answers[0]["Location"] == answers[1]["Location"] == f"/desk/items/{item.pk}"
    assert len(_outbound(two_clients.a, conversation)) == 1
    assert Delivery.objects.filter(client=two_clients.a, kind="reply").count() == 1
    # The page drawn again has a new key: a second reply on purpose goes out.
    again = reply_key(http.get(f"/desk/items/{item.pk}").text)
    assert again != key
    http.post(f"/desk/items/{item.pk}/reply", {"text": "Posíláme dnes.", "submission": again})
    assert len(_outbound(two_clients.a, conversation)) == 2


def test_another_text_or_no_key_is_another_message(two_clients, jana):
    conversation, item = inbound(two_clients.a, "Kde je balík?", "jiny-text@example.cz")
    held_by(item, jana)
    http = signed_in(jana)
    key = reply_key(http.get(f"/desk/items/{item.pk}").text)
    http.post(f"/desk/items/{item.pk}/reply", {"text": "První.", "submission": key})
    http.post(f"/desk/items/{item.pk}/reply", {"text": "Druhá, opravená.", "submission": key})
    http.post(f"/desk/items/{item.pk}/reply", {"text": "Bez klíče."})
    http.post(f"/desk/items/{item.pk}/reply", {"text": "Bez klíče."})
    http.post(f"/desk/items/{item.pk}/reply", {"text": "Vadný klíč.", "submission": "x' OR 1"})
    assert len(_outbound(two_clients.a, conversation)) == 5


def test_a_refused_reply_keeps_no_key_and_the_corrected_one_goes_out(two_clients, jana):
    conversation, item = inbound(two_clients.a, "Kde je balík?", "oprava@example.cz")
    held_by(item, jana)
    http = signed_in(jana)
    key = reply_key(http.get(f"/desk/items/{item.pk}").text)
    refused = http.post(
        f"/desk/items/{item.pk}/reply", {"text": "Číslo {order_number}.", "submission": key}
    )
    assert refused.status_code == 400
    sent = http.post(f"/desk/items/{item.pk}/reply", {"text": "Číslo 12.", "submission": key})
    assert sent.status_code == 302 and _outbound(two_clients.a, conversation) != []


def test_a_new_email_sent_twice_starts_one_conversation_and_opens_it_again(two_clients, jana):
    http = signed_in(jana)
    [key] = KEY.findall(http.get(f"/desk/compose?client={two_clients.a.pk}").text)
    data = {
        "client": two_clients.a.pk,
        "to": "nova-dvakrat@example.cz",
        "language": "cs",
        "subject": "Náhradní boty",
        "text": "Dobrý den, posíláme náhradní pár.",
        "submission": key,
    }
    first, second = http.post("/desk/compose", data), http.post("/desk/compose", data)
    item = WorkItem.objects.get(client=two_clients.a, summary="Náhradní boty")
    assert first["Location"] == second["Location"] == f"/desk/items/{item.pk}"
    with in_schema(two_clients.a):
        assert Conversation.objects.filter(customer__email="nova-dvakrat@example.cz").count() == 1


def test_a_forward_sent_twice_goes_out_once(two_clients, jana):
    _conversation, item = inbound(two_clients.a, "Reklamace.", "forward2@example.cz")
    held_by(item, jana)
    http = signed_in(jana)
    [key] = KEY.findall(http.get(f"/desk/items/{item.pk}").text.split('id="forward-form"')[1])
    data = {"to": "sklad@obuv.example", "note": "Prosím.", "submission": key}
    assert [http.post(f"/desk/items/{item.pk}/forward", data).status_code for _ in "12"] == [
        302,
        302,
    ]
    assert Delivery.objects.filter(client=two_clients.a, kind="forward").count() == 1
