"""The portal's Webhooks page (portal.webhooks): every portal user reads the endpoints and
the deliveries' log; managers add an endpoint (its secret shown once), resume, remove and
replay; viewers get 403 for those; another client's ids are 404; no inline script or style."""

from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.utils import timezone
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from accounts.models import User
from audit.models import AuditEvent
from outbox.models import Delivery
from outbox.services import delivery_send
from tests.support.csp import policy_problems
from tests.support.factories import UserFactory
from tests.support.tenancy import host_of, in_schema
from tests.support.webhook_receiver import Receiver
from webhooks.models import Endpoint, WebhookDelivery
from webhooks.services import endpoint_create, event_record

pytestmark = pytest.mark.django_db

URL = "https://shop.example/hooks"


def portal(client, role) -> HttpClient:
    http = HttpClient(HTTP_HOST=host_of(client))
    http.force_login(UserFactory(role=User.Role.CLIENT, client=client, portal_role=role))
    return http


def add(http, url=URL, events=("conversation.created", "invoice.issued")):
    return http.post("/webhooks/", {"url": url, "description": "ERP", "events": list(events)})


def test_a_manager_adds_an_endpoint_and_sees_its_secret_once(two_clients):
    manager = portal(two_clients.a, User.PortalRole.MANAGER)
    added = add(manager)
    assert added.status_code == 201 and added["Cache-Control"] == "no-store"
    with in_schema(two_clients.a):
        endpoint = Endpoint.objects.get()
    assert endpoint.events == ["conversation.created", "invoice.issued"]
    assert endpoint.secret in added.content.decode()
    page = manager.get("/webhooks/")
    assert page.status_code == 200
    html = page.content.decode()
    assert URL in html and endpoint.secret not in html
    assert policy_problems("/webhooks/", page) == []
    assert 'id="new-endpoint"' in html


def test_an_address_or_events_the_form_refuses(two_clients):
    manager = portal(two_clients.a, User.PortalRole.MANAGER)
    assert add(manager, url="ftp://shop.example/x").status_code == 400
    assert add(manager, events=()).status_code == 400
    assert add(manager, events=("order.shipped",)).status_code == 400
    with in_schema(two_clients.a):
        assert not Endpoint.objects.exists()


def test_a_viewer_reads_the_page_but_changes_nothing(two_clients):
    with in_schema(two_clients.a):
        endpoint = endpoint_create(url=URL, events=["invoice.issued"])
        event_record(client=two_clients.a, event_type="invoice.issued", data={"invoice_id": 1})
        delivery = WebhookDelivery.objects.get()
    viewer = portal(two_clients.a, User.PortalRole.VIEWER)
    page = viewer.get("/webhooks/")
    assert page.status_code == 200
    html = page.content.decode()
    assert URL in html and "invoice.issued" in html and delivery.message_id in html
    assert 'id="new-endpoint"' not in html and "/replay/" not in html
    assert policy_problems("/webhooks/", page) == []
    assert add(viewer).status_code == 403
    assert viewer.post(f"/webhooks/{endpoint.pk}/remove/").status_code == 403
    assert viewer.post(f"/webhooks/deliveries/{delivery.pk}/replay/").status_code == 403
    with in_schema(two_clients.a):
        assert Endpoint.objects.count() == 1 and WebhookDelivery.objects.count() == 1


def test_a_manager_replays_resumes_and_removes(two_clients):
    client = two_clients.a
    with in_schema(client):
        endpoint = endpoint_create(url=URL, events=["invoice.issued"])
        event_record(client=client, event_type="invoice.issued", data={"invoice_id": 1})
        delivery = WebhookDelivery.objects.get()
        Endpoint.objects.filter(pk=endpoint.pk).update(state="paused", pause_reason="x")
    manager = portal(client, User.PortalRole.MANAGER)
    # Paused: a replay is refused until it is resumed.
    assert manager.post(f"/webhooks/deliveries/{delivery.pk}/replay/").status_code == 302
    assert Delivery.objects.filter(client=client, channel="webhook").count() == 1
    assert manager.post(f"/webhooks/{endpoint.pk}/resume/").status_code == 302
    assert manager.post(f"/webhooks/deliveries/{delivery.pk}/replay/").status_code == 302
    assert Delivery.objects.filter(client=client, channel="webhook").count() == 2
    with in_schema(client):
        assert WebhookDelivery.objects.filter(replay_of=delivery).count() == 1
    assert manager.post(f"/webhooks/{endpoint.pk}/remove/").status_code == 302
    with in_schema(client):
        assert not Endpoint.objects.exists()


def test_another_clients_ids_are_not_found(two_clients):
    with in_schema(two_clients.a):
        endpoint = endpoint_create(url=URL, events=["invoice.issued"])
        event_record(client=two_clients.a, event_type="invoice.issued", data={"invoice_id": 1})
        delivery = WebhookDelivery.objects.get()
    other = portal(two_clients.b, User.PortalRole.MANAGER)
    with in_schema(two_clients.b):
        assert not Endpoint.objects.filter(pk=endpoint.pk).exists()
    assert other.post(f"/webhooks/{endpoint.pk}/remove/").status_code == 404
    assert other.post(f"/webhooks/{endpoint.pk}/resume/").status_code == 404
    assert other.post(f"/webhooks/deliveries/{delivery.pk}/replay/").status_code == 404
    assert URL not in other.get("/webhooks/").content.decode()
    with in_schema(two_clients.a):
        assert Endpoint.objects.filter(pk=endpoint.pk).exists()


def test_a_manager_rotates_the_secret_both_sign_for_a_day_then_the_new_one_only(
    two_clients, settings
):
    """The new secret is shown once; for 24 hours each delivery carries a signature with
    each secret (either verifies with standardwebhooks), then the old one is dropped. The
    rotation is in the client's audit log; a viewer and another client cannot rotate."""
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    client = two_clients.a
    receiver = Receiver()
    try:
        with in_schema(client):
            endpoint = endpoint_create(url=receiver.url, events=["invoice.issued"])
        old = endpoint.secret
        viewer = portal(client, User.PortalRole.VIEWER)
        assert viewer.post(f"/webhooks/{endpoint.pk}/rotate/").status_code == 403
        assert (
            portal(two_clients.b, User.PortalRole.MANAGER)
            .post(f"/webhooks/{endpoint.pk}/rotate/")
            .status_code
            == 404
        )
        manager = portal(client, User.PortalRole.MANAGER)
        rotated = manager.post(f"/webhooks/{endpoint.pk}/rotate/")
        assert rotated.status_code == 200 and rotated["Cache-Control"] == "no-store"
        with in_schema(client):
            endpoint.refresh_from_db()
        new = endpoint.secret
        assert new != old and new in rotated.content.decode()
        assert old not in rotated.content.decode()
        assert endpoint.previous_secret == old
        page = manager.get("/webhooks/").content.decode()
        assert new not in page and "The previous secret also signs until" in page
        assert policy_problems("/webhooks/", rotated) == []

        def deliver():
            with in_schema(client):
                event_record(client=client, event_type="invoice.issued", data={"invoice_id": 2})
            row = Delivery.objects.filter(client=client, state="queued").get()
            with in_schema(client):
                assert delivery_send(delivery_id=row.pk) == "sent"
            return receiver.received[-1]

        during = deliver()
        assert len(during.headers["webhook-signature"].split(" ")) == 2
        for secret in (new, old):
            assert Webhook(secret).verify(during.body, during.headers)["data"]["invoice_id"] == 2
        with in_schema(client):
            Endpoint.objects.filter(pk=endpoint.pk).update(
                previous_secret_until=timezone.now() - timedelta(seconds=1)
            )
        after = deliver()
        assert len(after.headers["webhook-signature"].split(" ")) == 1
        Webhook(new).verify(after.body, after.headers)
        with pytest.raises(WebhookVerificationError):
            Webhook(old).verify(after.body, after.headers)
        with in_schema(client):
            endpoint.refresh_from_db()
        assert (endpoint.previous_secret, endpoint.previous_secret_until) == ("", None)
    finally:
        receiver.stop()
    [event] = AuditEvent.objects.filter(client_id=client.pk, object_type="webhook_endpoint")
    assert event.action == AuditEvent.Action.CLIENT_SETTINGS_CHANGED
    assert event.details["change"] == "secret_rotated" and event.object_id == str(endpoint.pk)
    assert old not in str(event.details) and new not in str(event.details)
