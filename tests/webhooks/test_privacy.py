"""Personal data in webhook deliveries (webhooks.privacy): erasing a customer blanks the
name, e-mail, phone and words in their deliveries' payloads (ids and the log of attempts
stay, a delivery still queued leaves blank), a merge carries them to the target, and the
client's retention rule for messages blanks older payloads."""

from datetime import timedelta

import pytest
from django.utils import timezone
from standardwebhooks import Webhook

from audit.models import AuditEvent
from conversations.services import conversation_open_inbound
from core.events import webhook_event_emit
from customers.services import customer_erase, customer_merge
from outbox.models import Delivery
from outbox.services import delivery_send
from retention.models import RetentionRule
from retention.services import retention_apply
from tests.support.tenancy import in_schema
from tests.support.webhook_receiver import Receiver
from webhooks.models import Attempt, WebhookDelivery
from webhooks.services import endpoint_create

pytestmark = pytest.mark.django_db

EVENTS = ["conversation.created", "message.created", "message.delivery_failed"]


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.stop()


def opened(client, email, text):
    return conversation_open_inbound(
        client=client, channel="email", text=text, subject="Objednávka 2001", customer_email=email
    ).conversation


def payloads(customer_id):
    return [
        d.payload["data"]
        for d in WebhookDelivery.objects.filter(customer_id=customer_id).order_by("pk")
    ]


def test_erasing_a_customer_blanks_their_payloads_and_keeps_the_log(two_clients, receiver):
    client = two_clients.a
    with in_schema(client):
        endpoint = endpoint_create(url=receiver.url, events=EVENTS)
        jana = opened(client, "jana@example.cz", "Jsem Jana Nováková, volejte 602 123 456")
        petr = opened(client, "petr@example.cz", "Kde je balík?")
        # A failed reply names its conversation only: the customer is found all the same.
        webhook_event_emit(
            client,
            "message.delivery_failed",
            {"message_id": 9, "conversation_id": jana.pk, "reason": "550 jana@example.cz gone"},
        )
    first = Delivery.objects.filter(client=client, channel="webhook").order_by("pk").first()
    with in_schema(client):
        assert delivery_send(delivery_id=first.pk) == "sent"
        assert [d["conversation_id"] for d in payloads(jana.customer_id)] == [jana.pk] * 3

        customer_erase(customer_id=jana.customer_id)

        erased = payloads(jana.customer_id)
        assert erased[0]["customer"] == {
            "id": jana.customer_id,
            "name": "",
            "email": "",
            "phone": "",
        }
        assert (erased[0]["subject"], erased[1]["text"], erased[2]["reason"]) == ("", "", "")
        assert erased[1]["message_id"] and erased[2]["message_id"] == 9
        assert all(
            d.personal_removed_at
            for d in WebhookDelivery.objects.filter(customer_id=jana.customer_id)
        )
        assert Attempt.objects.count() == 1  # the log stays
        assert payloads(petr.customer_id)[1]["text"] == "Kde je balík?"
    # What was still queued leaves without the words.
    queued = Delivery.objects.filter(client=client, channel="webhook", state="queued")
    with in_schema(client):
        for row in queued:
            delivery_send(delivery_id=row.pk)
    bodies = [Webhook(endpoint.secret).verify(r.body, r.headers) for r in receiver.received]
    sent_for_jana = [b["data"] for b in bodies[1:] if b["data"]["conversation_id"] == jana.pk]
    assert sent_for_jana and all("Nováková" not in str(data) for data in sent_for_jana)


def test_a_merge_carries_the_deliveries_to_the_target_whose_erasure_blanks_them(two_clients):
    client = two_clients.a
    with in_schema(client):
        endpoint_create(url="https://shop.example/hooks", events=EVENTS)
        source = opened(client, "jana@example.cz", "Dobrý den").customer_id
        target = opened(client, "jana.novakova@example.cz", "Ještě jednou").customer_id
        customer_merge(source_id=source, target_id=target, actor=None)
        assert WebhookDelivery.objects.filter(customer_id=source).count() == 0
        assert WebhookDelivery.objects.filter(customer_id=target).count() == 4
        customer_erase(customer_id=target)
        texts = [d.get("text") for d in payloads(target)]
    assert texts.count("") == 2 and "Dobrý den" not in texts


def test_the_clients_retention_for_messages_blanks_older_payloads_once(two_clients):
    client = two_clients.a
    now = timezone.now()
    RetentionRule.objects.create(client=client, messages_days=30)
    with in_schema(client):
        endpoint_create(url="https://shop.example/hooks", events=[*EVENTS, "invoice.issued"])
        old = opened(client, "stary@example.cz", "Stará zpráva")
        opened(client, "novy@example.cz", "Nová zpráva")
        webhook_event_emit(client, "invoice.issued", {"invoice_id": 1, "total": "10.00"})
        WebhookDelivery.objects.filter(payload__data__conversation_id=old.pk).update(
            created_at=now - timedelta(days=31)
        )
        WebhookDelivery.objects.filter(event_type="invoice.issued").update(
            created_at=now - timedelta(days=31)
        )
        retention_apply(client=client, now=now)
        texts = sorted(
            d.payload["data"]["text"]
            for d in WebhookDelivery.objects.filter(event_type="message.created")
        )
        assert texts == ["", "Nová zpráva"]
        invoice = WebhookDelivery.objects.get(event_type="invoice.issued")
        assert invoice.payload["data"]["total"] == "10.00" and invoice.personal_removed_at is None
        retention_apply(client=client, now=now)
    runs = AuditEvent.objects.filter(action=AuditEvent.Action.RETENTION_APPLIED).order_by("pk")
    assert [run.details["webhook_payloads"] for run in runs] == [2, 0]
