"""A reply to a new e-mail; sending it now, as the outbox's task would (in the client's schema); the
`broker_down` fixture (registered for every test, tests/conftest.py)."""

import pytest
from django_tenants.utils import schema_context

from config.celery import app
from conversations.email_in import email_file_raw
from conversations.services import conversation_reply
from outbox.models import Delivery
from outbox.services import delivery_send
from tests.support.mail import email
from tests.support.smtp_sink import free_port
from tests.support.tenancy import in_schema


def delivery_of(client, message_id: int) -> Delivery:
    return Delivery.objects.get(client=client, message_id=message_id)


def send_now(client, message_id: int) -> str:
    """The delivery's state after one attempt ("" when it was not due or not ours)."""
    delivery = delivery_of(client, message_id)
    with schema_context(client.schema_name):
        return delivery_send(delivery_id=delivery.pk)


def reply_to_new_mail(client, agent, *, text="Dobrý den, pošleme nové boty.", now=None):
    """An agent's reply to a new e-mail (tests.support.mail.email) at ``client``."""
    filed = email_file_raw(email())
    with in_schema(client):
        return conversation_reply(
            client=client, conversation_id=filed.conversation_id, agent=agent, text=text, now=now
        )


@pytest.fixture
def broker_down():
    """Tasks go to a broker that nobody answers (a closed port), as in an outage."""
    conf = app.conf
    saved = conf.broker_write_url, conf.task_always_eager
    conf.broker_write_url, conf.task_always_eager = f"redis://127.0.0.1:{free_port()}/0", False
    app._pool = None
    app.amqp._producer_pool = None
    yield
    conf.broker_write_url, conf.task_always_eager = saved
    app._pool = None
    app.amqp._producer_pool = None
