"""A placeholder blocks sending until filled, in a real browser: "Use" fills what is known
(the shop, the order number found in the customer's mail, the agent), highlights what is
not, the page does not send it, the server refuses it when the page's check is bypassed,
and once filled the reply goes out signed."""

import pytest
from playwright.sync_api import expect

from accounts.models import User
from content.models import CannedReply, ReplySettings
from conversations.models import Conversation
from routing.models import AgentState, WorkItem
from tests.support.billing import billing_tables_truncate
from tests.support.browser import served_and_browsed
from tests.support.desk import agent_with, held_by, inbound
from tests.support.factories import PASSWORD
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.slow
TEXT = "Dobrý den, objednávka 2026-1042 stále nepřišla. Kde je?"


@pytest.fixture(scope="module")
def desk(two_clients, django_db_blocker):
    with django_db_blocker.unblock():
        agent = agent_with(
            [two_clients.a], {"cs": "native"}, language="en", first_name="Jana", last_name="Malá"
        )
        with in_schema(two_clients.a):
            settings = ReplySettings.objects.create(
                order_number_pattern=r"\b20\d{2}-\d{4}\b",
                signature_cs="S pozdravem\n{agent_name}\n{shop_name}",
            )
            reply = CannedReply.objects.create(
                key="browser-late",
                title_cs="Zpoždění",
                body_cs="Dobrý den {customer_name}, objednávka {order_number} je na cestě.",
            )
        conversation, item = inbound(two_clients.a, TEXT, "placeholder@example.cz")
        held_by(item, agent)
        try:
            with served_and_browsed() as (port, browser):
                yield {"url": f"http://localhost:{port}", "browser": browser, "agent": agent}
        finally:
            WorkItem.objects.filter(client=two_clients.a, source_id=conversation.pk).delete()
            with in_schema(two_clients.a):
                customer = conversation.customer
                Conversation.objects.filter(pk=conversation.pk).delete()
                customer.delete()
                reply.delete()
                settings.delete()
            AgentState.objects.filter(agent=agent).delete()
            User.objects.filter(pk=agent.pk).delete()
            billing_tables_truncate()


def test_a_placeholder_blocks_sending_until_filled(desk, two_clients):
    page = desk["browser"].new_page()
    page.goto(desk["url"] + "/")
    page.get_by_label("User name").fill(desk["agent"].username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.locator("#my-items a").first.click()

    page.locator(".use-reply").first.click()
    box = page.locator("#reply-text")
    expect(box).to_have_value("Dobrý den {customer_name}, objednávka 2026-1042 je na cestě.")
    # Highlighted in the box, listed under it, and selected so that typing replaces it.
    expect(page.locator("#reply-mirror mark")).to_have_text("{customer_name}")
    expect(page.locator("#placeholders-left")).to_contain_text("{customer_name}")
    assert (
        page.evaluate(
            "(() => { const b = document.getElementById('reply-text');"
            " return b.value.slice(b.selectionStart, b.selectionEnd); })()"
        )
        == "{customer_name}"
    )

    # The page does not send it...
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#placeholders-left")).to_be_visible()
    expect(page.locator(".message.out")).to_have_count(0)
    # ...and the server refuses it when the page's check is bypassed, keeping the text.
    page.evaluate("document.getElementById('reply-form').submit()")
    expect(page.locator("#reply-errors")).to_contain_text(
        "Fill in or remove these placeholders before sending: {customer_name}."
    )
    expect(box).to_have_value("Dobrý den {customer_name}, objednávka 2026-1042 je na cestě.")
    expect(page.locator("#reply-mirror mark")).to_have_text("{customer_name}")
    expect(page.locator(".message.out")).to_have_count(0)

    # Filled in: the mark goes, and the reply is sent with the client's signature.
    page.locator(".use-reply").first.click()
    page.keyboard.type("paní Malá")
    expect(page.locator("#reply-mirror mark")).to_have_count(0)
    expect(page.locator("#placeholders-left")).to_be_hidden()
    page.get_by_role("button", name="Send").click()
    sent = page.locator(".message.out")
    expect(sent).to_contain_text("Dobrý den paní Malá, objednávka 2026-1042 je na cestě.")
    expect(sent.locator(".message-author")).to_have_text("Jana Malá")
    # The thread shows the text first; the signature it went out with is one click away.
    assert "S pozdravem" not in sent.inner_text()
    sent.get_by_text("With the signature").click()
    assert "cestě.\n\n--\nS pozdravem\nJana\nClient A Obuv" in sent.inner_text()
    assert "{" not in sent.inner_text()
    page.close()
