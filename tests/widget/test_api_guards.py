"""The widget API's guards and its links to the rest: CORS for the client's own shop origins
(preflight too), the proof-of-work challenge after repeated sends, rate limits, a customer's
erasure withdrawing their tokens, an agent's reply and a resolution telling the widget,
the order status and the article suggestions."""

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient

from content.models import FaqArticle
from conversations.merge import conversation_merge
from conversations.models import Conversation, Message
from conversations.services import conversation_reply, conversation_resolve
from customers.services import customer_erase
from helpcenter.models import HelpCenterSettings, SelfServiceAnswer
from hours.models import BusinessHours
from orders.credentials import credentials_encrypt
from orders.models import ShopConnection
from retention.models import RetentionRule
from retention.services import retention_apply
from tests.support.factories import agent_serving
from tests.support.fake_shops import TOKEN, FakeShop, ShopOrder
from tests.support.tenancy import host_of, in_schema
from widget import limits, views
from widget.models import ChatSession, WidgetSettings

pytestmark = pytest.mark.django_db

MONDAY_10_PRAGUE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
# Easter Monday 2026 (6 April) is a public holiday in Czechia: closed all day.
EASTER_MONDAY_10_PRAGUE = datetime(2026, 4, 6, 8, 0, tzinfo=UTC)
SHOP = "https://shop-a.example"
OTHER = "https://evil.example"
VISITOR = "0123456789abcdef0123456789abcdef"  # as the script makes one


@pytest.fixture
def widget_a(two_clients, frozen):
    frozen(MONDAY_10_PRAGUE)
    BusinessHours.objects.create(client=two_clients.a)
    with in_schema(two_clients.a):
        WidgetSettings.objects.create(enabled=True, allowed_origins=[SHOP])
        HelpCenterSettings.objects.create(enabled=True)
    return two_clients.a


def http(client, origin: str = SHOP, **extra) -> HttpClient:
    return HttpClient(HTTP_HOST=host_of(client), HTTP_ORIGIN=origin, **extra)


def post(client, path: str, data: dict, origin: str = SHOP, **extra):
    return http(client, origin, **extra).post(
        path, json.dumps(data), content_type="application/json"
    )


def started(client, **fields) -> dict:
    data = {"text": "Dobrý den", "language": "cs", "visitor": "v-1", **fields}
    response = post(client, "/widget/v1/chats", data)
    assert response.status_code == 201, response.content
    return response.json()


# --- CORS -----------------------------------------------------------------------------------


def test_the_shops_origin_is_allowed_without_credentials(widget_a):
    response = http(widget_a).get("/widget/v1/config")
    assert response["Access-Control-Allow-Origin"] == SHOP
    assert "Access-Control-Allow-Credentials" not in response
    assert response["Access-Control-Expose-Headers"] == "retry-after"
    assert "origin" in response["Vary"].lower()
    assert not response.cookies


def test_another_origin_gets_no_cors_headers(widget_a):
    response = http(widget_a, OTHER).get("/widget/v1/config")
    assert "Access-Control-Allow-Origin" not in response


def test_a_preflight_is_answered_for_the_shop_only(widget_a):
    def preflight(origin: str):
        return http(
            widget_a,
            origin,
            HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
            HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type",
        ).options("/widget/v1/chats")

    allowed = preflight(SHOP)
    assert allowed.status_code == 200
    assert allowed["Access-Control-Allow-Origin"] == SHOP
    assert "POST" in allowed["Access-Control-Allow-Methods"]
    assert "content-type" in allowed["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Origin" not in preflight(OTHER)


def test_no_cors_when_the_widget_is_off_or_outside_the_widget(widget_a):
    assert "Access-Control-Allow-Origin" not in http(widget_a).get("/accounts/login/")
    with in_schema(widget_a):
        WidgetSettings.objects.update(enabled=False)
    assert "Access-Control-Allow-Origin" not in http(widget_a).get("/widget/v1/config")


# --- challenge and limits --------------------------------------------------------------------


def test_the_fourth_chat_from_one_address_needs_the_challenge_solved(widget_a):
    for _ in range(3):
        started(widget_a)
    refused = post(widget_a, "/widget/v1/chats", {"text": "Znovu", "language": "cs"})
    assert refused.status_code == 428
    challenge = refused.json()["challenge"]
    assert challenge["bits"] == limits.CHALLENGE_BITS and challenge["prefix"] and challenge["id"]
    wrong = {"id": challenge["id"], "nonce": "not-it"}
    assert (
        post(widget_a, "/widget/v1/chats", {"text": "Znovu", "challenge": wrong}).status_code == 428
    )
    answer = {"id": challenge["id"], "nonce": limits.challenge_solve(challenge)}
    solved = post(widget_a, "/widget/v1/chats", {"text": "Znovu", "challenge": answer})
    assert solved.status_code == 201
    # Still over the limit, and the answer was used: the next chat needs a new one.
    again = post(widget_a, "/widget/v1/chats", {"text": "Znovu", "challenge": answer})
    assert again.status_code == 428
    with in_schema(widget_a):
        assert ChatSession.objects.count() == 4


def test_a_solved_challenge_is_used_once(widget_a):
    challenge = limits.challenge_new()
    answer = {"id": challenge["id"], "nonce": limits.challenge_solve(challenge)}
    assert limits.challenge_solved(answer) is True
    assert limits.challenge_solved(answer) is False
    assert limits.challenge_solved({"id": "forged", "nonce": "1"}) is False


def test_the_sixth_message_in_a_minute_needs_the_challenge(widget_a):
    token = started(widget_a)["token"]
    path = f"/widget/v1/chats/{token}/messages"
    for number in range(5):
        assert post(widget_a, path, {"text": f"Zpráva {number}"}).status_code == 201
    refused = post(widget_a, path, {"text": "Šestá"})
    assert refused.status_code == 428
    challenge = refused.json()["challenge"]
    answer = {"id": challenge["id"], "nonce": limits.challenge_solve(challenge)}
    assert post(widget_a, path, {"text": "Šestá", "challenge": answer}).status_code == 201


def test_too_many_requests_from_one_address_is_a_429(widget_a, monkeypatch):
    monkeypatch.setattr(limits, "REQUESTS", limits.Limit("requests", 3, 60))
    answers = [http(widget_a).get("/widget/v1/config").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    response = http(widget_a).get("/widget/v1/config")
    assert int(response["Retry-After"]) >= 1 and response.json()["detail"]


def test_a_body_too_large_is_a_413(widget_a):
    response = post(widget_a, "/widget/v1/chats", {"text": "x" * 70_000})
    assert response.status_code == 413


# --- erasure, the agent's side ---------------------------------------------------------------


def test_an_erased_customers_token_stops_working(widget_a):
    chat = started(widget_a, email="jana@example.cz", page_url="https://shop-a.example/x")
    token = chat["token"]
    assert http(widget_a).get(f"/widget/v1/chats/{token}").status_code == 200
    with in_schema(widget_a):
        customer_id = Conversation.objects.get(pk=chat["conversation_id"]).customer_id
        customer_erase(customer_id=customer_id)
        session = ChatSession.objects.get(conversation_id=chat["conversation_id"])
        assert session.page_url == "" and session.visitor == ""
    assert http(widget_a).get(f"/widget/v1/chats/{token}").status_code == 403


def test_an_agents_reply_tells_the_widget_and_shows_with_the_first_name(widget_a):
    chat = started(widget_a)
    token = chat["token"]
    agent = agent_serving([widget_a])
    agent.first_name = "Petra"
    agent.save(update_fields=["first_name"])
    with in_schema(widget_a):
        conversation_reply(
            client=widget_a, conversation_id=chat["conversation_id"], agent=agent, text="Hned."
        )
    read = http(widget_a).get(f"/widget/v1/chats/{token}").json()
    assert read["seq"] == 1
    reply = read["messages"][-1]
    assert reply["from"] == "agent" and reply["author"] == "Petra"
    assert reply["text"].startswith("Hned.")
    with in_schema(widget_a):
        conversation_resolve(client=widget_a, conversation_id=chat["conversation_id"], agent=agent)
    read = http(widget_a).get(f"/widget/v1/chats/{token}").json()
    assert read["seq"] == 2 and read["status"] == "ended"


def test_agent_typing_is_reported(widget_a):
    chat = started(widget_a)
    with in_schema(widget_a):
        ChatSession.objects.update(agent_typing_until=datetime(2026, 3, 2, 9, 0, 5, tzinfo=UTC))
    assert http(widget_a).get(f"/widget/v1/chats/{chat['token']}").json()["agent_typing"] is True


def test_a_holiday_is_closed_and_says_the_next_opening(widget_a, frozen):
    frozen(EASTER_MONDAY_10_PRAGUE)
    config = http(widget_a).get("/widget/v1/config?language=cs").json()
    assert config["open"] is False
    assert config["opens_at"] == "2026-04-07T06:00:00+00:00"  # Tuesday 08:00 in Prague
    assert "7." in config["opens_at_text"] and "8:00" in config["opens_at_text"]


# --- order status and articles ----------------------------------------------------------------


@pytest.fixture
def fake_shop():
    shop = FakeShop("shopify", [ShopOrder("#1001", "vera@example.cz")]).start()
    yield shop
    shop.stop()


@pytest.fixture
def shop(widget_a, fake_shop):
    with in_schema(widget_a):
        ShopConnection.objects.create(
            platform="shopify",
            shop_url=fake_shop.url,
            credentials_encrypted=credentials_encrypt({"access_token": TOKEN}),
            timeout_seconds=Decimal("0.5"),
        )
    return widget_a


def order_status(client, **fields):
    data = {"order_number": "1001", "email": "vera@example.cz", "language": "cs", "visitor": "v"}
    return post(client, "/widget/v1/order-status", {**data, **fields})


def test_config_offers_the_order_status_only_with_a_shop(widget_a, fake_shop):
    assert http(widget_a).get("/widget/v1/config").json()["order_status"] is False
    with in_schema(widget_a):
        ShopConnection.objects.create(platform="shopify", shop_url=fake_shop.url)
    assert http(widget_a).get("/widget/v1/config").json()["order_status"] is True


def test_the_order_status_for_the_right_email_in_the_customers_language(shop):
    response = order_status(shop, email="Vera@Example.cz")
    assert response.status_code == 200, response.content
    found = response.json()
    assert found["order_number"] == "#1001"
    assert found["tracking_url"] == "https://track.example/CZ123" and found["carrier"] == "PPL"
    assert found["status_text"] and found["status_text"] != found["status"]
    with in_schema(shop):
        answer = SelfServiceAnswer.objects.get()
        assert (answer.kind, answer.source, answer.language) == ("order_status", "widget", "cs")


def test_another_email_learns_nothing_more_than_an_unknown_number(shop):
    wrong_email = order_status(shop, email="someone@example.cz")
    unknown = order_status(shop, order_number="9999")
    assert wrong_email.status_code == unknown.status_code == 404
    assert wrong_email.json() == unknown.json()


def test_order_lookups_are_limited_per_visitor(shop):
    answers = [order_status(shop, order_number=f"{n}").status_code for n in range(6)]
    assert answers[:5] == [404] * 5 and answers[5] == 429


def test_a_shop_that_does_not_answer_is_a_503(shop, fake_shop):
    fake_shop.stop()
    response = order_status(shop)
    assert response.status_code == 503 and response.json()["detail"]


def test_articles_suggested_and_an_opened_one_counted(widget_a):
    with in_schema(widget_a):
        article = FaqArticle.objects.create(
            slug="vraceni",
            question_cs="Jak vrátit zboží?",
            answer_cs="Vrácení zboží do 14 dnů bez udání důvodu.",
        )
    found = http(widget_a).get("/widget/v1/articles?q=vraceni&language=cs").json()["articles"]
    assert [a["id"] for a in found] == [article.pk]
    opened = post(
        widget_a, f"/widget/v1/articles/{article.pk}/opened", {"visitor": VISITOR, "language": "cs"}
    )
    assert opened.status_code == 204
    missing = post(widget_a, "/widget/v1/articles/999999/opened", {"visitor": VISITOR})
    assert missing.status_code == 404
    with in_schema(widget_a):
        answer = SelfServiceAnswer.objects.get()
        assert (answer.kind, answer.article_id, answer.visitor) == ("article", article.pk, VISITOR)


def test_a_chat_after_an_answer_marks_it_not_deflected(widget_a):
    with in_schema(widget_a):
        SelfServiceAnswer.objects.create(
            kind="article",
            source="widget",
            visitor="v-1",
            language="cs",
            created_at=MONDAY_10_PRAGUE,
        )
    started(widget_a)
    with in_schema(widget_a):
        assert SelfServiceAnswer.objects.get().chat_started_at is not None


def test_retention_empties_the_page_with_the_expired_messages(widget_a, frozen):
    chat = started(widget_a, page_url="https://shop-a.example/boty")
    agent = agent_serving([widget_a])
    with in_schema(widget_a):
        conversation_resolve(client=widget_a, conversation_id=chat["conversation_id"], agent=agent)
        session = ChatSession.objects.get(conversation_id=chat["conversation_id"])
        assert session.page_url == "https://shop-a.example/boty"
        RetentionRule.objects.create(client=widget_a, messages_days=30)
        frozen(datetime(2026, 5, 1, 9, 0, tzinfo=UTC))
        retention_apply(client=widget_a)
        assert ChatSession.objects.get(conversation_id=chat["conversation_id"]).page_url == ""


def test_a_photo_past_the_message_limit_carries_the_solved_challenge_in_the_form(widget_a):
    token = started(widget_a)["token"]
    path = f"/widget/v1/chats/{token}/messages"
    for number in range(5):
        assert post(widget_a, path, {"text": f"Zpráva {number}"}).status_code == 201

    def photo() -> SimpleUploadedFile:
        return SimpleUploadedFile("boty.jpg", b"\xff\xd8\xff\xe0" + b"0" * 64, "image/jpeg")

    refused = http(widget_a).post(path, {"text": "Foto", "file": photo()})
    assert refused.status_code == 428
    challenge = refused.json()["challenge"]
    form = {
        "text": "Foto",
        "file": photo(),
        "challenge_id": challenge["id"],
        "challenge_nonce": limits.challenge_solve(challenge),
    }
    assert http(widget_a).post(path, form).status_code == 201


def test_a_file_over_the_limit_is_a_413(widget_a, monkeypatch):
    monkeypatch.setattr(views, "MAX_UPLOAD_FILE_BYTES", 1000)
    monkeypatch.setattr(views, "MAX_UPLOAD_BYTES", 100_000)
    token = started(widget_a)["token"]
    big = SimpleUploadedFile("velka.png", b"\x89PNG" + b"0" * 5000, "image/png")
    response = http(widget_a).post(f"/widget/v1/chats/{token}/messages", {"file": big})
    assert response.status_code == 413 and response.json()["detail"]
    huge = SimpleUploadedFile("obri.png", b"\x89PNG" + b"0" * 200_000, "image/png")
    response = http(widget_a).post(f"/widget/v1/chats/{token}/messages", {"file": huge})
    assert response.status_code == 413


def test_without_a_shop_connection_the_order_status_is_not_offered(widget_a):
    response = order_status(widget_a)
    assert response.status_code == 404 and response.json()["detail"]


# --- review fixes -----------------------------------------------------------------------------


def lookup(client, address: str = "192.0.2.1", **fields):
    data = {"order_number": "1001", "email": "vera@example.cz", "language": "cs", "visitor": "v"}
    return post(client, "/widget/v1/order-status", {**data, **fields}, REMOTE_ADDR=address)


def test_ipv6_addresses_of_one_64_share_their_limits(shop):
    """An IPv6 address is counted on its /64: changing the last 64 bits is no new address."""
    answers = [
        lookup(
            shop, f"2001:db8:1:2::{n + 1:x}", order_number=f"{n}", email=f"x{n}@example.cz"
        ).status_code
        for n in range(6)
    ]
    assert answers[:5] == [404] * 5 and answers[5] == 429
    other = lookup(shop, "2001:db8:1:3::1", order_number="7", email="y@example.cz")
    assert other.status_code == 404


def test_address_keys():
    assert limits.address_key("2001:db8:1:2:aaaa:bbbb:cccc:dddd") == "2001:db8:1:2::/64"
    assert limits.address_key("::ffff:192.0.2.7") == "192.0.2.7"
    assert limits.address_key("192.0.2.7") == "192.0.2.7"
    assert limits.address_key("unknown") == "unknown"


def test_a_new_visitor_id_does_not_lift_the_order_lookup_limit(shop):
    answers = [lookup(shop, order_number=f"{n}", visitor=f"v-{n}").status_code for n in range(6)]
    assert answers[:5] == [404] * 5 and answers[5] == 429


def test_order_lookups_for_one_email_are_limited_across_addresses(shop):
    answers = [
        lookup(shop, f"192.0.2.{n + 1}", order_number=f"{n}", email="Vera@Example.cz").status_code
        for n in range(6)
    ]
    assert answers[:5] == [404] * 5 and answers[5] == 429


def test_open_all_week_round_the_clock_says_no_closing_time(widget_a):
    BusinessHours.objects.filter(client=widget_a).update(
        weekly={str(day): [["00:00", "24:00"]] for day in range(7)}
    )
    config = http(widget_a).get("/widget/v1/config?language=cs").json()
    assert config["open"] is True and config["closes_at"] is None


def test_overnight_hours_close_after_midnight(widget_a, frozen):
    BusinessHours.objects.filter(client=widget_a).update(
        weekly={"0": [["18:00", "24:00"]], "1": [["00:00", "02:00"], ["10:00", "12:00"]]}
    )
    frozen(datetime(2026, 3, 2, 20, 0, tzinfo=UTC))  # Monday 21:00 in Prague
    config = http(widget_a).get("/widget/v1/config?language=cs").json()
    assert config["open"] is True
    assert config["closes_at"] == "2026-03-03T01:00:00+00:00"  # Tuesday 02:00 in Prague


def test_an_opened_article_counts_once_per_visitor_and_day_for_a_real_visitor_id(widget_a):
    with in_schema(widget_a):
        article = FaqArticle.objects.create(slug="a", question_cs="Otázka?", answer_cs="Odpověď.")
    path = f"/widget/v1/articles/{article.pk}/opened"
    for visitor in ["", "v", "<script>", "x" * 65, 17]:
        refused = post(widget_a, path, {"visitor": visitor, "language": "cs"})
        assert refused.status_code == 400, visitor
    for _ in range(3):
        assert post(widget_a, path, {"visitor": VISITOR, "language": "cs"}).status_code == 204
    with in_schema(widget_a):
        assert SelfServiceAnswer.objects.count() == 1


def test_opened_articles_are_limited_per_address(widget_a, monkeypatch):
    monkeypatch.setattr(limits, "ARTICLES_OPENED", limits.Limit("opened", 3, 60))
    with in_schema(widget_a):
        article = FaqArticle.objects.create(slug="a", question_cs="Otázka?", answer_cs="Odpověď.")
    answers = [
        post(
            widget_a, f"/widget/v1/articles/{article.pk}/opened", {"visitor": f"{n:032x}"}
        ).status_code
        for n in range(4)
    ]
    assert answers == [204, 204, 204, 429]


def test_a_page_of_another_origin_is_refused_not_only_unreadable(widget_a):
    """CORS keeps another site's page from reading; the server refuses it as well, so that
    it cannot start chats or send messages blind."""
    chat = started(widget_a)
    for path, data in [
        ("/widget/v1/chats", {"text": "Spam", "language": "cs", "visitor": "v"}),
        (f"/widget/v1/chats/{chat['token']}/messages", {"text": "Spam"}),
        (f"/widget/v1/chats/{chat['token']}/end", {}),
    ]:
        refused = post(widget_a, path, data, origin=OTHER)
        assert refused.status_code == 403 and refused.json()["detail"], path
    assert http(widget_a, "null").get("/widget/v1/config").status_code == 403
    with in_schema(widget_a):
        assert ChatSession.objects.count() == 1
        assert ChatSession.objects.get().ended_at is None
    # The portal's own pages (same origin) and callers without Origin (no browser) pass.
    own = f"http://{host_of(widget_a)}"
    assert http(widget_a, own).get("/widget/v1/config").status_code == 200
    no_origin = HttpClient(HTTP_HOST=host_of(widget_a)).get("/widget/v1/config")
    assert no_origin.status_code == 200


def test_a_body_not_sent_as_json_is_a_415(widget_a):
    data = json.dumps({"text": "Dobrý den", "language": "cs", "visitor": "v"})
    for content_type in ["text/plain", "application/x-www-form-urlencoded"]:
        response = http(widget_a).post("/widget/v1/chats", data, content_type=content_type)
        assert response.status_code == 415, content_type
    token = started(widget_a)["token"]
    form = http(widget_a).post(f"/widget/v1/chats/{token}/rating", {"score": "5"})
    assert form.status_code == 415  # multipart: only a message carries a file
    with in_schema(widget_a):
        assert ChatSession.objects.count() == 1


def test_a_chat_merged_into_another_conversation_lives_on_there(widget_a, frozen):
    """The agent merges the chat into the customer's other conversation: the widget shows the
    chat and what is written there after the merge (not what it held before), its status
    is the target's, the customer's next message lands there, and an agent's reply there
    wakes the chat (its own session's seq, which the live process watches)."""
    chat = started(widget_a, email="jana@example.cz")
    other = started(widget_a, email="jana@example.cz", text="Druhý dotaz", visitor="v-2")
    token, source_id, target_id = chat["token"], chat["conversation_id"], other["conversation_id"]
    agent = agent_serving([widget_a])
    agent.first_name = "Petra"
    agent.save(update_fields=["first_name"])
    frozen(datetime(2026, 3, 2, 9, 5, tzinfo=UTC))
    with in_schema(widget_a):
        conversation_merge(client=widget_a, source_id=source_id, target_id=target_id, agent=agent)
    frozen(datetime(2026, 3, 2, 9, 6, tzinfo=UTC))
    read = http(widget_a).get(f"/widget/v1/chats/{token}").json()
    assert read["status"] == "open"
    assert [m["text"] for m in read["messages"]] == ["Dobrý den"]
    last = read["messages"][-1]["id"]

    sent = post(widget_a, f"/widget/v1/chats/{token}/messages", {"text": "Ještě něco"})
    assert sent.status_code == 201
    with in_schema(widget_a):
        assert Message.objects.get(body_text="Ještě něco").conversation_id == target_id
        seq_before = ChatSession.objects.get(conversation_id=source_id).seq
        conversation_reply(client=widget_a, conversation_id=target_id, agent=agent, text="Hned.")
        assert ChatSession.objects.get(conversation_id=source_id).seq > seq_before
    read = http(widget_a).get(f"/widget/v1/chats/{token}?after={last}").json()
    assert [m["text"][:10] for m in read["messages"]] == ["Ještě něco", "Hned."]
    assert read["messages"][-1]["author"] == "Petra"
    assert read["seq"] > seq_before

    with in_schema(widget_a):
        conversation_resolve(client=widget_a, conversation_id=target_id, agent=agent)
    assert http(widget_a).get(f"/widget/v1/chats/{token}").json()["status"] == "ended"


def test_a_chat_merged_twice_keeps_what_was_answered_in_between(widget_a, frozen):
    """The chat merged into T, T answered, then T merged into U: the answer given on T stays
    in the chat, and U's later messages join it."""
    chat = started(widget_a, email="jana@example.cz")
    middle = started(widget_a, email="jana@example.cz", text="Druhý dotaz", visitor="v-2")
    last = started(widget_a, email="jana@example.cz", text="Třetí dotaz", visitor="v-3")
    agent = agent_serving([widget_a])
    with in_schema(widget_a):
        frozen(datetime(2026, 3, 2, 9, 5, tzinfo=UTC))
        conversation_merge(
            client=widget_a,
            source_id=chat["conversation_id"],
            target_id=middle["conversation_id"],
            agent=agent,
        )
        frozen(datetime(2026, 3, 2, 9, 6, tzinfo=UTC))
        conversation_reply(
            client=widget_a, conversation_id=middle["conversation_id"], agent=agent, text="Mezi."
        )
        frozen(datetime(2026, 3, 2, 9, 7, tzinfo=UTC))
        conversation_merge(
            client=widget_a,
            source_id=middle["conversation_id"],
            target_id=last["conversation_id"],
            agent=agent,
        )
        frozen(datetime(2026, 3, 2, 9, 8, tzinfo=UTC))
        conversation_reply(
            client=widget_a, conversation_id=last["conversation_id"], agent=agent, text="Nakonec."
        )
    frozen(datetime(2026, 3, 2, 9, 20, tzinfo=UTC))
    read = http(widget_a).get(f"/widget/v1/chats/{chat['token']}").json()
    texts = [m["text"][:8] for m in read["messages"]]
    assert texts == ["Dobrý de", "Mezi.", "Nakonec."]


def test_no_article_is_opened_while_the_help_center_is_off(widget_a):
    with in_schema(widget_a):
        article = FaqArticle.objects.create(slug="a", question_cs="Otázka?", answer_cs="Odpověď.")
        HelpCenterSettings.objects.update(enabled=False)
    opened = post(
        widget_a, f"/widget/v1/articles/{article.pk}/opened", {"visitor": VISITOR, "language": "cs"}
    )
    assert opened.status_code == 404
    with in_schema(widget_a):
        assert not SelfServiceAnswer.objects.exists()
