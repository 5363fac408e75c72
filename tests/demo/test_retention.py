"""The demo's retention rule: one client has one, its portal page shows it."""

import pytest
from django.test import Client as HttpClient

from demo.cast import DEMO_CLIENTS, DEMO_PASSWORD
from demo.retention import DEMO_RETENTION_CLIENT
from retention.models import RetentionRule
from tenants.models import Client
from tests.support.tenancy import host_of

pytestmark = pytest.mark.django_db


def test_one_demo_client_has_a_retention_rule_and_its_portal_shows_it(demo_seeded):
    rules = RetentionRule.objects.filter(client__slug__in=[d.slug for d in DEMO_CLIENTS])
    assert [rule.client.slug for rule in rules] == [DEMO_RETENTION_CLIENT]
    assert (rules[0].messages_days, rules[0].recordings_days) == (730, 90)
    assert f"retention of {DEMO_RETENTION_CLIENT}: messages 730 days" in demo_seeded.output
    client = Client.objects.get(slug=DEMO_RETENTION_CLIENT)
    http = HttpClient(HTTP_HOST=host_of(client))
    assert http.login(username=f"{client.slug}-manager", password=DEMO_PASSWORD)
    page = http.get("/privacy/retention/")
    assert page.status_code == 200 and "730" in page.text
