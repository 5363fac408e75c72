"""The chat widget on a sample shop page, in a real browser (Debian's chromium): the page is
served by its own little server on another origin than the client's portal, its one
<script> tag loads the widget from the portal, and the live process (widget.live) runs in
this process as `make demo` runs it beside the web server.

A chat started in the widget is answered on the desk by a signed-in agent and seen by the
customer without a reload; on a holiday of the client's country the widget is a message form
that says when support opens; a help article is found without accents as the customer types;
the keyboard opens and closes it."""

import json
import re
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import pytest
import uvicorn
from django.test import override_settings
from playwright.sync_api import Browser, Page, expect

from accounts.models import User
from content.models import FaqArticle
from conversations.models import Conversation, Message
from customers.models import Customer
from demo.files import parcel_photo_png
from helpcenter.models import HelpCenterSettings, SelfServiceAnswer
from hours import calendar as hours_calendar
from hours.models import BusinessHours
from orders.credentials import credentials_encrypt
from orders.models import ShopConnection
from routing.models import AgentState, WorkItem
from tenants.models import Client
from tests.support.billing import billing_tables_truncate
from tests.support.browser import in_another_thread, served_and_browsed, wait_until
from tests.support.desk import agent_with, held_by
from tests.support.factories import PASSWORD
from tests.support.fake_shops import TOKEN, FakeShop, ShopOrder
from tests.support.tenancy import host_of, in_schema
from widget import limits
from widget.live import LiveApp, conninfo_from_settings
from widget.models import ChatSession, WidgetSettings

pytestmark = pytest.mark.slow

# Open all day, every day: only a holiday closes it (and no real one gets in the way).
ALWAYS_OPEN = {str(day): [["00:00", "24:00"]] for day in range(7)}
LIVE_WAIT = 3.0
QUESTION = "Dobrý den, kdy mi přijde objednávka 2026-1042?"
ANSWER = "Dobrý den, balík je na cestě a přijde zítra."


@dataclass(frozen=True)
class Site:
    browser: Browser
    desk: str  # the agency's desk
    portal: str  # the client's portal: the widget's script and API
    shop: str  # the shop's page, another origin
    agent: str
    zone: ZoneInfo
    client: Client


class ShopPage(BaseHTTPRequestHandler):
    """The shop's product page: Czech, with the widget's snippet, nothing of ours inline."""

    portal = ""

    def do_GET(self) -> None:
        page = (
            '<!doctype html><html lang="cs"><head><meta charset="utf-8">'
            "<title>Kotníkové boty · Obchod</title></head><body>"
            "<h1>Kotníkové boty Vltava</h1><p>3 490 Kč</p><button>Do košíku</button>"
            f'<script src="{self.portal}/static/polydesk/widget.js" async></script>'
            "</body></html>"
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)

    def log_message(self, *args) -> None:
        pass


def started(server) -> None:
    threading.Thread(target=server.serve_forever, daemon=True).start()


def live_started(app: LiveApp) -> tuple[uvicorn.Server, int]:
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    threading.Thread(target=server.run, daemon=True).start()
    for _ in range(200):
        if server.started:
            return server, server.servers[0].sockets[0].getsockname()[1]
        time.sleep(0.05)
    raise AssertionError("the live process did not start")


@pytest.fixture(scope="module")
def site(two_clients, django_db_blocker) -> Iterator[Site]:
    client = two_clients.a
    with django_db_blocker.unblock():
        agent = agent_with(
            [client], {"cs": "native"}, language="en", first_name="Jana", last_name="Malá"
        )
        hours = BusinessHours.objects.create(client=client, weekly=ALWAYS_OPEN)
        shop = ThreadingHTTPServer(("127.0.0.1", 0), ShopPage)
        started(shop)
        orders = FakeShop("shopify", [ShopOrder("#1001", "vera@example.cz")]).start()
        shop_origin = f"http://127.0.0.1:{shop.server_address[1]}"
        with in_schema(client):
            WidgetSettings.objects.all().delete()
            WidgetSettings.objects.create(enabled=True, allowed_origins=[shop_origin])
            HelpCenterSettings.objects.create(enabled=True)
            connection = ShopConnection.objects.create(
                platform="shopify",
                shop_url=orders.url,
                credentials_encrypted=credentials_encrypt({"access_token": TOKEN}),
                timeout_seconds=Decimal("2"),
            )
            article = FaqArticle.objects.create(
                slug="vraceni-zbozi",
                question_cs="Vrácení zboží do 30 dnů",
                answer_cs="Nenošené zboží můžete vrátit do 30 dnů od doručení, stačí vyplnit"
                " formulář a poslat balík zpět.",
            )
        # A short wait: a lost poll is seen within seconds.
        live, live_port = live_started(
            LiveApp(conninfo=conninfo_from_settings(), wait_seconds=LIVE_WAIT)
        )
        host = host_of(client)
        try:
            with (
                override_settings(WIDGET_LIVE_URL=f"http://127.0.0.1:{live_port}/widget/v1/live"),
                served_and_browsed() as (port, browser),
            ):
                ShopPage.portal = f"http://{host}:{port}"
                yield Site(
                    browser=browser,
                    desk=f"http://localhost:{port}",
                    portal=ShopPage.portal,
                    shop=f"{shop_origin}/",
                    agent=agent.username,
                    zone=ZoneInfo(client.time_zone),
                    client=client,
                )
        finally:
            live.should_exit = True
            shop.shutdown()
            shop.server_close()
            orders.stop()
            with in_schema(client):
                chats = list(ChatSession.objects.values_list("conversation_id", flat=True))
                WorkItem.objects.filter(client=client, source_id__in=chats).delete()
                customers = list(
                    Conversation.objects.filter(pk__in=chats).values_list("customer_id", flat=True)
                )
                SelfServiceAnswer.objects.all().delete()
                Conversation.objects.filter(pk__in=chats).delete()
                Customer.objects.filter(pk__in=customers).delete()
                WidgetSettings.objects.all().delete()
                HelpCenterSettings.objects.all().delete()
                connection.delete()
                article.delete()
            hours.delete()
            AgentState.objects.filter(agent=agent).delete()
            User.objects.filter(pk=agent.pk).delete()
            billing_tables_truncate()


def holidays_are(monkeypatch, days: set[date]) -> None:
    """The client's country's public holidays, as the calendar reads them: the data, not
    the clock (the widget's server side runs at the real time)."""
    monkeypatch.setattr(
        hours_calendar, "_holiday_dates", lambda country, subdivision, year: frozenset(days)
    )


def widget(page: Page):
    """The widget's elements (Playwright's CSS reaches into its open Shadow DOM)."""
    return page.locator("[data-polydesk-widget]")


def config_of(site: Site) -> dict:
    # The test's own server; Python does not resolve *.localhost as the browser does.
    host = site.portal.split("://", 1)[1]
    url = f"http://127.0.0.1:{host.rsplit(':', 1)[1]}/widget/v1/config?language=cs"
    headers = {"Host": host, "Origin": site.shop[:-1]}
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.load(response)


def test_a_chat_from_the_widget_is_answered_on_the_desk_and_seen_without_a_reload(
    site, monkeypatch, tmp_path
):
    holidays_are(monkeypatch, set())
    texts = config_of(site)["texts"]
    shop = site.browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    shop.goto(site.shop)
    launcher = widget(shop).locator(".launcher")
    expect(launcher).to_have_attribute("aria-label", texts["launcher"])
    launcher.click()
    panel = widget(shop).get_by_role("dialog")
    expect(panel.get_by_role("heading")).to_have_text("Client A Obuv")
    expect(panel.locator(".status")).to_have_text(texts["status_open"])
    panel.get_by_label(texts["message_label"]).fill(QUESTION)
    panel.get_by_role("button", name=texts["send"]).click()
    expect(panel.locator(".message.mine")).to_contain_text(QUESTION)
    shop.screenshot(path=tmp_path / "widget-chat-1280.png")

    # The agent takes the chat on the desk and answers.
    items: list[int] = []

    def take():
        with in_schema(site.client):
            conversation = Message.objects.get(body_text=QUESTION).conversation
        item = WorkItem.objects.get(source_kind="conversation", source_id=conversation.pk)
        held_by(item, User.objects.get(username=site.agent))
        items.append(item.pk)

    in_another_thread(take)
    desk = site.browser.new_page()
    desk.goto(site.desk + "/")
    desk.get_by_label("User name").fill(site.agent)
    desk.get_by_label("Password").fill(PASSWORD)
    desk.get_by_role("button", name="Sign in").click()
    desk.goto(f"{site.desk}/desk/items/{items[0]}")
    desk.locator("#reply-text").fill(ANSWER)
    sent = time.monotonic()
    desk.get_by_role("button", name="Send").click()

    # Seen by the customer without a reload, from the live process (within its wait, not
    # the widget's 15-second refresh), with the agent's first name; announced politely.
    theirs = panel.locator(".message.theirs")
    expect(theirs).to_contain_text(ANSWER, timeout=10_000)
    seen_after = time.monotonic() - sent
    assert seen_after < 10, seen_after
    expect(theirs.locator(".author")).to_have_text("Jana")
    expect(panel.locator("[aria-live=polite]").first).to_contain_text(ANSWER)
    print(f"the agent's reply on the customer's screen {seen_after:.2f} s after Send")

    # A reload resumes the chat.
    shop.reload()
    expect(widget(shop).locator(".message.theirs")).to_contain_text(ANSWER)

    # The end: a rating chosen with the keyboard, and the transcript by e-mail.
    panel = widget(shop).get_by_role("dialog")
    panel.get_by_role("button", name=texts["end"]).click()
    expect(panel.locator(".note").first).to_have_text(texts["ended"])
    first_star = panel.get_by_role("radio", name=texts["rating_1"], exact=True)
    first_star.focus()
    for _ in range(3):
        shop.keyboard.press("ArrowRight")
    expect(panel.get_by_role("radio", name=texts["rating_4"], exact=True)).to_be_checked()
    panel.get_by_label(texts["comment_label"]).fill("Rychlá odpověď, děkuji.")
    panel.get_by_role("button", name=texts["rate_send"]).click()
    expect(panel.get_by_text(texts["rated"])).to_be_visible()
    panel.get_by_label(texts["transcript_label"]).fill("zakaznik@example.cz")
    panel.get_by_role("button", name=texts["transcript_send"]).click()
    expect(panel.get_by_text(texts["transcript_sent"])).to_be_visible()
    desk.close()
    shop.context.close()


def test_on_a_holiday_the_widget_is_a_message_form_that_says_when_support_opens(site, monkeypatch):
    today = datetime.now(site.zone).date()
    holidays_are(monkeypatch, {today})
    config = config_of(site)
    texts = config["texts"]
    # Closed all of today; open again at midnight (the hours are round the clock).
    assert config["open"] is False
    opens_at = datetime.fromisoformat(config["opens_at"]).astimezone(site.zone)
    assert opens_at == datetime.combine(today + timedelta(days=1), datetime.min.time(), site.zone)

    shop = site.browser.new_context().new_page()
    shop.goto(site.shop)
    widget(shop).locator(".launcher").click()
    panel = widget(shop).get_by_role("dialog")
    status = panel.locator(".status")
    expect(status).to_have_class("status is-closed")
    expect(status).to_contain_text(texts["status_closed"])
    expect(status).to_contain_text(config["opens_at_text"])
    expect(panel.get_by_text(texts["email_promise"])).to_be_visible()
    email = panel.get_by_label(texts["email_required"])
    expect(email).to_have_attribute("required", "")
    panel.get_by_label(texts["message_label"]).fill("Dobrý den, chci vrátit boty.")
    panel.get_by_role("button", name=texts["send"]).click()
    # The browser asks for the e-mail first; with it, the message is left.
    expect(panel.locator(".message")).to_have_count(0)
    email.fill("zakaznik@example.cz")
    panel.get_by_role("button", name=texts["send"]).click()
    expect(panel.locator(".message.mine")).to_contain_text("chci vrátit boty")
    expect(panel.locator(".note").first).to_contain_text(texts["sent_by_email"])
    shop.context.close()


def test_a_help_article_is_found_without_accents_and_suggested_as_the_customer_types(
    site, monkeypatch
):
    holidays_are(monkeypatch, set())
    texts = config_of(site)["texts"]
    context = site.browser.new_context()
    shop = context.new_page()
    shop.goto(site.shop)
    widget(shop).locator(".launcher").click()
    panel = widget(shop).get_by_role("dialog")
    panel.get_by_label(texts["message_label"]).press_sequentially("vraceni zbozi")
    suggestion = panel.locator(".suggestions a")
    expect(panel.locator(".suggestions-title")).to_have_text(texts["articles_title"])
    expect(suggestion).to_have_text("Vrácení zboží do 30 dnů")
    visitor = shop.evaluate(
        f"JSON.parse(localStorage.getItem('polydesk-widget:{site.portal}')).visitor"
    )
    # The visitor id goes along, so that the help center's read is tied to a later chat.
    expect(suggestion).to_have_attribute(
        "href", f"{site.portal}/help/cs/vraceni-zbozi/?v={visitor}"
    )
    expect(suggestion).to_have_attribute("target", "_blank")
    with context.expect_page():
        suggestion.click()

    # Counted as self-service (deflection) for this visitor.
    counted: list[int] = []

    def count():
        with in_schema(site.client):
            counted.append(
                SelfServiceAnswer.objects.filter(visitor=visitor, kind="article").count()
            )

    for _ in range(50):
        counted.clear()
        in_another_thread(count)
        if counted[0]:
            break
        time.sleep(0.1)
    assert counted == [1]
    context.close()


def test_the_keyboard_opens_it_with_enter_and_closes_it_with_escape(site, monkeypatch):
    holidays_are(monkeypatch, set())
    shop = site.browser.new_context().new_page()
    shop.goto(site.shop)
    launcher = widget(shop).locator(".launcher")
    expect(launcher).to_be_visible()
    launcher.focus()
    expect(launcher).to_have_attribute("aria-expanded", "false")
    shop.keyboard.press("Enter")
    panel = widget(shop).get_by_role("dialog")
    expect(panel).to_be_visible()
    expect(panel).to_have_attribute("aria-labelledby", "pd-title")
    focused = "document.querySelector('[data-polydesk-widget]').shadowRoot.activeElement"
    # Focus moves into the panel, to the message box.
    wait_until(shop, f"{focused} && {focused}.tagName === 'TEXTAREA'")
    shop.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    wait_until(shop, f"{focused} && {focused}.classList.contains('launcher')")
    expect(launcher).to_have_attribute("aria-expanded", "false")
    shop.context.close()


def chat_started(site: Site, text: str) -> tuple[Page, dict]:
    """A new visitor's chat, open on the shop's page; and the widget's texts."""
    texts = config_of(site)["texts"]
    shop = site.browser.new_context().new_page()
    shop.goto(site.shop)
    widget(shop).locator(".launcher").click()
    panel = widget(shop).get_by_role("dialog")
    panel.get_by_label(texts["message_label"]).fill(text)
    panel.get_by_role("button", name=texts["send"]).click()
    expect(panel.locator(".message.mine")).to_contain_text(text)
    return shop, texts


def test_a_photo_is_sent_with_a_preview_a_file_too_large_is_refused_before_it_is_sent(
    site, monkeypatch
):
    holidays_are(monkeypatch, set())
    shop, texts = chat_started(site, "Dobrý den, balík přišel poškozený.")
    panel = widget(shop).get_by_role("dialog")
    sent: list[str] = []
    shop.on(
        "request", lambda request: sent.append(request.url) if "/messages" in request.url else None
    )

    photo = {"name": "balik.png", "mimeType": "image/png", "buffer": parcel_photo_png(seed=3)}
    panel.locator(".file-input").set_input_files(photo)
    expect(panel.locator(".preview img")).to_be_visible()
    expect(panel.locator(".preview")).to_contain_text("balik.png")
    panel.get_by_role("button", name=texts["send"]).click()
    attachment = panel.locator(".message.mine .attachment img")
    expect(attachment).to_have_attribute("alt", "balik.png")
    # Served to the token's holder from the portal, shown on the shop's page.
    wait_until(
        shop,
        "document.querySelector('[data-polydesk-widget]').shadowRoot"
        ".querySelector('.attachment img').naturalWidth === 320",
    )
    expect(panel.locator(".preview")).to_be_hidden()
    assert len(sent) == 1

    # Over the server's limit (config max_file_bytes): refused here, nothing uploaded.
    big = {
        "name": "velky.png",
        "mimeType": "image/png",
        "buffer": b"\x89PNG" + bytes(10 * 1024 * 1024),
    }
    panel.locator(".file-input").set_input_files(big)
    expect(panel.get_by_role("alert")).to_contain_text("velky.png")
    expect(panel.locator(".preview")).to_be_hidden()
    panel.get_by_label(texts["message_label"]).fill("A ještě jedna fotka.")
    panel.get_by_role("button", name=texts["send"]).click()
    expect(panel.locator(".message.mine")).to_have_count(3)
    assert len(sent) == 2  # the words only
    shop.context.close()


def test_a_failed_send_stays_in_the_box_with_the_reason_and_a_lost_poll_reconnects(
    site, monkeypatch
):
    holidays_are(monkeypatch, set())
    shop, texts = chat_started(site, "Dobrý den, mám dotaz k velikosti.")
    panel = widget(shop).get_by_role("dialog")
    box = panel.get_by_label(texts["message_label"])

    # The network fails the send: the words stay, with the reason; Enter sends them again.
    shop.route("**/widget/v1/chats/*/messages", lambda route: route.abort())
    box.fill("Je velikost 42 skladem?")
    box.press("Enter")
    expect(panel.get_by_role("alert")).to_have_text(texts["error"])
    expect(box).to_have_value("Je velikost 42 skladem?")
    shop.unroute("**/widget/v1/chats/*/messages")
    box.press("Enter")
    expect(panel.locator(".message.mine").last).to_have_text(re_text("Je velikost 42 skladem?"))
    expect(box).to_have_value("")
    expect(panel.get_by_role("alert")).to_be_hidden()

    # The live process out of reach: "reconnecting", then back without a reload.
    shop.route("**/widget/v1/live?*", lambda route: route.abort())
    expect(panel.locator(".connection")).to_have_text(
        texts["reconnecting"], timeout=LIVE_WAIT * 3000
    )
    shop.unroute("**/widget/v1/live?*")
    expect(panel.locator(".connection")).to_be_hidden(timeout=LIVE_WAIT * 6000)
    shop.context.close()


def re_text(text: str):
    return re.compile(re.escape(text))


def test_the_challenge_after_repeated_chats_is_solved_without_the_customer_noticing(
    site, monkeypatch
):
    holidays_are(monkeypatch, set())
    # Every new chat from this address needs the proof of work.
    monkeypatch.setattr(limits, "CHATS_BEFORE_CHALLENGE", limits.Limit("chats-browser", 0, 600))
    statuses: list[int] = []
    texts = config_of(site)["texts"]
    shop = site.browser.new_context().new_page()
    shop.on(
        "response",
        lambda response: (
            statuses.append(response.status) if response.url.endswith("/widget/v1/chats") else None
        ),
    )
    shop.goto(site.shop)
    widget(shop).locator(".launcher").click()
    panel = widget(shop).get_by_role("dialog")
    panel.get_by_label(texts["message_label"]).fill("Dobrý den, jsem člověk.")
    panel.get_by_role("button", name=texts["send"]).click()
    expect(panel.locator(".message.mine")).to_contain_text("jsem člověk")
    assert statuses == [428, 201]
    shop.context.close()


def test_the_order_status_without_an_agent_and_this_did_not_help_opens_a_chat_about_it(
    site, monkeypatch
):
    holidays_are(monkeypatch, set())
    texts = config_of(site)["texts"]
    shop = site.browser.new_context().new_page()
    shop.goto(site.shop)
    widget(shop).locator(".launcher").click()
    panel = widget(shop).get_by_role("dialog")
    panel.get_by_text(texts["order_title"]).click()
    panel.get_by_label(texts["order_number_label"]).fill("1001")
    panel.get_by_label(texts["order_email_label"]).fill("vera@example.cz")
    panel.get_by_role("button", name=texts["order_check"]).click()
    answer = panel.locator(".order-answer")
    expect(answer.locator(".order-status")).to_contain_text("#1001")
    tracking = answer.get_by_role("link", name=re_text(texts["order_tracking"]))
    expect(tracking).to_have_attribute("href", "https://track.example/CZ123")
    expect(tracking).to_contain_text("PPL")

    # Not enough: a chat about that order, the number carried along.
    answer.get_by_role("button", name=texts["order_not_helpful"]).click()
    expect(panel.locator(".start .note")).to_contain_text("#1001")
    message = panel.get_by_label(texts["message_label"])
    expect(message).to_be_focused()
    message.fill("Zásilka stojí už týden na jednom místě.")
    panel.get_by_role("button", name=texts["send"]).click()
    expect(panel.locator(".message.mine")).to_contain_text("stojí už týden")
    subjects: list[str] = []

    def subject():
        with in_schema(site.client):
            session = ChatSession.objects.select_related("conversation").latest("pk")
            subjects.append(session.conversation.subject)

    in_another_thread(subject)
    assert "1001" in subjects[0]
    shop.context.close()
