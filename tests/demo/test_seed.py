import pytest
from django.core.management import call_command
from django.test import Client as HttpClient

from accounts.models import User
from content.selectors import canned_replies_in_language
from conversations.models import Conversation
from customers.models import Customer
from demo.seed import DEMO_CLIENTS, DEMO_PASSWORD
from routing.models import ResolutionClock, WorkItem
from tenants.models import Client
from tests.conftest import host_of, in_schema

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_clients_in_several_languages_and_can_run_twice(two_clients, capsys):
    call_command("seed_demo", force=True)
    call_command("seed_demo", force=True)
    out = capsys.readouterr().out

    demo = Client.objects.filter(slug__in=[d.slug for d in DEMO_CLIENTS])
    assert demo.count() == len(DEMO_CLIENTS) >= 2
    languages = {code for client in demo for code in client.languages}
    assert {"cs", "sk", "pl", "de", "hu", "en"} <= languages
    for client in demo:
        with in_schema(client):
            # 40 customers, 25 in the month's history, 8 who wrote live; not doubled.
            assert Customer.objects.count() == 73
            assert Conversation.objects.exclude(channel="call").count() == 68
            assert Conversation.objects.filter(reopen_count__gt=0).exists()
            unresolved = set(Conversation.objects.exclude(status="resolved")
                             .values_list("pk", flat=True))  # fmt: skip
        # Resolved history stops its resolution clock; reopened and live work keep one running.
        running = ResolutionClock.objects.filter(client=client, resolved_at__isnull=True)
        assert set(running.values_list("conversation_id", flat=True)) == unresolved
        assert WorkItem.objects.filter(client=client, status="waiting").count() == 8
        assert WorkItem.objects.filter(client=client, status="done").count() == 60
    assert User.objects.filter(role=User.Role.AGENT).count() >= 3
    assert "bohemia-shoes-manager / polydesk-demo" in out
    assert "http://bohemia-shoes.localhost:8000/" in out


def test_a_printed_demo_login_opens_its_portal(two_clients):
    call_command("seed_demo", force=True)
    client = Client.objects.get(slug="wisla-sport")
    http = HttpClient(HTTP_HOST=host_of(client))
    response = http.post(
        "/accounts/login/", {"username": "wisla-sport-manager", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert "Wisła Sport" in http.get("/").text


def test_the_demo_content_shows_the_language_fallback(two_clients):
    call_command("seed_demo", force=True)
    bohemia = Client.objects.get(slug="bohemia-shoes")
    with in_schema(bohemia):
        views = {view.key: view for view in canned_replies_in_language("sk")}
    assert views["delivery-delay"].body.language == "sk"
    refund = views["refund-issued"].body  # left out in Slovak on purpose
    assert (refund.language, refund.fallback) == ("cs", True)


def test_the_demo_refuses_to_seed_a_production_database(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG=1"):
        call_command("seed_demo")
