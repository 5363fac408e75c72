"""A ringing call in a real browser: the screen pop appears on the open desk without a
reload, with the caller's earlier conversation, and opens the call's page."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from conversations.models import Conversation
from conversations.services import conversation_open_inbound
from languages.services import agent_skills_set
from routing.models import AgentState, WorkItem
from routing.services import agent_presence_set, route_waiting, work_enqueue
from telephony.voice.models import Call
from tests.support.browser import in_another_thread, served_and_browsed
from tests.support.factories import PASSWORD, UserFactory
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.slow
CALLER = "+420601999888"


@pytest.fixture(scope="module")
def desk(two_clients, django_db_blocker):
    with django_db_blocker.unblock():
        agent = UserFactory(role=User.Role.AGENT, language="cs")
        agent_skills_set(agent=agent, skills={"cs": "native"})
        agent.served_clients.set([two_clients.a])
        agent_presence_set(agent=agent, presence="available")
        with in_schema(two_clients.a):
            earlier = conversation_open_inbound(
                client=two_clients.a,
                channel="email",
                subject="Reklamace kabelky",
                text="Kabelka má roztržený popruh.",
                customer_email="pop@example.cz",
                customer_phone=CALLER,
                customer_name="Petra Svobodová",
            ).conversation
        WorkItem.objects.filter(source_kind="conversation", source_id=earlier.pk).delete()
        calls: list = []
        try:
            with served_and_browsed() as (port, browser):
                yield {
                    "url": f"http://localhost:{port}",
                    "browser": browser,
                    "agent": agent,
                    "client": two_clients.a,
                    "calls": calls,
                }
        finally:
            WorkItem.objects.filter(source_kind="call", source_id__in=calls).delete()
            with in_schema(two_clients.a):
                Call.objects.filter(pk__in=calls).delete()
                customer = earlier.customer
                Conversation.objects.filter(pk=earlier.pk).delete()
                customer.delete()
            AgentState.objects.filter(agent=agent).delete()
            agent.delete()


def test_a_ringing_call_pops_up_with_the_callers_history_without_a_reload(desk):
    page = desk["browser"].new_page()
    page.goto(desk["url"] + "/")
    page.get_by_label("User name").fill(desk["agent"].username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#my-items")).to_be_visible()
    expect(page.locator(".screen-pop")).to_have_count(0)
    page.evaluate("window.notReloaded = true")

    def a_call_rings():
        client, now = desk["client"], timezone.now()
        with in_schema(client):
            call = Call.objects.create(
                call_sid="CAbrowser1",
                from_number=CALLER,
                to_number="+420228880000",
                country="CZ",
                language="cs",
                topic="returns",
                ringing_at=now,
                queued_at=now,
            )
        desk["calls"].append(call.pk)
        work_enqueue(
            client=client,
            channel="call",
            language="cs",
            source_kind="call",
            source_id=call.pk,
            summary=CALLER,
            waiting_since=now,
        )
        route_waiting()

    in_another_thread(a_call_rings)
    pop = page.locator(".screen-pop.ringing")
    expect(pop).to_be_visible(timeout=15_000)
    expect(pop).to_contain_text("Zvoní")  # ringing, in the agent's Czech
    expect(pop).to_contain_text("Client A Obuv")
    expect(pop).to_contain_text(CALLER)
    expect(pop).to_contain_text("Petra Svobodová")
    expect(pop.locator(".caller-conversations")).to_contain_text("Reklamace kabelky")
    expect(pop.locator(".caller-topic")).to_have_text("returns")
    assert page.evaluate("window.notReloaded") is True

    pop.get_by_role("link", name="Otevřít hovor").click()
    expect(page.locator("#call-timeline")).to_contain_text("Zvoní")
    expect(page.locator("#caller-history")).to_contain_text("Reklamace kabelky")
    expect(page.locator("#done-form")).to_have_count(0)  # still ringing: nothing to finish
    page.close()
