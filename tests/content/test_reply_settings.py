"""The content admin refuses unknown placeholders (a typo is found where the text is
written, not by the agent sending it) and edits the client's signature and order-number
pattern, one row per client."""

import pytest
from django.test import Client as HttpClient

from accounts.models import User
from content.models import CannedReply, ReplySettings
from tests.support.factories import UserFactory
from tests.support.tenancy import host_of, in_schema

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_site(two_clients):
    http = HttpClient(HTTP_HOST=host_of(two_clients.a))
    http.force_login(UserFactory(role=User.Role.ADMIN, is_staff=True, is_superuser=True))
    return http


def test_a_canned_reply_with_an_unknown_placeholder_is_refused(admin_site, two_clients):
    data = {
        "key": "late",
        "category": "delivery",
        "active": "on",
        "title_cs": "Zpoždění",
        "body_cs": 'Objednávka {ordr_number} je na cestě. JSON: {"a": 1}',
    }
    refused = admin_site.post("/admin/content/cannedreply/add/", data)
    assert refused.status_code == 200
    assert "Unknown placeholder(s): ordr_number." in refused.text
    data["body_cs"] = 'Objednávka {order_number} je na cestě. JSON: {"a": 1}'
    assert admin_site.post("/admin/content/cannedreply/add/", data).status_code == 302
    with in_schema(two_clients.a):
        assert CannedReply.objects.get(key="late").body_cs.startswith("Objednávka {order_number}")


def test_the_signature_and_the_order_pattern_are_edited_once_per_client(admin_site, two_clients):
    form = admin_site.get("/admin/content/replysettings/add/")
    assert (
        form.status_code == 200 and "signature_cs" in form.text and "signature_pl" not in form.text
    )
    data = {
        "signature_channels": ["email", "chat"],
        "order_number_pattern": r"\b20\d{2}-\d{4}\b",
        "signature_cs": "S pozdravem {agent_name}\n{order_number}",
    }
    refused = admin_site.post("/admin/content/replysettings/add/", data)
    assert "Unknown placeholder(s): order_number." in refused.text  # not known when signing
    bad_pattern = admin_site.post(
        "/admin/content/replysettings/add/",
        {**data, "order_number_pattern": "(", "signature_cs": ""},
    )
    assert "Not a regular expression" in bad_pattern.text
    empty_match = admin_site.post(
        "/admin/content/replysettings/add/",
        {**data, "order_number_pattern": r"\d*", "signature_cs": ""},
    )
    assert "matches an empty text" in empty_match.text
    backtracking = admin_site.post(
        "/admin/content/replysettings/add/",
        {**data, "order_number_pattern": r"(\d|\d\d)+$", "signature_cs": ""},
    )
    assert "takes too long on a long text" in backtracking.text

    data["signature_cs"] = "S pozdravem {agent_name}, {shop_name}"
    assert admin_site.post("/admin/content/replysettings/add/", data).status_code == 302
    with in_schema(two_clients.a):
        saved = ReplySettings.objects.get()
    assert saved.signature_channels == ["email", "chat"]
    assert saved.signature_cs == "S pozdravem {agent_name}, {shop_name}"
    assert admin_site.get("/admin/content/replysettings/add/").status_code == 403  # one row
