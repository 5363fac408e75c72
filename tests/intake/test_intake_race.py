"""Twenty deliveries of one message at the same moment, on twenty connections, against real
PostgreSQL: one is filed, nineteen answer 2xx as duplicates, none 5xx."""

import hashlib
import threading
from email.message import EmailMessage

import pytest
from django.db import connection
from django.test import Client as HttpClient

from conversations.models import Conversation
from customers.models import Customer
from hours.models import ResolutionClock
from intake.models import InboundReceipt
from routing.models import WorkItem
from tenants.models import InboundAddress
from tests.support.tenancy import in_schema

SENDER = "racer@customer.example"


def raw_mail(message_id: str | None) -> bytes:
    message = EmailMessage()
    message["From"], message["To"] = f"Závodník <{SENDER}>", "race@obuv.example"
    message["Subject"] = "Kde je moje zásilka?"
    if message_id:
        message["Message-ID"] = message_id
    message.set_content("Dobrý den, zásilka stále nedorazila, prosím o kontrolu.")
    return message.as_bytes()


@pytest.mark.parametrize("message_id", ["<race-1@customer.example>", None])
def test_twenty_parallel_deliveries_are_filed_once(
    two_clients, django_db_blocker, settings, message_id
):
    settings.MAIL_INTAKE_TOKEN = "race-token"
    client = two_clients.a
    raw = raw_mail(message_id)
    with django_db_blocker.unblock():
        address = InboundAddress.objects.create(client=client, address="race@obuv.example")
        barrier = threading.Barrier(20)
        answers, errors = [], []

        def deliver() -> None:
            try:
                barrier.wait(timeout=30)
                answer = HttpClient(HTTP_HOST="localhost").post(
                    "/mail/inbound",
                    raw,
                    content_type="message/rfc822",
                    HTTP_AUTHORIZATION="Bearer race-token",
                )
                answers.append((answer.status_code, answer.json()))
            except BaseException as error:  # reported below, in the main thread
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=deliver) for _ in range(20)]
        try:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
            assert errors == []
            assert sorted(status for status, _ in answers) == [200] * 19 + [201]
            assert len({answer["conversation"] for _, answer in answers}) == 1
            with in_schema(client):
                conversations = Conversation.objects.filter(customer__email=SENDER)
                assert conversations.count() == 1
                assert conversations.get().messages.filter(direction="in").count() == 1
                filed = conversations.get().pk
            states = InboundReceipt.objects.filter(sha256__in=_sha(raw))
            assert sorted(states.values_list("state", flat=True)) == ["duplicate"] * 19 + ["filed"]
            assert WorkItem.objects.filter(client=client, source_id=filed).count() == 1
        finally:
            with in_schema(client):
                ids = list(
                    Conversation.objects.filter(customer__email=SENDER).values_list("pk", flat=True)
                )
                Conversation.objects.filter(pk__in=ids).delete()
                Customer.objects.filter(email=SENDER).delete()
            WorkItem.objects.filter(client=client, source_id__in=ids).delete()
            ResolutionClock.objects.filter(client=client, conversation_id__in=ids).delete()
            InboundReceipt.objects.filter(sha256__in=_sha(raw)).delete()
            address.delete()


def _sha(raw: bytes) -> list[str]:

    return [hashlib.sha256(raw).hexdigest()]
