"""desk-live in a real browser: a desktop notification asked for on a click and shown when a
chat comes to the agent; new work in the queue on the desk within about a second through the
pulse; the supervisors' wall updating without a reload; the collision notice when a colleague
types in the same conversation."""

import time

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from accounts.models import AgentSettings, User
from conversations.models import Conversation
from conversations.services import conversation_open_inbound
from languages.services import agent_skills_set
from routing.models import AgentState, WorkItem
from routing.services import agent_next_item, agent_presence_set, work_enqueue
from tests.support.browser import (
    in_another_thread,
    second_step,
    served_and_browsed,
    wait_until,
)
from tests.support.factories import PASSWORD, UserFactory
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.slow

# Records every notification the page makes (and still makes it): what the agent would see.
NOTIFICATION_SPY = """
(() => {
  const Real = window.Notification;
  if (!Real) { return; }
  window.shownNotifications = [];
  function Spy(title, options) {
    const made = new Real(title, options);
    made.addEventListener("show", () => window.shownNotifications.push({title, shown: true}));
    window.shownNotifications.push({title, body: (options || {}).body || ""});
    return made;
  }
  Object.defineProperty(Spy, "permission", {get: () => Real.permission});
  Spy.requestPermission = (...args) => Real.requestPermission(...args);
  window.Notification = Spy;
})();
"""


@pytest.fixture(scope="module")
def desk(two_clients, django_db_blocker):
    with django_db_blocker.unblock():
        users = []
        for name, first, last in (("jana", "Jana", "Malá"), ("petr", "Petr", "Velký")):
            user = UserFactory(
                role=User.Role.AGENT,
                language="cs",
                username=f"live-{name}",
                first_name=first,
                last_name=last,
            )
            agent_skills_set(agent=user, skills={"cs": "native"})
            user.served_clients.set([two_clients.a])
            users.append(user)
        supervisor = UserFactory(role=User.Role.AGENT, is_staff=True, username="live-boss")
        agent_skills_set(agent=supervisor, skills={"en": "native"})
        # A staff supervisor reads the items of the clients they serve (the drill-down).
        supervisor.served_clients.set([two_clients.a])
        opened: list = []
        sessions_before = set(Session.objects.values_list("session_key", flat=True))
        try:
            with served_and_browsed() as (port, browser):
                yield {
                    "url": f"http://localhost:{port}",
                    "browser": browser,
                    "client": two_clients.a,
                    "jana": users[0],
                    "opened": opened,
                }
        finally:
            WorkItem.objects.filter(client=two_clients.a, source_kind="conversation").filter(
                source_id__in=[conversation.pk for conversation in opened]
            ).delete()
            WorkItem.objects.filter(source_kind="live-test").delete()
            with in_schema(two_clients.a):
                for conversation in opened:
                    customer = conversation.customer
                    Conversation.objects.filter(pk=conversation.pk).delete()
                    customer.delete()
            for user in [*users, supervisor]:
                AgentState.objects.filter(agent=user).delete()
                AgentSettings.objects.filter(agent=user).delete()
                user.delete()
            # The sign-ins of these tests: the sessions' own tests count what is left.
            Session.objects.exclude(session_key__in=sessions_before).delete()


def signed_in_page(desk, username: str, *, context=None):
    page = (context or desk["browser"]).new_page()
    page.goto(desk["url"] + "/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    second_step(page, username)
    return page


def test_a_desktop_notification_is_asked_for_on_a_click_and_shown_on_a_new_chat(desk):
    context = desk["browser"].new_context()
    context.add_init_script(NOTIFICATION_SPY)
    page = signed_in_page(desk, "live-jana", context=context)
    allow = page.locator("#notify-allow")
    expect(allow).to_be_visible()  # nothing asked before the agent clicks
    assert page.evaluate("Notification.permission") == "default"
    context.grant_permissions(["notifications"], origin=desk["url"])
    allow.click()
    expect(allow).to_be_hidden()
    assert page.evaluate("Notification.permission") == "granted"

    def new_chat():
        agent_presence_set(agent=desk["jana"], presence="available")
        with in_schema(desk["client"]):
            desk["opened"].append(
                conversation_open_inbound(
                    client=desk["client"],
                    channel="chat",
                    text="Dobrý den, kdy dorazí moje objednávka 12345?",
                    customer_email="chat-live@example.cz",
                    language="cs",
                ).conversation
            )
        assert agent_next_item(agent=desk["jana"]) is not None  # the router gives it to Jana

    in_another_thread(new_chat)
    wait_until(page, "window.shownNotifications.some(n => n.title === 'Nový chat: Client A Obuv')")
    made = page.evaluate("window.shownNotifications")
    assert any("objednávka 12345" in (n.get("body") or "") for n in made)
    context.close()


def test_new_work_in_the_queue_is_on_the_desk_at_the_next_pulse(desk):
    page = signed_in_page(desk, "live-petr")
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    expect(page.locator("#queue")).to_be_visible()
    page.evaluate("window.notReloaded = true")
    page.wait_for_timeout(3_000)
    # The pulse is asked each second; the inbox is fetched when it changes (other tests'
    # committed work for this client may change it meanwhile) or every 15 s.
    pulses = sum("/desk/pulse" in url for url in asked)
    assert pulses >= 2
    assert sum("/desk/live" in url for url in asked) < pulses
    committed: list[float] = []

    def new_item():
        work_enqueue(
            client=desk["client"],
            channel="email",
            language="cs",
            summary="Reklamace tkaniček",
            source_kind="live-test",
            source_id=2,
            priority=9,  # heads the queue's table
        )
        committed.append(time.monotonic())

    in_another_thread(new_item)
    # The inbox's own poll comes every 15 s; only the pulse brings it this soon.
    expect(page.locator("#queue")).to_contain_text("Reklamace tkaniček", timeout=4_000)
    print(f"on the desk {time.monotonic() - committed[0]:.2f} s after the commit")
    assert page.evaluate("window.notReloaded") is True
    page.close()


def test_the_wall_updates_without_a_reload(desk):
    page = signed_in_page(desk, "live-boss")
    page.goto(desk["url"] + "/desk/wall")
    expect(page.locator("#wall-languages")).to_be_visible()
    expect(page.locator("#wall-languages")).not_to_contain_text("hu")
    page.evaluate("window.notReloaded = true")
    stamp = page.locator("#wall-updated").get_attribute("datetime")

    def new_item():
        work_enqueue(
            client=desk["client"],
            channel="call",
            language="hu",
            summary="Hívás",
            source_kind="live-test",
            source_id=1,
        )

    in_another_thread(new_item)
    hungarian = page.locator("#wall-languages tr", has_text="hu")
    expect(hungarian).to_be_visible(timeout=15_000)
    expect(hungarian.locator("td").nth(2)).to_have_text("1")  # one call waiting
    assert page.evaluate("window.notReloaded") is True
    assert page.locator("#wall-updated").get_attribute("datetime") != stamp
    hungarian.locator("td").nth(2).locator("a").click()  # the drill-down
    expect(page.locator("#drill-items")).to_contain_text("Hívás")
    page.close()


def test_a_colleague_typing_in_the_same_conversation_is_shown(desk):
    def conversation_waiting():
        with in_schema(desk["client"]):
            desk["opened"].append(
                conversation_open_inbound(
                    client=desk["client"],
                    channel="email",
                    subject="Vrácení zboží",
                    text="Dobrý den, chci vrátit boty, jak mám postupovat?",
                    customer_email="kolize@example.cz",
                    language="cs",
                ).conversation
            )

    in_another_thread(conversation_waiting)
    jana = signed_in_page(desk, "live-jana")
    petr = signed_in_page(desk, "live-petr")
    jana.locator("#queue").get_by_text("Vrácení zboží").first.wait_for()
    item_url = None
    for page in (jana, petr):
        item_id = page.evaluate(
            """async () => (await (await fetch('/desk/live')).json())
                 .head.find(i => i.summary.includes('Vrácení zboží')).id"""
        )
        item_url = f"{desk['url']}/desk/items/{item_id}"
        page.goto(item_url)
    notice = jana.locator("#collision")
    expect(notice).to_contain_text("Petr Velký", timeout=15_000)
    petr.locator("textarea").first.fill("Dobrý den, pošlete")
    petr.locator("textarea").first.press("End")
    expect(notice).to_contain_text("píše", timeout=15_000)
    # Leaving the page says so (a beacon); a page that vanishes without it is forgotten
    # after VIEWER_SECONDS, so allow for that too on a slow machine.
    petr.goto(desk["url"] + "/")
    expect(notice).to_be_hidden(timeout=25_000)
    petr.close()
    jana.close()
