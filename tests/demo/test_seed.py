import base64
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client as HttpClient
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from content.selectors import canned_replies_in_language
from conversations.acknowledgements import acknowledgement_text
from conversations.attachments import attachment_open
from conversations.models import Attachment, Conversation, Message
from customers.models import Customer
from demo.cast import DEMO_CLIENTS, DEMO_PASSWORD
from demo.seed import DEMO_SLA_TARGETS
from desk.selectors.wall import show_filters
from hours.models import ResolutionClock
from hours.selectors import client_calendar
from orders.credentials import credentials_decrypt
from orders.models import ShopConnection
from routing.models import WorkItem
from tenants.models import Client
from tests.support.desk import signed_in
from tests.support.tenancy import host_of, in_schema
from tests.support.two_factor import totp_code

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_clients_in_several_languages_and_can_run_twice(demo_seeded):
    out = demo_seeded.output  # of two runs

    demo = Client.objects.filter(slug__in=[d.slug for d in DEMO_CLIENTS])
    assert demo.count() == len(DEMO_CLIENTS) >= 2
    languages = {code for client in demo for code in client.languages}
    assert {"cs", "sk", "pl", "de", "hu", "en"} <= languages
    for client in demo:
        with in_schema(client):
            # 40 customers, 25 in the month's history, 8 who wrote live, 2 who sent files,
            # 3 whose answers are sent, refused and bounced, and the unknown sender of an
            # unreadable message; not doubled. The order updates of the shops' customers
            # (demo.order_updates) are conversations of their own, counted there.
            assert Customer.objects.count() == 79
            contacts = Conversation.objects.exclude(channel="call").filter(proactive=False)
            assert contacts.count() == 74
            assert Message.objects.exclude(unreadable_reason="").count() == 1
            assert Conversation.objects.filter(reopen_count__gt=0).exists()
            unresolved = set(
                Conversation.objects.exclude(status="resolved").values_list("pk", flat=True)
            )
            # A reopening is the customer writing again: a second item, answered and done.
            reopened = Conversation.objects.filter(reopen_count__gt=0)
            assert not reopened.exclude(status="resolved").exists()
            reopenings = reopened.count()
            assert Message.objects.filter(conversation__in=reopened, direction="in").count() == (
                2 * reopenings
            )
        # Resolved history stops its resolution clock; reopened and live work keep one running.
        running = ResolutionClock.objects.filter(client=client, resolved_at__isnull=True)
        assert set(running.values_list("conversation_id", flat=True)) == unresolved
        assert WorkItem.objects.filter(client=client, status="waiting").count() == 14
        done = WorkItem.objects.filter(client=client, status="done")
        assert done.count() == 60 + reopenings
        assert not done.filter(responded_at__isnull=True).exists()
        # Nothing open that no one can see: every unresolved conversation has open work.
        waiting = WorkItem.objects.filter(client=client, source_kind="conversation")
        assert unresolved <= set(waiting.exclude(status="done").values_list("source_id", flat=True))
    assert User.objects.filter(role=User.Role.AGENT).count() >= 3
    assert "bohemia-shoes-manager / polydesk-demo" in out
    assert "http://bohemia-shoes.localhost:8000/" in out


def test_a_printed_demo_login_opens_its_portal(demo_seeded):
    client = Client.objects.get(slug="wisla-sport")
    http = HttpClient(HTTP_HOST=host_of(client))
    response = http.post(
        "/accounts/login/", {"username": "wisla-sport-manager", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert "Wisła Sport" in http.get("/").text


def test_the_demo_content_shows_the_language_fallback(demo_seeded):
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


def test_the_demo_has_emails_with_a_photo_and_a_pdf_on_the_desk_and_the_portal(demo_seeded):
    # Seeded twice: the files are not doubled.
    bohemia = Client.objects.get(slug="bohemia-shoes")
    with in_schema(bohemia):
        files = list(
            Attachment.objects.filter(message__external_id__startswith="demo-files-").order_by(
                "message_id", "id"
            )
        )
        assert [(f.filename, f.content_type) for f in files] == [
            ("krabice.png", "image/png"),
            ("účtenka-2026-1042.pdf", "application/pdf"),
            ("balik.png", "image/png"),
            ("doklad-2026-2210.pdf", "application/pdf"),
        ]
        for file in files:
            with attachment_open(file) as stored:
                head = stored.read(8)
            assert head.startswith(b"\x89PNG" if file.content_type == "image/png" else b"%PDF")
        conversation_id = files[0].message.conversation_id
    item = WorkItem.objects.get(
        client=bohemia, source_kind="conversation", source_id=conversation_id
    )
    jana = User.objects.get(username="jana")
    page = signed_in(jana).get(f"/desk/items/{item.pk}").text
    assert "krabice.png" in page and "účtenka-2026-1042.pdf" in page and "<img " in page
    manager = HttpClient(HTTP_HOST=host_of(bohemia))
    manager.post(
        "/accounts/login/", {"username": "bohemia-shoes-manager", "password": DEMO_PASSWORD}
    )
    assert "účtenka-2026-1042.pdf" in manager.get(f"/conversations/{conversation_id}/").text


def test_the_demos_waiting_work_is_due_by_its_clients_promise_past_at_risk_and_later(
    demo_seeded,
):
    now = timezone.now()
    shows = show_filters(now)
    demo = Client.objects.filter(slug__in=[d.slug for d in DEMO_CLIENTS])
    waiting = WorkItem.objects.filter(
        client__in=demo, status__in=WorkItem.OPEN_STATUSES, source_kind="conversation"
    )
    assert not waiting.filter(due_at__isnull=True).exists()
    # The wall's mix over the demo clients (e-mail at risk stays so for about an hour).
    assert waiting.filter(shows["breached"]).count() >= len(DEMO_CLIENTS)
    assert waiting.filter(shows["at_risk"]).exists()
    assert waiting.filter(due_at__gt=now, warn_at__gt=now).count() >= len(DEMO_CLIENTS)
    # Each live conversation's due time is its client's promise counted by intake.
    for client in demo:
        with in_schema(client):
            live = Conversation.objects.filter(
                messages__external_id__startswith="demo-live-"
            ).select_related("customer")
            for conversation in live:
                item = waiting.get(client=client, source_id=conversation.pk)
                hours = DEMO_SLA_TARGETS.get(conversation.channel, DEMO_SLA_TARGETS[""])
                calendar = client_calendar(
                    client, country=conversation.customer.country, language=conversation.language
                )
                assert item.due_at == calendar.add_business_hours(
                    conversation.created_at, hours["first_response_hours"]
                )
                assert item.due_at == conversation.first_response_due_at


def test_the_demo_audit_log_shows_people_and_the_system_once(demo_seeded):
    """Seeded twice: the managers' and agents' events once, the billing step's plans and
    invoices (the system's) too; the manager reads them on the portal."""
    client = Client.objects.get(slug="bohemia-shoes")
    manager = User.objects.get(username="bohemia-shoes-manager")
    mine = AuditEvent.objects.filter(client=client)
    assert mine.filter(actor=manager, action=AuditEvent.Action.SIGNED_IN).count() == 1
    assert mine.filter(action=AuditEvent.Action.CONVERSATION_VIEWED).count() == 2
    assert mine.filter(action=AuditEvent.Action.PRICE_PLAN_CHANGED, actor=None).exists()
    http = HttpClient(HTTP_HOST=host_of(client))
    http.force_login(manager)
    page = http.get("/audit/")
    assert page.status_code == 200 and "jana" in page.text


def test_the_demo_admin_signs_in_with_the_printed_key(demo_seeded):
    out = demo_seeded.output
    key = re.search(r"key \(base32\) ([A-Z2-7]+)", out)[1]
    assert f"otpauth://totp/Polydesk%3Aadmin?secret={key}" in out
    assert f"oathtool --totp -b {key}" in out
    http = HttpClient(HTTP_HOST="localhost")
    response = http.post("/accounts/login/", {"username": "admin", "password": DEMO_PASSWORD})
    assert response["Location"] == "/accounts/two-factor/code/"  # not enrolment: it has one
    key_hex = base64.b32decode(key + "=" * (-len(key) % 8)).hex()
    device = User.objects.get(username="admin").totpdevice_set.get()
    code = totp_code(key_hex, last_t=device.last_t)
    assert http.post("/accounts/two-factor/code/", {"code": code})["Location"] == "/"
    # The agents keep signing in with the password only.
    agent = HttpClient(HTTP_HOST="localhost")
    agent_name = User.objects.filter(role=User.Role.AGENT, is_staff=False).first().username
    response = agent.post("/accounts/login/", {"username": agent_name, "password": DEMO_PASSWORD})
    assert response["Location"] == "/"


def test_the_slovenian_demo_client_answers_in_slovenian_and_croatian(demo_seeded):
    alpska = Client.objects.get(slug="alpska-oprema")
    assert (alpska.default_language, alpska.currency, alpska.time_zone) == (
        "sl",
        "EUR",
        "Europe/Ljubljana",
    )
    # Billed to its Swiss parent: the demo's client outside the EU (VAT outside the scope).
    assert (alpska.billing_country, alpska.vat_id) == ("CH", "CHE116281704MWST")
    mateja = User.objects.get(username="mateja")
    assert mateja.language == "sl" and alpska in mateja.served_clients.all()
    with in_schema(alpska):
        for language, greeting in [("sl", "Pozdravljeni"), ("hr", "Dobar dan")]:
            conversation = Conversation.objects.filter(language=language).first()
            assert conversation is not None, language
            text = acknowledgement_text(client=alpska, conversation=conversation)
            assert text is not None and text.body.startswith(greeting), text
            # A customer known only by an address: no name, and no stray comma for it.
            assert conversation.customer.name in text.body and ",," not in text.body
    # The portal manager reads it in Slovenian (the interface follows the user's language).
    http = HttpClient(HTTP_HOST=host_of(alpska))
    response = http.post(
        "/accounts/login/", {"username": "alpska-oprema-manager", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    page = http.get("/").text
    assert '<html lang="sl">' in page and "Alpska oprema" in page


def test_two_demo_clients_have_a_fake_shop(demo_seeded):
    for slug, platform in (("bohemia-shoes", "shopify"), ("wisla-sport", "woocommerce")):
        with in_schema(Client.objects.get(slug=slug)):
            connection = ShopConnection.objects.get()
            assert connection.platform == platform
            assert connection.shop_url == f"http://127.0.0.1:{settings.DEMO_SHOP_PORT}"
            assert credentials_decrypt(connection.credentials_encrypted)
