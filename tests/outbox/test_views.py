"""Delivery states where people look: the desk thread (with Retry), the supervisor wall
across clients, the client's portal; and a reply answered 2xx while the broker is down."""

import pytest
from django.test import Client as HttpClient

from accounts.models import User
from config.celery import app
from outbox.models import Delivery
from outbox.services import deliveries_sweep
from tests.support.desk import agent_with, held_by, inbound, signed_in
from tests.support.factories import PASSWORD, UserFactory
from tests.support.outbox import delivery_of, send_now
from tests.support.smtp_sink import Sink, mailers_for, sink_start
from tests.support.tenancy import host_of, in_schema

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed_reply(two_clients, settings):
    """An agent's e-mail reply the mail server refused for good."""
    sink = Sink(reply="550 5.1.1 <vera@customer.example>: no such user")
    controller = sink_start(sink)
    settings.MAILERS = mailers_for(controller.port)
    agent = agent_with([two_clients.a], {"cs": "native"})
    conversation, item = inbound(
        two_clients.a, "Dobrý den, boty jsou rozbité.", "vera@customer.example"
    )
    held_by(item, agent)
    http = signed_in(agent)
    response = http.post(f"/desk/items/{item.pk}/reply", {"text": "Pošleme nové."})
    assert response.status_code == 302
    with in_schema(two_clients.a):
        reply = conversation.messages.get(direction="out")
    assert send_now(two_clients.a, reply.pk) == "failed"
    yield agent, item, reply, sink
    controller.stop()


def test_the_thread_shows_the_failure_with_its_reason_and_retry_sends_it(failed_reply, two_clients):
    agent, item, reply, sink = failed_reply
    page = signed_in(agent).get(f"/desk/items/{item.pk}").content.decode()
    delivery = delivery_of(two_clients.a, reply.pk)
    assert f'data-delivery="{delivery.pk}"' in page and "no such user" in page
    assert f"/desk/deliveries/{delivery.pk}/retry" in page

    sink.reply = "250 OK"
    strict = HttpClient(HTTP_HOST="localhost", enforce_csrf_checks=True)
    strict.force_login(agent)
    assert strict.post(f"/desk/deliveries/{delivery.pk}/retry").status_code == 403  # no CSRF
    assert signed_in(agent).get(f"/desk/deliveries/{delivery.pk}/retry").status_code == 405
    outsider = agent_with([two_clients.b], {"pl": "native"})
    assert signed_in(outsider).post(f"/desk/deliveries/{delivery.pk}/retry").status_code == 404
    assert delivery_of(two_clients.a, reply.pk).state == "failed"

    back = f"/desk/items/{item.pk}"
    response = signed_in(agent).post(f"/desk/deliveries/{delivery.pk}/retry", {"next": back})
    assert (response.status_code, response["Location"]) == (302, back)
    assert delivery_of(two_clients.a, reply.pk).state == "queued"
    assert send_now(two_clients.a, reply.pk) == "sent"
    assert sink.message_ids() == [reply.external_id]
    foreign = signed_in(agent).post(
        f"/desk/deliveries/{delivery.pk}/retry", {"next": "https://evil.example/"}
    )
    assert foreign["Location"] == "/"


def test_the_wall_lists_what_was_not_delivered_for_supervisors_only(failed_reply, two_clients):
    agent, _, reply, _ = failed_reply
    delivery = delivery_of(two_clients.a, reply.pk)
    assert signed_in(agent).get("/desk/wall").status_code == 403  # the wall is a role's page
    supervisor = agent_with([two_clients.a], {"cs": "native"}, is_staff=True)
    page = signed_in(supervisor).get("/desk/wall").content.decode()
    table = page[page.index('id="wall-undelivered"') :]
    assert two_clients.a.name in table and "no such user" in table
    assert f"/desk/deliveries/{delivery.pk}/retry" in table
    assert "/desk/items/" in table


def test_the_portal_shows_the_client_what_the_customer_did_not_receive(failed_reply, two_clients):
    _, _, reply, _ = failed_reply
    user = UserFactory(role=User.Role.CLIENT, client=two_clients.a)
    http = HttpClient(HTTP_HOST=host_of(two_clients.a))
    assert http.login(username=user.username, password=PASSWORD)
    page = http.get(f"/conversations/{reply.conversation_id}/").content.decode()
    assert "delivery-failed" in page and "no such user" in page
    assert "/retry" not in page  # the client reads; the agency acts


def test_a_reply_while_the_broker_is_down_is_answered_and_sent_by_the_sweep(
    two_clients, settings, broker_down, django_capture_on_commit_callbacks
):
    sink = Sink()
    controller = sink_start(sink)
    settings.MAILERS = mailers_for(controller.port)
    agent = agent_with([two_clients.a], {"cs": "native"})
    conversation, item = inbound(two_clients.a, "Dobrý den, kde je balík?", "eva@example.cz")
    held_by(item, agent)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = signed_in(agent).post(f"/desk/items/{item.pk}/reply", {"text": "Zítra."})
        assert response.status_code == 302
        with in_schema(two_clients.a):
            reply = conversation.messages.get(direction="out")
        delivery = delivery_of(two_clients.a, reply.pk)
        # Not on its way: the sweep's to send.
        assert (delivery.state, delivery.dispatched_at) == ("queued", None)
        assert deliveries_sweep() == 0  # still down: the sweep stops at the first refusal
        app.conf.task_always_eager = True  # the broker is back (tasks run in place here)
        assert deliveries_sweep() == 1
        assert Delivery.objects.get(pk=delivery.pk).state == "sent"
        assert sink.message_ids() == [reply.external_id]
    finally:
        controller.stop()


def test_odd_replies_and_addresses_never_get_a_500(two_clients, settings):
    sink = Sink()
    controller = sink_start(sink)
    settings.MAILERS = mailers_for(controller.port)
    agent = agent_with([two_clients.a], {"cs": "native"})
    conversation, item = inbound(
        two_clients.a, "Dobrý den, kde je balík?", "eva@example.cz\r\nBcc: all@example.cz"
    )
    held_by(item, agent)
    http = signed_in(agent)
    try:
        assert http.post(f"/desk/items/{item.pk}/reply", {"text": "\x00 "}).status_code == 400
        answer = http.post(f"/desk/items/{item.pk}/reply", {"text": "Zítra.\x00 Díky"})
        assert answer.status_code == 302
        with in_schema(two_clients.a):
            reply = conversation.messages.get(direction="out")
        assert reply.body_text == "Zítra. Díky"
        # An address a header cannot carry fails for good, with the reason; nothing is sent.
        assert send_now(two_clients.a, reply.pk) == "failed"
        assert "Unusable address" in delivery_of(two_clients.a, reply.pk).last_error
        assert sink.received == []
    finally:
        controller.stop()
