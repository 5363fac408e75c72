from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.test import Client as HttpClient
from django.utils import timezone, translation

from accounts.models import User
from conversations.services import conversation_open_inbound
from desk.templatetags.desk_labels import duration
from languages.services import agent_skills_set
from routing.models import AgentState, WorkItem
from tests.support.desk import queue
from tests.support.factories import UserFactory
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db


def czech_agent(two_clients) -> User:
    user = UserFactory(role=User.Role.AGENT, language="cs")
    agent_skills_set(agent=user, skills={"cs": "native"})
    user.served_clients.set([two_clients.a])
    return user


def test_an_agent_sees_only_the_work_of_their_languages_and_clients(two_clients):
    agent = czech_agent(two_clients)
    queue(two_clients.a, "cs", 1, "Czech of A")
    queue(two_clients.a, "pl", 2, "Polish of A")
    queue(two_clients.b, "cs", 3, "Czech of B")
    http = HttpClient(HTTP_HOST="localhost")
    http.force_login(agent)

    page = http.get("/").text
    queue_table = page[page.index('id="queue"') :]
    assert (
        "Client A Obuv" in queue_table and "Client B Sklep" not in queue_table.split("</table>")[0]
    )
    assert ">pl<" not in queue_table.split("</table>")[0]
    assert "Čeká na vás" in page  # the agent's own UI language


def test_presence_and_take_next(two_clients):
    agent = czech_agent(two_clients)
    queued = queue(two_clients.a, "cs", 4, "Boty nepřišly")
    http = HttpClient(HTTP_HOST="localhost")
    http.force_login(agent)

    http.post("/desk/next")  # offline: nothing is given
    queued.refresh_from_db()
    assert queued.agent is None

    assert http.post("/desk/presence", {"presence": "available"}).status_code == 302
    assert AgentState.objects.get(agent=agent).presence == "available"
    http.post("/desk/next")
    queued.refresh_from_db()
    assert (queued.agent, queued.status) == (agent, "assigned")
    assert "Boty nepřišly" in http.get("/").text


def test_a_bad_presence_is_refused(two_clients):
    http = HttpClient(HTTP_HOST="localhost")
    http.force_login(czech_agent(two_clients))
    assert http.post("/desk/presence", {"presence": "sleeping"}).status_code == 400


def test_client_users_cannot_use_the_desk(two_clients):
    http = HttpClient(HTTP_HOST="localhost")
    http.force_login(UserFactory(role=User.Role.CLIENT, client=two_clients.a))
    assert http.post("/desk/next").status_code == 403


def open_conversation(client, text: str, email: str):
    with in_schema(client):
        inbound = conversation_open_inbound(
            client=client, channel="api", text=text, customer_email=email
        )
    return WorkItem.objects.get(client=client, source_id=inbound.conversation.pk)


def test_an_item_opens_in_its_clients_context_with_customer_text_escaped(two_clients):
    agent = czech_agent(two_clients)
    item = open_conversation(
        two_clients.a,
        "Dobrý den, <script>alert('x')</script> boty nepřišly, prosím o radu.",
        "hacker@example.cz",
    )
    http = HttpClient(HTTP_HOST="localhost")
    http.force_login(agent)
    page = http.get(f"/desk/items/{item.pk}")
    assert page.status_code == 200
    assert "Client A Obuv" in page.text
    assert "<script>alert" not in page.text and "&lt;script&gt;" in page.text


def test_an_agent_who_does_not_serve_the_client_gets_404(two_clients):
    item = open_conversation(two_clients.b, "Dzień dobry, gdzie jest paczka?", "a@example.pl")
    http = HttpClient(HTTP_HOST="localhost")
    http.force_login(czech_agent(two_clients))  # serves client A only
    assert http.get(f"/desk/items/{item.pk}").status_code == 404
    assert http.post(f"/desk/items/{item.pk}/language", {"language": "cs"}).status_code == 404


def test_one_click_corrects_an_uncertain_language(two_clients):
    agent = czech_agent(two_clients)
    item = open_conversation(two_clients.a, "ok", "short@example.cz")
    http = HttpClient(HTTP_HOST="localhost")
    http.force_login(agent)
    page = http.get(f"/desk/items/{item.pk}").text
    assert 'id="language-uncertain"' in page
    # "ok" says nothing: the e-mail address's country (.cz) chose, and the agent reads so.
    assert "(jazyk podle: země zákazníka)" in page

    response = http.post(f"/desk/items/{item.pk}/language", {"language": "sk"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.language, item.language_uncertain) == ("sk", False)
    page = http.get(f"/desk/items/{item.pk}").text
    assert 'id="language-uncertain"' not in page
    assert "(jazyk podle: opravy agenta)" in page
    assert http.post(f"/desk/items/{item.pk}/language", {"language": "xx"}).status_code == 400


def test_items_near_or_past_their_due_time_are_highlighted(two_clients):
    agent = czech_agent(two_clients)
    now = timezone.now()
    for number, (due, warn) in enumerate(
        [(now - timedelta(minutes=1), None), (now + timedelta(hours=1), now - timedelta(minutes=1))]
    ):
        item = queue(two_clients.a, "cs", 100 + number, f"item {number}")
        WorkItem.objects.filter(pk=item.pk).update(
            agent=agent, status="assigned", due_at=due, warn_at=warn
        )
    http = HttpClient(HTTP_HOST="localhost")
    http.force_login(agent)
    page = http.get("/").text
    assert 'class="past-due"' in page and 'class="near-due"' in page


def test_the_desk_shows_the_customers_words_and_keeps_the_whole_message(two_clients):
    agent = czech_agent(two_clients)
    item = open_conversation(
        two_clients.a,
        "Dobrý den, boty stále nepřišly.\n\nDne 3. 11. 2026 10:12 Podpora <podpora@obuv.example>"
        " napsal(a):\n> Vaši objednávku jsme odeslali.\n",
        "quoted@example.cz",
    )
    WorkItem.objects.filter(pk=item.pk).update(agent=agent, status="assigned")
    http = HttpClient(HTTP_HOST="localhost")
    http.force_login(agent)
    page = http.get(f"/desk/items/{item.pk}").text
    shown = page[page.index('class="message in"') : page.index("<details>")]
    assert "boty stále nepřišly" in shown and "odeslali" not in shown
    assert "Vaši objednávku jsme odeslali." in page  # inside "Whole message"


def test_the_label_filters_translate_codes_and_pass_unknown_ones_through():
    template = Template(
        "{% load desk_labels %}{{ 'sms'|channel_label }}|{{ 'pending'|status_label }}|"
        "{{ 'away'|presence_label }}|{{ 'abandoned'|call_outcome_label }}|"
        "{{ 'ringing'|call_moment_label }}|{{ 'carrier-pigeon'|channel_label }}"
    )
    with translation.override("cs"):
        czech = template.render(Context())
    with translation.override("en"):
        english = template.render(Context())

    assert czech == "SMS|Čeká na zákazníka|Pryč|Zavěšeno ve frontě|Zvoní|carrier-pigeon"
    assert english == "SMS|Pending customer|Away|Abandoned in the queue|Ringing|carrier-pigeon"


# Sunday 6 December 2026, 12:00 in Prague; an item due on Monday at 09:00 there.
SUNDAY_NOON = datetime(2026, 12, 6, 11, 0, tzinfo=UTC)
MONDAY_NINE = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("language", "far", "minutes", "hours"),
    [
        ("en", "Mon 7 Dec, 09:00", "4 min", "7 h 59 min"),
        ("cs", "po 7. 12. 9:00", "4 min", "7 h 59 min"),
        ("pl", "pon., 7 gru, 09:00", "4 min", "7 h 59 min"),
        ("de", "Mo., 7. Dez., 09:00", "4 Min.", "7 Std. 59 Min."),
        ("hu", "dec. 7., H 9:00", "4 perc", "7 óra 59 perc"),
        ("ro", "lun., 7 dec., 09:00", "4 min", "7 h 59 min"),
    ],
)
def test_a_due_time_reads_as_time_left_when_near_and_as_day_and_time_when_far(
    language, far, minutes, hours
):
    template = Template("{% load desk_labels %}{% due due_at now time_zone %}")

    def shown(due_at: datetime, time_zone: str = "Europe/Prague") -> str:
        context = {"due_at": due_at, "now": SUNDAY_NOON, "time_zone": time_zone}
        with translation.override(language):
            return template.render(Context(context))

    assert shown(MONDAY_NINE) == far  # 21 hours away, not "21 h 00 min"
    # Near: the time left in the language's short units.
    assert shown(SUNDAY_NOON + timedelta(minutes=4)) == minutes
    assert shown(SUNDAY_NOON + timedelta(hours=7, minutes=59)) == hours
    assert shown(SUNDAY_NOON - timedelta(minutes=4)) == "\u2212" + minutes
    assert shown(None) == ""
    # Long overdue: the day it was due (the row is marked past due), not minus "201 h 44 min".
    overdue = shown(SUNDAY_NOON - timedelta(hours=201, minutes=44))  # Saturday 28th, 02:16
    assert " h " not in overdue and "28" in overdue and "2:16" in overdue
    # In the reader's time zone: 09:00 in Prague is 10:00 in Bucharest.
    assert shown(MONDAY_NINE, "Europe/Bucharest") != far


def test_the_inbox_shows_a_far_due_time_as_day_and_time(two_clients):
    agent = czech_agent(two_clients)
    agent.time_zone = "Europe/Prague"
    agent.save(update_fields=["time_zone"])
    item = queue(two_clients.a, "cs", 300, "due next week")
    due_at = timezone.now() + timedelta(days=8, hours=9, minutes=44)
    WorkItem.objects.filter(pk=item.pk).update(agent=agent, status="assigned", due_at=due_at)
    http = HttpClient(HTTP_HOST="localhost")
    http.force_login(agent)
    row = http.get("/").text.split("due next week")[1].split("</tr>")[0]
    local = due_at.astimezone(ZoneInfo("Europe/Prague"))
    assert f" {local.day}. {local.month}. {local.hour}:{local:%M}</td>" in row  # "po 14. 12. 17:09"
    assert " h " not in row


@pytest.mark.parametrize(
    ("language", "shown"),
    [("bg", "2 ч 05 мин"), ("el", "2 ώρ. 05 λεπ."), ("fr", "2 h 05 min"), ("nl", "2 u 05 min")],
)
def test_a_wait_reads_in_the_short_units_of_the_pages_language(language, shown):
    with translation.override(language):
        assert duration(timedelta(hours=2, minutes=5)) == shown
