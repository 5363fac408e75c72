"""Parallel requests for one contact, with real threads and committed rows: one customer,
one conversation, one message, one acknowledgement, and every request answered 2xx."""

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.test import Client as HttpClient

from content.models import MessageTemplate
from conversations.models import Conversation, Message
from customers.models import Customer
from hours.models import ResolutionClock
from idempotency.models import IdempotentRequest
from routing.models import WorkItem
from tenants.models import ApiKey
from tenants.services import api_key_issue
from tests.support.tenancy import in_schema
from tests.support.threads import THREADS, parallel

pytestmark = pytest.mark.slow


@contextmanager
def committed_client_b(two_clients, django_db_blocker, email: str) -> Iterator[str]:
    """An API key and an acknowledgement template of client B, committed; afterwards the
    contacts of ``email`` and everything they made are deleted again."""
    client = two_clients.b
    with django_db_blocker.unblock():
        row, key = api_key_issue(client=client, name="race")
        with in_schema(client):
            template = MessageTemplate.objects.create(
                kind="acknowledgement", body_pl="Dziękujemy, odpowiemy {expected_answer}."
            )
        try:
            yield key
        finally:
            IdempotentRequest.objects.filter(client=client).delete()
            ApiKey.objects.filter(pk=row.pk).delete()
            with in_schema(client):
                template.delete()
                conversations = list(
                    Conversation.objects.filter(customer__email__iexact=email).values_list(
                        "pk", flat=True
                    )
                )
                Message.objects.filter(conversation__in=conversations).delete()
                Conversation.objects.filter(pk__in=conversations).delete()
                Customer.objects.filter(email__iexact=email).delete()
            WorkItem.objects.filter(client=client, source_id__in=conversations).delete()
            clocks = ResolutionClock.objects.filter(
                client=client, conversation_id__in=conversations
            )
            clocks.delete()


def post(key: str, path: str, payload: dict, **headers):
    response = HttpClient(HTTP_HOST="localhost").post(
        path,
        json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
        **headers,
    )
    return response.status_code, response.json()


def counts(client, email: str) -> tuple[int, int, int, int]:
    """Customers, conversations, inbound and outbound messages of ``email``."""
    with in_schema(client):
        messages = Message.objects.filter(conversation__customer__email__iexact=email)
        return (
            Customer.objects.filter(email__iexact=email).count(),
            Conversation.objects.filter(customer__email__iexact=email).count(),
            messages.filter(direction="in").count(),
            messages.filter(direction="out").count(),
        )


def test_twenty_parallel_requests_with_one_external_id_file_one_contact(
    two_clients, django_db_blocker
):
    email = "race-external@example.pl"
    message = {
        "text": "Dzień dobry, gdzie jest moja paczka numer 4411? Czekam tydzień.",
        "customer": {"email": email, "name": "Anna"},
        "external_id": "race-1",
    }
    with committed_client_b(two_clients, django_db_blocker, email) as key:
        answers = parallel(lambda: post(key, "/api/v1/messages", message))

        assert [a for a in answers if isinstance(a, BaseException)] == []
        statuses = sorted(status for status, _ in answers)
        assert statuses == [200] * (THREADS - 1) + [201]
        bodies = {json.dumps(body, sort_keys=True) for _, body in answers}
        assert len(bodies) == 1  # the replays answer exactly what the creator answered
        assert counts(two_clients.b, email) == (1, 1, 1, 1)  # one acknowledgement, too
        (body,) = [json.loads(b) for b in bodies]
        assert [m["direction"] for m in body["messages"]] == ["in", "out"]
        assert WorkItem.objects.filter(client=two_clients.b, source_id=body["id"]).count() == 1


def test_parallel_first_contacts_of_one_customer_make_one_customer(two_clients, django_db_blocker):
    """Different messages (no common id) of one new customer at the same time."""
    email = "Race-Customer@example.pl"
    numbers = iter(range(THREADS))
    lock = threading.Lock()

    def send():
        with lock:
            number = next(numbers)
        # The address in other letter cases: still one customer.
        address = email.upper() if number % 2 else email.lower()
        return post(
            key,
            "/api/v1/messages",
            {
                "text": f"Dzień dobry, zamówienie {number} nie dotarło.",
                "customer": {"email": address},
                "external_id": f"race-customer-{number}",
            },
        )

    with committed_client_b(two_clients, django_db_blocker, email) as key:
        answers = parallel(send)

        assert [a for a in answers if isinstance(a, BaseException)] == []
        assert sorted(status for status, _ in answers) == [201] * THREADS
        customers, conversations, inbound, _ = counts(two_clients.b, email)
        assert (customers, conversations, inbound) == (1, THREADS, THREADS)


def test_parallel_requests_with_one_idempotency_key_create_once_and_replay(
    two_clients, django_db_blocker
):
    email = "race-key@example.pl"
    message = {
        "text": "Dzień dobry, proszę o fakturę do zamówienia 5512.",
        "customer": {"email": email},
    }
    with committed_client_b(two_clients, django_db_blocker, email) as key:
        answers = parallel(
            lambda: post(key, "/api/v1/messages", message, HTTP_IDEMPOTENCY_KEY="order-5512")
        )

        assert [a for a in answers if isinstance(a, BaseException)] == []
        # The key replays the first answer itself: its status too.
        assert sorted(status for status, _ in answers) == [201] * THREADS
        assert len({json.dumps(body, sort_keys=True) for _, body in answers}) == 1
        assert counts(two_clients.b, email) == (1, 1, 1, 1)
        assert IdempotentRequest.objects.filter(client=two_clients.b).count() == 1


def test_parallel_follow_ups_with_one_external_id_file_one_message(two_clients, django_db_blocker):
    email = "race-follow-up@example.pl"
    opening = {
        "text": "Dzień dobry, mam pytanie o zwrot.",
        "customer": {"email": email},
        "channel": "chat",
        "acknowledge": False,
    }
    with committed_client_b(two_clients, django_db_blocker, email) as key:
        conversation_id = post(key, "/api/v1/messages", opening)[1]["id"]
        path = f"/api/v1/conversations/{conversation_id}/messages"
        follow_up = {"text": "Numer zamówienia 7781.", "external_id": "chat-msg-2"}

        answers = parallel(lambda: post(key, path, follow_up))

        assert [a for a in answers if isinstance(a, BaseException)] == []
        assert sorted(status for status, _ in answers) == [200] * (THREADS - 1) + [201]
        assert counts(two_clients.b, email) == (1, 1, 2, 0)
