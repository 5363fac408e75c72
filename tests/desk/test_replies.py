"""The item page's thread and reply box, and new work from the agent, through the desk's
views: authors, notes apart, the customer's language by name, canned replies filled, a reply
with a placeholder refused (its text kept), forward and a new e-mail; outsiders get 404."""

import pytest

from accounts.models import User
from content.models import CannedReply, ReplySettings
from conversations.models import Conversation, Message
from conversations.services import conversation_note_add, conversation_reply
from outbox.models import Delivery
from routing.models import WorkItem
from tests.support.desk import agent_with, held_by, inbound, signed_in
from tests.support.portal import signed_in as portal_signed_in
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db

CZECH = "Dobrý den, kde je moje objednávka 2026-1042? Děkuji"


@pytest.fixture
def shop(two_clients):
    with in_schema(two_clients.a):
        ReplySettings.objects.create(
            order_number_pattern=r"\b20\d{2}-\d{4}\b",
            signature_cs="S pozdravem\n{agent_name}, {shop_name}",
        )
        CannedReply.objects.create(
            key="late",
            title_cs="Zpoždění",
            body_cs="Dobrý den {customer_name}, objednávka {order_number} z {shop_name} je na "
            "cestě. {agent_name}",
        )
    return two_clients.a


@pytest.fixture
def jana(shop):
    return agent_with([shop], {"cs": "native"}, first_name="Jana", last_name="Nováková")


def test_the_thread_names_every_author_and_keeps_notes_apart(shop, jana):
    conversation, item = inbound(shop, CZECH, "vera@example.cz")
    held_by(item, jana)
    with in_schema(shop):
        conversation_reply(
            client=shop, conversation_id=conversation.pk, agent=jana, text="Hned to zjistím."
        )
        conversation_note_add(
            client=shop, conversation_id=conversation.pk, agent=jana, text="Volat dopravci."
        )
    page = signed_in(jana).get(f"/desk/items/{item.pk}").text
    thread = page[page.index('id="thread"') : page.index('id="reply-form"')]
    assert thread.count('class="message-author"') == 3
    assert '<strong class="message-author">vera@example.cz</strong>' in thread
    assert thread.count('<strong class="message-author">Jana Nováková</strong>') == 2
    note = thread[thread.index('class="message note"') :]
    assert "Internal note · not sent to the customer" in note and "Volat dopravci." in note
    assert "To the customer" in thread
    assert "Queued" in thread  # the reply's delivery state
    assert 'id="customer-language" title="cs">Čeština (Czech)<' in page


def test_use_puts_the_reply_filled_and_names_what_is_left(shop, jana):
    _, item = inbound(shop, CZECH, "vera@example.cz")
    held_by(item, jana)
    page = signed_in(jana).get(f"/desk/items/{item.pk}").text
    replies = page[page.index('id="canned-replies"') :]
    assert (
        'data-text="Dobrý den {customer_name}, objednávka 2026-1042 z Client A Obuv je na '
        'cestě. Jana"' in replies
    )
    assert "To fill in: <mark>{customer_name}</mark>" in replies
    assert "S pozdravem\nJana, Client A Obuv" in page  # the signature, as it will be added


def test_a_reply_with_a_placeholder_is_refused_with_its_text_kept(shop, jana, user_a):
    conversation, item = inbound(shop, CZECH, "vera@example.cz")
    held_by(item, jana)
    text = "Dobrý den {customer_name}, objednávka 2026-1042 je na cestě."
    response = signed_in(jana).post(f"/desk/items/{item.pk}/reply", {"text": text})
    assert response.status_code == 400
    assert "Fill in or remove these placeholders before sending: {customer_name}." in (
        response.text
    )
    assert f">{text}</textarea>" in response.text  # nothing the agent wrote is lost
    with in_schema(shop):
        assert not Message.objects.filter(conversation=conversation, direction="out").exists()
    assert not Delivery.objects.filter(client=shop, kind="reply").exists()

    filled = text.replace("{customer_name}", "paní Malá")
    response = signed_in(jana).post(f"/desk/items/{item.pk}/reply", {"text": filled})
    assert response.status_code == 302
    with in_schema(shop):
        sent = Message.objects.get(conversation=conversation, direction="out")
    assert sent.body_text.startswith(filled + "\n\n-- \nS pozdravem\nJana, Client A Obuv")

    # The client's portal shows what the customer got: filled and signed; no forward, no note.
    signed_in(jana).post(f"/desk/items/{item.pk}/forward", {"to": "sklad@obuv.example"})
    portal = portal_signed_in(shop, user_a).get(f"/conversations/{conversation.pk}/").text
    assert "objednávka 2026-1042 je na cestě." in portal and "paní Malá" in portal
    assert "{customer_name}" not in portal and "sklad@obuv.example" not in portal


def test_forward_from_the_item_page_is_recorded_in_the_thread(shop, jana):
    _, item = inbound(shop, CZECH, "vera@example.cz")
    held_by(item, jana)
    http = signed_in(jana)
    response = http.post(
        f"/desk/items/{item.pk}/forward", {"to": "sklad@obuv.example", "note": "Prosím."}
    )
    assert response.status_code == 302
    delivery = Delivery.objects.get(client=shop, kind="forward")
    assert delivery.recipient == "sklad@obuv.example" and delivery.state == "queued"
    page = http.get(f"/desk/items/{item.pk}").text
    assert 'Forwarded to <span class="forward-to">sklad@obuv.example</span>' in page

    refused = http.post(f"/desk/items/{item.pk}/forward", {"to": "sklad@", "note": "Znovu."})
    assert refused.status_code == 400 and 'id="forward-errors"' in refused.text
    assert ">Znovu.</textarea>" in refused.text
    assert Delivery.objects.filter(client=shop, kind="forward").count() == 1


def test_a_new_email_from_the_desk_opens_the_conversations_page(shop, jana):
    http = signed_in(jana)
    form = http.get(f"/desk/compose?client={shop.pk}&to=nova@example.cz")
    assert form.status_code == 200
    assert f'<option value="{shop.pk}"' in form.text and 'value="nova@example.cz"' in form.text
    response = http.post(
        "/desk/compose",
        {
            "client": shop.pk,
            "to": "nova@example.cz",
            "name": "Nová Zákaznice",
            "language": "cs",
            "subject": "Náhradní boty",
            "text": "Dobrý den, posíláme náhradní pár.",
        },
    )
    assert response.status_code == 302
    item = WorkItem.objects.get(client=shop, summary="Náhradní boty")
    assert response["Location"] == f"/desk/items/{item.pk}"
    assert item.agent_id == jana.pk
    page = http.get(response["Location"]).text
    assert "Dobrý den, posíláme náhradní pár." in page and "Nová Zákaznice" in page
    with in_schema(shop):
        assert Conversation.objects.get(pk=item.source_id).status == "pending"


@pytest.mark.parametrize(
    "change",
    [{"to": "nova@"}, {"subject": ""}, {"text": "Objednávka {order_number}."}, {"client": ""}],
)
def test_a_new_email_with_bad_input_is_a_400_with_the_form_kept(shop, jana, change):
    data = {
        "client": shop.pk,
        "to": "nova@example.cz",
        "language": "cs",
        "subject": "Náhradní boty",
        "text": "Dobrý den.",
        **change,
    }
    response = signed_in(jana).post("/desk/compose", data)
    assert response.status_code == 400 and 'id="compose-errors"' in response.text
    assert Delivery.objects.filter(client=shop).count() == 0


def test_an_agent_cannot_write_in_the_name_of_a_client_they_do_not_serve(two_clients, shop):
    outsider = agent_with([two_clients.b], {"pl": "native"})
    http = signed_in(outsider)
    assert http.get(f"/desk/compose?client={shop.pk}").status_code == 404
    data = {
        "client": shop.pk,
        "to": "nova@example.cz",
        "language": "cs",
        "subject": "Cizí",
        "text": "Dobrý den.",
    }
    assert http.post("/desk/compose", data).status_code == 404
    form = http.get("/desk/compose").text
    assert f'<option value="{shop.pk}"' not in form and "Client B Sklep" in form
    with in_schema(shop):
        assert not Conversation.objects.exists()


def test_an_outsider_cannot_forward_another_clients_conversation(two_clients, shop, jana):
    _, item = inbound(shop, CZECH, "vera@example.cz")
    outsider = agent_with([two_clients.b], {"cs": "native"}, role=User.Role.AGENT, is_staff=True)
    response = signed_in(outsider).post(
        f"/desk/items/{item.pk}/forward", {"to": "me@elsewhere.example", "note": ""}
    )
    assert response.status_code == 404 and "Dobrý den" not in response.text
    assert not Delivery.objects.filter(client=shop, kind="forward").exists()
