"""The month's order updates and the contacts they prevented (docs/kpis.md, "Order
updates"), held to the definition case by case, and the portal's page showing them."""

from datetime import UTC, datetime, timedelta

import pytest

from accounts.models import User
from audit.models import AuditEvent
from conversations.models import Conversation, Message
from customers.models import Customer
from order_updates.models import OrderEvent, OrderUpdateSettings
from order_updates.selectors import order_update_figures
from order_updates.services import order_event_receive
from outbox.models import Delivery
from tests.support.factories import UserFactory
from tests.support.portal import signed_in
from tests.support.tenancy import in_schema

pytestmark = pytest.mark.django_db
DAY = timedelta(days=1)
START = datetime(2026, 11, 1, tzinfo=UTC)
END = datetime(2026, 12, 1, tzinfo=UTC)
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def event(client, frozen, at, email, kind="shipped", number="1", sent=timedelta(minutes=1)):
    """An order event received at ``at`` whose message the outbox sent ``sent`` later (None:
    still on its way; a delivery state: it ended so)."""
    frozen(at)
    receipt = order_event_receive(
        client=client,
        source="demo",
        event_id=f"{email}-{kind}-{at.isoformat()}",
        kind=kind,
        order_number=number,
        email=email,
    )
    with in_schema(client):
        message_id = OrderEvent.objects.get(pk=receipt.event_id).message_id
    if isinstance(sent, timedelta):
        Delivery.objects.filter(client=client, message_id=message_id).update(
            state=Delivery.State.SENT, sent_at=at + sent
        )
    elif sent is not None:
        Delivery.objects.filter(client=client, message_id=message_id).update(state=sent)
    return receipt


def writes(email, at, *, automatic=False, spam=False):
    customer = Customer.objects.get(email=email)
    conversation = Conversation.objects.create(
        customer=customer, channel="email", language="cs", created_at=at, spam=spam
    )
    Message.objects.create(
        conversation=conversation,
        direction="in",
        channel="email",
        body_text="Kde je balík?",
        created_at=at,
        automatic=automatic,
    )


@pytest.fixture
def month(two_clients, frozen):
    client = two_clients.a
    t = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
    event(client, frozen, t, "wrote@example.cz")  # writes the next day: not prevented
    event(client, frozen, t, "later@example.cz", kind="delayed")  # writes after 4 days
    event(client, frozen, t, "twice@example.cz")  # two updates, silent
    event(client, frozen, t + 2 * DAY, "twice@example.cz", kind="out_for_delivery")
    event(client, frozen, t, "auto@example.cz")  # only an auto-reply: still silent
    event(client, frozen, t, "spam@example.cz")  # only spam: still silent
    # Sent two days late (held for the quiet hours): writes 4 days after the event, within
    # 3 days after the message.
    event(client, frozen, t, "held@example.cz", sent=2 * DAY)
    event(client, frozen, t, "bounced@example.cz", sent=Delivery.State.BOUNCED)  # told nobody
    event(client, frozen, t, "onitsway@example.cz", sent=None)  # not sent yet: waiting
    event(client, frozen, NOW - DAY, "recent@example.cz")  # three days not over
    event(client, frozen, t, "")  # nobody to tell
    event(client, frozen, END + DAY, "december@example.cz")  # another month
    with in_schema(client):
        writes("wrote@example.cz", t + DAY)
        writes("held@example.cz", t + 4 * DAY)
        writes("later@example.cz", t + 4 * DAY)
        writes("auto@example.cz", t + DAY, automatic=True)
        writes("spam@example.cz", t + DAY, spam=True)
        writes("twice@example.cz", t - DAY)  # before: no answer to the update
    return client


def test_contacts_prevented_follow_the_definition(month):
    with in_schema(month):
        figures = order_update_figures(client=month, start=START, end=END, now=NOW)
    assert figures.sent_by_kind == {
        "shipped": 7,
        "delayed": 1,
        "out_for_delivery": 1,
        "delivered": 0,
        "return_received": 0,
        "refund_sent": 0,
    }
    assert figures.not_sent_by_state["no_contact"] == 1
    assert figures.undelivered == 1
    assert (figures.sent, figures.customers) == (9, 8)
    assert (figures.prevented, figures.wrote, figures.waiting) == (4, 2, 2)


def test_the_portal_shows_the_months_figures(month, user_a, frozen):
    frozen(NOW)
    page = signed_in(month, user_a).get("/order-updates/", {"month": "2026-11"})
    assert page.status_code == 200
    text = page.text
    assert 'id="order-updates-sent">9<' in text
    assert 'id="order-updates-undelivered">1<' in text
    assert 'id="order-updates-prevented">4<' in text
    assert "later@example.cz" in text or "later" in text
    assert signed_in(month, user_a).get("/order-updates/", {"month": "2026-13"}).status_code == 400


def test_another_clients_user_sees_none_of_it(month, user_b, frozen, two_clients):
    frozen(NOW)
    page = signed_in(two_clients.b, user_b).get("/order-updates/", {"month": "2026-11"})
    assert page.status_code == 200
    assert 'id="order-updates-sent">0<' in page.text
    assert "wrote@example.cz" not in page.text


def test_a_manager_changes_the_settings_and_a_viewer_may_not(two_clients, user_a):
    manager = UserFactory(
        role=User.Role.CLIENT, client=two_clients.a, portal_role=User.PortalRole.MANAGER
    )
    form = {
        "kinds": ["shipped", "refund_sent"],
        "channel": "sms_first",
        "quiet_from": "21:30",
        "quiet_until": "07:00",
    }
    http = signed_in(two_clients.a, manager)
    assert 'id="order-update-settings"' in http.get("/order-updates/").text
    response = http.post("/order-updates/settings/", form)
    assert response.status_code == 302
    with in_schema(two_clients.a):
        chosen = OrderUpdateSettings.objects.get()
    assert chosen.kinds == ["shipped", "refund_sent"] and chosen.channel == "sms_first"
    assert (chosen.quiet_from.hour, chosen.quiet_until.hour, chosen.quiet_sunday) == (21, 7, False)
    assert AuditEvent.objects.filter(object_type="order_update_settings").exists()

    bad = http.post("/order-updates/settings/", form | {"channel": "pigeon"})
    assert bad.status_code == 400

    viewer = signed_in(two_clients.a, user_a)
    assert 'id="order-update-settings"' not in viewer.get("/order-updates/").text
    assert viewer.post("/order-updates/settings/", form).status_code == 403
