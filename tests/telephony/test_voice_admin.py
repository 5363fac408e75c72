"""The client's menus, settings and calls in its own admin (its domain, /admin/)."""

import pytest
from django.test import Client as HttpClient

from accounts.models import User
from telephony.voice.models import Call, Menu, OutboundCall
from tests.support.factories import UserFactory
from tests.support.tenancy import host_of, in_schema
from tests.support.voice import CZ_NUMBER

pytestmark = pytest.mark.django_db


def admin_client(client) -> HttpClient:
    http = HttpClient(HTTP_HOST=host_of(client))
    http.force_login(UserFactory(role=User.Role.ADMIN, is_staff=True, is_superuser=True))
    return http


def test_an_agency_admin_edits_a_menu_with_its_prompt_in_the_clients_languages(voice):
    http = admin_client(voice.client)
    main = voice.menus["main"]
    page = http.get(f"/admin/voice/menu/{main.pk}/change/")
    assert page.status_code == 200
    assert b'name="prompt_cs"' in page.content and b'name="prompt_sk"' in page.content
    assert b'name="prompt_pl"' not in page.content  # not a language of this client
    assert b'name="options-0-message_cs"' in page.content


def test_calls_are_listed_read_only(voice):
    voice.call("CA1")
    http = admin_client(voice.client)
    listing = http.get("/admin/voice/call/")
    assert listing.status_code == 200 and CZ_NUMBER.encode() in listing.content
    with in_schema(voice.client):
        call = Call.objects.get()
    assert http.get("/admin/voice/call/add/").status_code == 403
    assert (
        http.post(f"/admin/voice/call/{call.pk}/change/", {"outcome": "answered"}).status_code
        == 403
    )


def test_calls_back_are_listed_read_only(voice):
    voice.call("CA1")
    with in_schema(voice.client):
        call = Call.objects.get()
        outbound = OutboundCall.objects.create(
            call=call,
            agent=UserFactory(role=User.Role.AGENT),
            started_at=call.ringing_at,
            agent_call_sid="CA-agent-leg",
            customer_call_sid="CA-customer-leg",
            status="completed",
            talk_seconds=125,
        )
    http = admin_client(voice.client)
    listing = http.get("/admin/voice/outboundcall/")
    assert listing.status_code == 200 and b"completed" in listing.content
    assert http.get("/admin/voice/outboundcall/?q=CA-customer-leg").content.count(b"125") == 1
    assert http.get("/admin/voice/outboundcall/add/").status_code == 403
    changed = http.post(f"/admin/voice/outboundcall/{outbound.pk}/change/", {"status": "busy"})
    assert changed.status_code == 403
    deleted = http.post(f"/admin/voice/outboundcall/{outbound.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 403
    with in_schema(voice.client):
        assert OutboundCall.objects.get().status == "completed"


def test_another_clients_menu_is_not_found_on_its_admin(voice):
    main = voice.menus["main"]
    http = admin_client(voice.other)
    # Django admin answers a missing object with a redirect to the index ("does not exist").
    response = http.get(f"/admin/voice/menu/{main.pk}/change/")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    with in_schema(voice.other):
        assert not Menu.objects.filter(pk=main.pk).exists()


def test_a_client_user_of_b_gets_404_on_as_admin(voice):
    http = HttpClient(HTTP_HOST=host_of(voice.client))
    http.force_login(UserFactory(role=User.Role.CLIENT, client=voice.other))
    assert http.get("/admin/voice/menu/").status_code == 404


def test_an_option_must_be_complete_and_name_a_known_language(voice):
    from django.core.exceptions import ValidationError

    from telephony.voice.models import Option

    with in_schema(voice.client):
        main = voice.menus["main"]
        for bad in [
            Option(menu=main, key="7", action="submenu"),  # no target
            Option(menu=main, key="7", action="transfer"),  # no number
            Option(menu=main, key="7", action="transfer", transfer_to="0221234567"),
            Option(menu=main, key="7", action="language", language="xx"),
            Option(menu=main, key="1", action="repeat"),  # key 1 is taken
        ]:
            with pytest.raises(ValidationError):
                bad.full_clean()
        Option(menu=main, key="7", action="language", language="sk", target=main).full_clean()
