"""In a real browser: an agent answers an e-mail, the mail server refuses it for good, the
thread says so with the server's reason, and Retry sends it once the server takes mail."""

import pytest
from playwright.sync_api import expect

from accounts.models import User
from conversations.models import Conversation
from conversations.services import conversation_open_inbound
from languages.services import agent_skills_set
from outbox.models import Delivery
from routing.models import AgentState, WorkItem
from tests.support.billing import billing_tables_truncate
from tests.support.browser import served_and_browsed
from tests.support.factories import PASSWORD, UserFactory
from tests.support.smtp_sink import Sink, mailers_for, sink_start
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.slow


def test_an_agent_sees_a_refused_reply_and_sends_it_again(two_clients, django_db_blocker, settings):
    sink = Sink(reply="550 5.1.1 <refused@example.cz>: no such user here")
    controller = sink_start(sink)
    settings.MAILERS = mailers_for(controller.port)
    client = two_clients.a
    with django_db_blocker.unblock():
        agent = UserFactory(role=User.Role.AGENT, language="en")
        agent_skills_set(agent=agent, skills={"cs": "native"})
        agent.served_clients.set([client])
        with in_schema(client):
            conversation = conversation_open_inbound(
                client=client,
                channel="email",
                subject="Rozbité boty",
                text="Dobrý den, boty přišly rozbité.",
                customer_email="refused@example.cz",
            ).conversation
        item = WorkItem.objects.get(
            client=client, source_id=conversation.pk, source_kind="conversation"
        )
        WorkItem.objects.filter(pk=item.pk).update(agent=agent, status="assigned")
        try:
            with served_and_browsed() as (port, browser):
                page = browser.new_page()
                page.goto(f"http://localhost:{port}/desk/items/{item.pk}")
                page.get_by_label("User name").fill(agent.username)
                page.get_by_label("Password").fill(PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                page.locator("#reply-text").fill("Dobrý den, pošleme nové.")
                page.get_by_role("button", name="Send").click()  # sent at once (eager)

                refused = page.locator(".message.out .delivery-failed")
                expect(refused).to_contain_text("Failed")
                expect(refused).to_contain_text("550")
                expect(refused).to_contain_text("no such user here")
                sink.reply = "250 OK"
                page.locator(".message.out .delivery-retry button").click()
                expect(page.locator(".message.out .delivery-sent")).to_contain_text("Sent")
                expect(page.locator(".message.out .delivery-retry")).to_have_count(0)
                page.close()
            assert len(sink.received) == 1
        finally:
            controller.stop()
            Delivery.objects.filter(client=client, conversation_id=conversation.pk).delete()
            WorkItem.objects.filter(client=client, source_id=conversation.pk).delete()
            with in_schema(client):
                customer = conversation.customer
                Conversation.objects.filter(pk=conversation.pk).delete()
                customer.delete()
            AgentState.objects.filter(agent=agent).delete()
            agent.delete()
            # The replies it sent wrote committed usage entries; the ledger refuses DELETE, so
            # TRUNCATE (the next test must not find them).
            billing_tables_truncate()
