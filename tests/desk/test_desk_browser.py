"""The agent desk in a real browser: take the next Czech e-mail of client A, answer it with
a Czech canned reply, finish it; Polish work is not offered; customers' text cannot run;
new work appears without a reload; keyboard shortcuts work."""

import pytest
from playwright.sync_api import expect

from accounts.models import User
from content.models import CannedReply
from conversations.models import Conversation
from conversations.services import conversation_open_inbound
from languages.services import agent_skills_set
from routing.models import AgentState, WorkItem
from tests.support.billing import billing_tables_truncate
from tests.support.browser import in_another_thread, served_and_browsed
from tests.support.factories import PASSWORD, UserFactory
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.slow
HOSTILE = "Dobrý den, boty nepřišly. <img src=x onerror=\"document.title='pwned'\"> Prosím o radu."


@pytest.fixture(scope="module")
def desk(two_clients, django_db_blocker):
    with django_db_blocker.unblock():
        czech = UserFactory(role=User.Role.AGENT, language="cs")
        agent_skills_set(agent=czech, skills={"cs": "native"})
        czech.served_clients.set([two_clients.a, two_clients.b])
        with in_schema(two_clients.a):
            reply = CannedReply.objects.create(
                key="browser-sorry",
                title_cs="Omluva",
                body_cs="Omlouváme se, boty pošleme znovu.",
            )
            czech_item = conversation_open_inbound(
                client=two_clients.a,
                channel="email",
                text=HOSTILE,
                subject="Boty nepřišly",
                customer_email="browser@example.cz",
            ).conversation
        with in_schema(two_clients.b):
            polish = conversation_open_inbound(
                client=two_clients.b,
                channel="email",
                subject="Paczka",
                text="Dzień dobry, moja paczka nie dotarła, proszę o pomoc.",
                customer_email="browser@example.pl",
            ).conversation
        later: list = []  # conversations opened while the page is open (test's other thread)
        try:
            with served_and_browsed() as (port, browser):
                yield {
                    "url": f"http://localhost:{port}",
                    "browser": browser,
                    "agent": czech.username,
                    "client": two_clients.a,
                    "later": later,
                }
        finally:
            WorkItem.objects.filter(source_id__in=[czech_item.pk, polish.pk]).delete()
            WorkItem.objects.filter(
                client=two_clients.a, source_id__in=[c.pk for c in later]
            ).delete()
            pairs = [(two_clients.a, czech_item), (two_clients.b, polish)]
            pairs += [(two_clients.a, conversation) for conversation in later]
            for client, conversation in pairs:
                with in_schema(client):
                    customer = conversation.customer
                    Conversation.objects.filter(pk=conversation.pk).delete()
                    customer.delete()
            with in_schema(two_clients.a):
                CannedReply.objects.filter(pk=reply.pk).delete()
            AgentState.objects.filter(agent=czech).delete()
            czech.delete()
            # The replies it sent wrote committed usage entries; the ledger refuses DELETE, so
            # TRUNCATE (the next test must not find them).
            billing_tables_truncate()


def signed_in_page(desk):
    page = desk["browser"].new_page()
    page.goto(desk["url"] + "/")
    page.get_by_label("User name").fill(desk["agent"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return page


def test_an_agent_takes_answers_and_finishes_a_czech_email(desk):
    page = signed_in_page(desk)

    # Signed in, the desk speaks the agent's Czech; Polish work is not offered to them.
    queue = page.locator("#queue")
    expect(queue).to_contain_text("Client A Obuv")
    expect(queue).not_to_contain_text("Client B Sklep")
    page.get_by_label("Stav").select_option("available")
    page.get_by_role("button", name="Vzít další").click()  # opens the item taken

    expect(page.get_by_role("heading", name="Client A Obuv")).to_be_visible()
    expect(page.locator(".message.in")).to_contain_text('<img src=x onerror="document.title')
    assert page.title() != "pwned"
    page.locator(".use-reply").first.click()
    expect(page.locator("#reply-text")).to_have_value("Omlouváme se, boty pošleme znovu.")
    page.get_by_role("button", name="Odeslat").click()
    expect(page.locator(".message.out")).to_contain_text("Omlouváme se, boty pošleme znovu.")
    page.get_by_role("button", name="Hotovo").click()
    expect(page.locator("#my-items")).to_contain_text("Nemáte přidělenou žádnou práci.")
    page.close()


def test_new_work_appears_without_a_reload_and_shortcuts_work(desk):
    page = signed_in_page(desk)
    expect(page.locator("#queue")).not_to_contain_text("Reklamace podrážky")
    page.evaluate("window.notReloaded = true")

    def new_contact():
        with in_schema(desk["client"]):
            desk["later"].append(
                conversation_open_inbound(
                    client=desk["client"],
                    channel="email",
                    subject="Reklamace podrážky",
                    text="Dobrý den, po týdnu se odlepila podrážka, chci reklamovat boty.",
                    customer_email="live@example.cz",
                ).conversation
            )

    in_another_thread(new_contact)
    expect(page.locator("#queue")).to_contain_text("Reklamace podrážky", timeout=15_000)
    assert page.evaluate("window.notReloaded") is True

    page.keyboard.press("?")
    expect(page.locator("#shortcuts-help")).to_be_visible()
    expect(page.locator("#shortcuts-help")).to_contain_text("Vzít další")
    page.keyboard.press("Escape")
    expect(page.locator("#shortcuts-help")).to_be_hidden()

    page.keyboard.press("n")  # take next: the new item opens
    expect(page.locator("h2").first).to_contain_text("Reklamace podrážky")
    # The shortcuts exist once the page's scripts ran: a key pressed before is lost, and the
    # letters typed next would be taken for shortcuts ("n" in "nám" takes the next item).
    page.wait_for_load_state("load")
    page.keyboard.press("r")
    expect(page.locator("#reply-text")).to_be_focused()
    page.keyboard.type("Pošlete nám prosím fotografii.")
    page.keyboard.press("Control+Enter")
    expect(page.locator(".message.out")).to_contain_text("Pošlete nám prosím fotografii.")
    page.keyboard.press("d")  # done: back to the desk
    expect(page.locator("#my-items")).to_contain_text("Nemáte přidělenou žádnou práci.")

    # The Polish e-mail of client B still waits, but this agent has no Polish.
    expect(page.locator("#queue")).not_to_contain_text("Paczka")
    page.keyboard.press("n")  # nothing to take: the desk says why, not "Nothing waiting"
    expect(page.locator("#why-nothing")).to_contain_text("Ve vašich jazycích nic nečeká.")
    expect(page.locator("#why-elsewhere")).to_contain_text("polština 1")
    page.close()
