"""Outbound webhooks (webhooks.services): an event becomes one signed delivery per endpoint
that chose it, sent through the outbox's "webhook" channel to a local receiver; the
signature verifies with the standardwebhooks library; failures are retried on the
schedule, logged, and pause an endpoint that keeps failing (its managers told); a delivery
can be replayed."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from standardwebhooks import Webhook

from accounts.models import User
from conversations.services import conversation_open_inbound
from core.events import webhook_event_emit
from outbox.models import Delivery
from outbox.selectors import undelivered_public
from outbox.services import delivery_send
from tests.support.factories import UserFactory
from tests.support.tenancy import in_schema
from tests.support.webhook_receiver import Receiver
from webhooks.models import Attempt, Endpoint, WebhookDelivery
from webhooks.services import RETRY_SCHEDULE, delivery_replay, endpoint_create, endpoint_resume

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.stop()


def endpoint_for(client, url, events=("conversation.created",)):
    with in_schema(client):
        return endpoint_create(url=url, events=list(events), description="shop")


def new_conversation(client, text="Dobrý den, kde je moje objednávka?"):
    with in_schema(client):
        return conversation_open_inbound(
            client=client, channel="email", text=text, customer_email="jana@example.cz"
        ).conversation


def webhook_rows(client):
    return Delivery.objects.filter(client=client, channel="webhook").order_by("pk")


def send(delivery, *, later=timedelta(0)):
    with in_schema(delivery.client):
        return delivery_send(delivery_id=delivery.pk, now=timezone.now() + later)


def test_an_event_arrives_signed_and_verifies_with_the_standard_library(two_clients, receiver):
    client = two_clients.a
    endpoint = endpoint_for(client, receiver.url)
    assert endpoint.secret.startswith("whsec_")
    conversation = new_conversation(client)

    # conversation.created only: the endpoint did not choose message.created.
    [delivery] = webhook_rows(client)
    assert (delivery.state, delivery.kind, delivery.conversation_id) == (
        "queued",
        "automatic",
        None,
    )
    assert send(delivery) == "sent"

    [request] = receiver.received
    payload = Webhook(endpoint.secret).verify(request.body, request.headers)
    assert payload["type"] == "conversation.created"
    assert payload["data"]["conversation_id"] == conversation.pk
    assert payload["data"]["customer"]["email"] == "jana@example.cz"
    assert request.headers["webhook-id"].startswith("msg_")
    # Another secret does not verify it.
    with pytest.raises(Exception, match="No matching signature"):
        Webhook(endpoint_for(client, receiver.url).secret).verify(request.body, request.headers)
    with in_schema(client):
        [attempt] = Attempt.objects.all()
    assert (attempt.status_code, attempt.succeeded, attempt.error) == (204, True, "")


def test_nothing_leaves_for_a_client_without_endpoints_or_for_another_client(two_clients, receiver):
    endpoint_for(two_clients.a, receiver.url)
    new_conversation(two_clients.b, text="Dzień dobry, gdzie jest moje zamówienie?")
    assert not webhook_rows(two_clients.a).exists()
    assert not webhook_rows(two_clients.b).exists()


def test_a_failing_endpoint_is_retried_on_the_schedule_and_every_attempt_logged(
    two_clients, receiver
):
    receiver.fail_share = 1.0
    client = two_clients.a
    endpoint_for(client, receiver.url, events=["invoice.issued"])
    with in_schema(client):
        webhook_event_emit(client, "invoice.issued", {"invoice_id": 7})
    [delivery] = webhook_rows(client)

    before = timezone.now()
    assert send(delivery) == "queued"
    delivery.refresh_from_db()
    assert delivery.last_error == "HTTP 503"
    waited = delivery.next_attempt_at - before
    assert timedelta(seconds=RETRY_SCHEDULE[0]) <= waited < timedelta(seconds=RETRY_SCHEDULE[0] + 5)

    # The schedule spans a day: the last attempt comes more than 24 hours after the first.
    assert sum(RETRY_SCHEDULE) > 24 * 3600
    states = [send(delivery, later=timedelta(days=2)) for _ in RETRY_SCHEDULE]
    assert states == ["queued"] * (len(RETRY_SCHEDULE) - 1) + ["failed"]
    assert len(receiver.received) == len(RETRY_SCHEDULE) + 1
    with in_schema(client):
        attempts = list(Attempt.objects.order_by("at"))
    assert {(a.status_code, a.response_excerpt, a.succeeded) for a in attempts} == {
        (503, "not now", False)
    }
    # No customer's message: the supervisor wall does not show it.
    assert delivery.pk not in [row.delivery.pk for row in undelivered_public()]


def test_an_endpoint_that_keeps_failing_is_paused_its_managers_told_and_it_resumes(
    two_clients, receiver, settings
):
    settings.WEBHOOKS_PAUSE_AFTER_FAILURES = 3
    receiver.fail_share = 1.0
    client = two_clients.a
    manager = UserFactory(role=User.Role.CLIENT, client=client, portal_role=User.PortalRole.MANAGER)
    UserFactory(role=User.Role.CLIENT, client=client)  # a viewer: not told
    endpoint = endpoint_for(client, receiver.url, events=["invoice.issued"])
    with in_schema(client):
        for number in range(3):
            webhook_event_emit(client, "invoice.issued", {"invoice_id": number})
    rows = list(webhook_rows(client))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.db.transaction.on_commit", lambda callback, **kw: callback())
        assert [send(row) for row in rows] == ["queued", "queued", "queued"]
    with in_schema(client):
        endpoint.refresh_from_db()
        assert endpoint.state == "paused"
        assert endpoint.pause_reason == "3 failed attempts in a row"
        # Paused: no new deliveries, and the queued ones fail without a request.
        webhook_event_emit(client, "invoice.issued", {"invoice_id": 9})
    assert webhook_rows(client).count() == 3
    assert send(rows[0], later=timedelta(days=1)) == "failed"
    assert len(receiver.received) == 3
    [told] = mail.outbox
    assert told.to == [manager.email]
    assert told.subject.startswith("Koncový bod webhooku pozastaven")  # client A's Czech
    assert receiver.url in told.body

    with in_schema(client):
        endpoint_resume(endpoint_id=endpoint.pk)
        endpoint.refresh_from_db()
    assert (endpoint.state, endpoint.consecutive_failures) == ("active", 0)


def test_every_attempt_failing_for_a_day_pauses_the_endpoint(two_clients, receiver):
    receiver.fail_share = 1.0
    client = two_clients.a
    endpoint = endpoint_for(client, receiver.url, events=["invoice.issued"])
    with in_schema(client):
        Endpoint.objects.filter(pk=endpoint.pk).update(
            failing_since=timezone.now() - timedelta(hours=25), consecutive_failures=4
        )
        webhook_event_emit(client, "invoice.issued", {"invoice_id": 1})
    [row] = webhook_rows(client)
    assert send(row) == "queued"
    with in_schema(client):
        endpoint.refresh_from_db()
    assert endpoint.state == "paused"
    assert endpoint.pause_reason.startswith("every attempt failed since")


def test_a_delivery_is_replayed_with_the_same_webhook_id(two_clients, receiver):
    client = two_clients.a
    endpoint = endpoint_for(client, receiver.url)
    new_conversation(client)
    [first] = webhook_rows(client)
    assert send(first) == "sent"
    with in_schema(client):
        original = WebhookDelivery.objects.get()
        replay = delivery_replay(client=client, delivery_id=original.pk)
    second = webhook_rows(client).last()
    assert (second.webhook_delivery_id, second.message_id) == (replay.pk, None)
    assert send(second) == "sent"
    one, two = receiver.received
    assert one.headers["webhook-id"] == two.headers["webhook-id"] == original.message_id
    assert json.loads(one.body) == json.loads(two.body)
    Webhook(endpoint.secret).verify(two.body, two.headers)


def test_a_webhook_delivery_never_touches_a_message_of_the_same_id(two_clients, receiver):
    """The outbox's message hooks (a message's sent time, the first response) skip the
    webhook channel: its row names its own delivery, never a message."""
    client = two_clients.a
    endpoint_for(client, receiver.url, events=["conversation.created", "message.created"])
    conversation = new_conversation(client)
    rows = list(webhook_rows(client))
    assert len(rows) == 2
    assert all(row.message_id is None and row.webhook_delivery_id for row in rows)
    assert [send(row) for row in rows] == ["sent", "sent"]
    with in_schema(client):
        message = conversation.messages.get()
    assert message.sent_at is None
    types = [json.loads(r.body)["type"] for r in receiver.received]
    assert sorted(types) == ["conversation.created", "message.created"]


def test_a_slow_endpoint_is_a_failed_attempt_with_the_error_logged(two_clients, receiver, settings):
    settings.WEBHOOKS_TIMEOUT_SECONDS = 0.2
    receiver.delay = 1.0
    client = two_clients.a
    endpoint_for(client, receiver.url, events=["invoice.issued"])
    with in_schema(client):
        webhook_event_emit(client, "invoice.issued", {"invoice_id": 3})
    [delivery] = webhook_rows(client)
    assert send(delivery) == "queued"
    with in_schema(client):
        [attempt] = Attempt.objects.all()
    assert attempt.status_code is None and not attempt.succeeded
    assert attempt.error.startswith("ReadTimeout") and attempt.duration_ms >= 200


def test_an_endpoint_in_a_private_network_is_refused_outside_development(
    two_clients, receiver, settings
):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True  # development: the local receiver
    endpoint = endpoint_for(two_clients.a, receiver.url)
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    for url in ("http://127.0.0.1:8000/hook", "http://10.0.0.8/hook", "http://[::1]/hook"):
        with pytest.raises(ValidationError, match="private or local network"):
            endpoint_for(two_clients.a, url)
    public = endpoint_for(two_clients.a, "https://93.184.215.14/hook", events=("invoice.issued",))
    assert public.url.startswith("https://93.")

    # Added while allowed (or a name that now points inside): refused at the send, not sent.
    new_conversation(two_clients.a)
    delivery = webhook_rows(two_clients.a).get()
    send(delivery)
    delivery.refresh_from_db()
    assert delivery.state == "failed" and "private or local network" in delivery.last_error
    assert receiver.received == []
    assert endpoint.pk


def test_an_outbox_row_names_exactly_one_thing(two_clients):
    """The database refuses a webhook row that names a message, or none of its own, and a
    message's row that names a webhook delivery; each kind is sent once."""
    client = two_clients.a
    now = timezone.now()
    row = {"client": client, "queued_at": now, "next_attempt_at": now}
    for wrong in (
        {"channel": "webhook", "webhook_delivery_id": 5, "message_id": 5, "conversation_id": 1},
        {"channel": "webhook", "message_id": -5, "conversation_id": 0},
        {"channel": "email", "webhook_delivery_id": 5},
        {"channel": "email", "message_id": 5, "conversation_id": 1, "webhook_delivery_id": 5},
    ):
        with pytest.raises(IntegrityError, match="delivery_names_one_thing"), transaction.atomic():
            Delivery.objects.create(**row, **wrong)
    Delivery.objects.create(**row, channel="webhook", webhook_delivery_id=5)
    with pytest.raises(IntegrityError, match="delivery_webhook_once"), transaction.atomic():
        Delivery.objects.create(**row, channel="webhook", webhook_delivery_id=5)
    # Another client's delivery 5 is its own.
    Delivery.objects.create(
        **{**row, "client": two_clients.b}, channel="webhook", webhook_delivery_id=5
    )
