"""The agency's admin lists deliveries read only, filtered by state."""

import pytest

from accounts.models import User
from outbox.models import Delivery
from tenants.models import InboundAddress
from tests.support.desk import signed_in
from tests.support.factories import UserFactory
from tests.support.outbox import reply_to_new_mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailbox(two_clients):
    InboundAddress.objects.create(
        client=two_clients.a, address="podpora@obuv.example", country="CZ"
    )
    return two_clients.a


def test_deliveries_are_listed_by_state_and_cannot_be_changed(mailbox):
    admin = UserFactory(role=User.Role.ADMIN, is_staff=True, is_superuser=True)
    reply = reply_to_new_mail(mailbox, admin)
    delivery = Delivery.objects.get(client=mailbox, message_id=reply.pk)
    http = signed_in(admin)
    queued = http.get("/admin/outbox/delivery/?state__exact=queued").content.decode()
    assert f"/admin/outbox/delivery/{delivery.pk}/change/" in queued
    failed = http.get("/admin/outbox/delivery/?state__exact=failed").content.decode()
    assert f"/admin/outbox/delivery/{delivery.pk}/change/" not in failed
    change = http.post(f"/admin/outbox/delivery/{delivery.pk}/change/", {"state": "sent"})
    assert change.status_code == 403
    delivery.refresh_from_db()
    assert delivery.state == "queued"
