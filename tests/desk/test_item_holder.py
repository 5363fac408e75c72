"""Only the agent who holds an item acts on it from the desk."""

import pytest
from django.test import Client as HttpClient

from routing.models import WorkItem
from tests.support.routing import czech, queued

pytestmark = pytest.mark.django_db


def test_only_the_items_agent_answers_it(two_clients):
    owner, other = czech(two_clients), czech(two_clients)
    item = queued(two_clients.a, 20)
    WorkItem.objects.filter(pk=item.pk).update(
        source_kind="conversation", agent=owner, status="assigned"
    )
    http = HttpClient(HTTP_HOST="localhost")
    http.force_login(other)
    assert http.post(f"/desk/items/{item.pk}/reply", {"text": "x"}).status_code == 403
    assert http.post(f"/desk/items/{item.pk}/language", {"language": "sk"}).status_code == 403
