"""Where the events come from: each room's service emits its event in its own transaction
(core.events), and an endpoint that chose it gets one delivery with the documented data."""

from datetime import date
from decimal import Decimal

import pytest

from billing.services import invoice_issue
from conversations.models import Conversation
from outbox.models import Delivery
from outbox.services import delivery_claim, delivery_mark_unsent
from surveys.models import Survey
from surveys.services import survey_rate
from tenants.models import InboundAddress
from tests.support.billing import plan_for, utc
from tests.support.factories import UserFactory
from tests.support.outbox import delivery_of, reply_to_new_mail
from tests.support.surveys import resolved, surveys_on, sweep
from tests.support.tenancy import in_schema
from tests.support.voice import CALLER, CZ_NUMBER, signed_post
from webhooks.models import WebhookDelivery
from webhooks.services import endpoint_create

pytestmark = pytest.mark.django_db


def subscribed(client, *events):
    with in_schema(client):
        endpoint_create(url="https://shop.example/hooks", events=list(events))


def emitted(client) -> list[tuple[str, dict]]:
    with in_schema(client):
        return [
            (hook.event_type, hook.payload["data"])
            for hook in WebhookDelivery.objects.order_by("pk")
        ]


def test_an_issued_invoice_is_told_in_the_clients_schema(two_clients):
    client = two_clients.a
    subscribed(client, "invoice.issued")
    plan_for(client, base_monthly_fee=Decimal("1500"))
    invoice = invoice_issue(client=client, month=date(2026, 10, 1), now=utc(2026, 11, 2, 8)).invoice
    [(event, data)] = emitted(client)
    assert event == "invoice.issued"
    assert (data["invoice_id"], data["number"], data["period"]) == (
        invoice.pk,
        invoice.number,
        "2026-10",
    )
    assert Decimal(data["total"]) == invoice.total
    # VAT and what is due: Czech VAT for a Czech client, due in 14 days.
    assert data["vat_treatment"] == "domestic"
    assert Decimal(data["vat_total"]) == Decimal("315.00")
    assert Decimal(data["total_with_vat"]) == Decimal("1815.00")
    assert (data["due_on"], data["payment_reference"]) == ("2026-11-16", invoice.payment_reference)


def test_a_resolved_conversation_and_a_rating_are_told(two_clients):
    client = two_clients.a
    subscribed(client, "conversation.resolved", "survey.answered")
    surveys_on(client)
    conversation = resolved(client)
    sweep(client)
    with in_schema(client):
        survey = Survey.objects.get(conversation=conversation)
        survey_rate(survey_id=survey.pk, rating=5, via="link")
    (first, resolved_data), (second, rating_data) = emitted(client)
    assert (first, resolved_data["conversation_id"], resolved_data["status"]) == (
        "conversation.resolved",
        conversation.pk,
        Conversation.Status.RESOLVED,
    )
    assert (second, rating_data["survey_id"], rating_data["rating"]) == (
        "survey.answered",
        survey.pk,
        5,
    )


def test_a_reply_and_its_failure_are_told(two_clients):
    client = two_clients.a
    subscribed(client, "message.created", "message.delivery_failed")
    InboundAddress.objects.create(client=client, address="podpora@obuv.example", country="CZ")
    agent = UserFactory()
    reply = reply_to_new_mail(client, agent)
    delivery = delivery_claim(delivery_id=delivery_of(client, reply.pk).pk)
    assert delivery is not None
    delivery_mark_unsent(delivery=delivery, reason="550 no such user", permanent=True)
    events = emitted(client)
    # The customer's mail, the agent's reply, then its failure.
    assert [event for event, _data in events] == [
        "message.created",
        "message.created",
        "message.delivery_failed",
    ]
    assert events[1][1]["message_id"] == reply.pk and events[1][1]["direction"] == "out"
    with in_schema(client):
        customer_id = Conversation.objects.get(pk=reply.conversation_id).customer_id
    assert events[2][1] == {
        "message_id": reply.pk,
        "conversation_id": reply.conversation_id,
        "customer_id": customer_id,
        "channel": "email",
        "state": Delivery.State.FAILED,
        "reason": "550 no such user",
    }


def test_a_failure_told_alone_names_its_customer_for_the_erasure(two_clients):
    """An endpoint that hears of failures only: no earlier event of the conversation names
    the customer, the failure does (its reason may quote their address)."""
    client = two_clients.a
    subscribed(client, "message.delivery_failed")
    InboundAddress.objects.create(client=client, address="podpora@obuv.example", country="CZ")
    reply = reply_to_new_mail(client, UserFactory())
    delivery = delivery_claim(delivery_id=delivery_of(client, reply.pk).pk)
    assert delivery is not None
    delivery_mark_unsent(delivery=delivery, reason="550 jana@example.cz gone", permanent=True)
    with in_schema(client):
        customer_id = Conversation.objects.get(pk=reply.conversation_id).customer_id
        (failure,) = WebhookDelivery.objects.all()
        assert failure.customer_id == customer_id


def test_a_completed_call_is_told(voice):
    """A caller hangs up at once: Twilio's final status completes the call."""
    subscribed(voice.client, "call.completed")
    voice.call("CA1")
    status = {"CallSid": "CA1", "CallStatus": "completed", "To": CZ_NUMBER, "From": CALLER}
    assert signed_post("/twilio/voice/status", status).status_code == 204
    signed_post("/twilio/voice/status", status)  # Twilio retries: told once
    [(event, data)] = emitted(voice.client)
    assert (event, data["call_sid"], data["from_number"]) == ("call.completed", "CA1", CALLER)
    assert data["outcome"] == "ivr_hangup" and data["completed_at"]
