"""A client's managers run its portal users, report recipients and API keys on the portal
(portal.team, accounts.portal_users): the rules (never the last manager, never oneself),
invitations (language, host, expiry), removal ending sessions, and the audit records."""

import re
from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from django.utils import translation

from accounts.models import User
from accounts.portal_users import invitation_tokens, portal_user_invite
from audit.models import AuditEvent
from portal.team import InvitationAcceptView
from reporting.models import ReportSettings
from reporting.services import MAX_REPORT_RECIPIENTS
from tenants.models import ApiKey
from tests.support.factories import PASSWORD, UserFactory
from tests.support.tenancy import host_of, in_schema

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Zelený kůň skáče přes plot 42"
# Someone not signed in reads client A's portal in its default language, Czech.
NO_INVITATION = "Tato pozvánka už neplatí."


def manager_of(client, **fields) -> User:
    return UserFactory(
        role=User.Role.CLIENT, client=client, portal_role=User.PortalRole.MANAGER, **fields
    )


def portal_of(client, user) -> HttpClient:
    http = HttpClient(HTTP_HOST=host_of(client))
    http.force_login(user)
    return http


def invite(http: HttpClient, email: str, role: str = "viewer"):
    return http.post("/team/invite/", {"email": email, "role": role})


def link_in(message) -> str:
    [link] = re.findall(r"https?://\S+", message.body)
    return link


def accept(link: str, host: str, password: str = NEW_PASSWORD):
    """Open the link the way a browser does (a redirect to the set-password page), then
    set the password there."""
    http = HttpClient(HTTP_HOST=host)
    path = link.split(host, 1)[1]
    opened = http.get(path)
    if opened.status_code != 302:
        return opened
    return http.post(opened["Location"], {"new_password1": password, "new_password2": password})


def changes(client, object_type: str) -> list[tuple[str, str]]:
    events = AuditEvent.objects.filter(client=client, object_type=object_type).order_by("pk")
    return [(event.object_label, event.details.get("change", "")) for event in events]


# --- invitations --------------------------------------------------------------------------


def test_a_manager_invites_a_viewer_who_sets_a_password_and_signs_in(
    two_clients, django_capture_on_commit_callbacks
):
    client = two_clients.a
    boss = manager_of(client)
    http = portal_of(client, boss)
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(http, "Nova.Kolegyne@Obuv.example")
    assert response.status_code == 302

    user = User.objects.get(email="nova.kolegyne@obuv.example")
    assert (user.username, user.client, user.portal_role) == (user.email, client, "viewer")
    assert user.is_invited and not user.is_active and not user.has_usable_password()
    [message] = mail.outbox
    assert message.to == [user.email]
    # In the client's language (Czech), with a link on the client's own portal.
    assert message.subject == "Váš přístup do portálu Client A Obuv"
    assert link_in(message).startswith(f"http://{host_of(client)}/accounts/invitation/")

    done = accept(link_in(message), host_of(client))
    assert done.status_code == 302 and done["Location"] == "/accounts/reset/done/"
    user.refresh_from_db()
    assert user.is_active and not user.is_invited and user.check_password(NEW_PASSWORD)
    signed_in = HttpClient(HTTP_HOST=host_of(client))
    login = signed_in.post(
        "/accounts/login/", {"username": user.username, "password": NEW_PASSWORD}
    )
    assert login.status_code == 302
    assert signed_in.get("/team/").status_code == 403  # a viewer
    # The link has done its work: a second use finds no invitation.
    assert NO_INVITATION in accept(link_in(message), host_of(client)).content.decode()
    assert changes(client, "portal_user") == [
        (user.username, "invited"),
        (user.username, "invitation_accepted"),
    ]


def test_an_invitation_opened_on_another_clients_portal_is_no_invitation(
    two_clients, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(portal_of(two_clients.a, manager_of(two_clients.a)), "host@obuv.example")
    link = link_in(mail.outbox[0]).replace(host_of(two_clients.a), host_of(two_clients.b))
    page = accept(link, host_of(two_clients.b))
    assert "To zaproszenie nie jest już ważne." in page.content.decode()  # B speaks Polish
    assert not User.objects.get(email="host@obuv.example").is_active


def test_an_invitation_expires(two_clients, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(portal_of(two_clients.a, manager_of(two_clients.a)), "late@obuv.example")
    link = link_in(mail.outbox[0])
    past_expiry = datetime.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    with mock.patch.object(invitation_tokens, "_now", return_value=past_expiry):
        page = accept(link, host_of(two_clients.a))
    assert NO_INVITATION in page.content.decode()
    assert not User.objects.get(email="late@obuv.example").is_active


def test_a_resent_invitation_replaces_the_earlier_link(
    two_clients, django_capture_on_commit_callbacks
):
    http = portal_of(two_clients.a, manager_of(two_clients.a))
    with django_capture_on_commit_callbacks(execute=True):
        invite(http, "again@obuv.example", role="manager")
    user = User.objects.get(email="again@obuv.example")
    with django_capture_on_commit_callbacks(execute=True):
        assert http.post(f"/team/{user.pk}/resend/").status_code == 302
    first, second = (link_in(message) for message in mail.outbox)
    assert NO_INVITATION in accept(first, host_of(two_clients.a)).content.decode()
    assert accept(second, host_of(two_clients.a)).status_code == 302
    user.refresh_from_db()
    assert user.is_active and user.portal_role == "manager"
    assert [change for _label, change in changes(two_clients.a, "portal_user")] == [
        "invited",
        "invitation_resent",
        "invitation_accepted",
    ]


def test_a_user_removed_while_the_form_is_open_cannot_accept(
    two_clients, django_capture_on_commit_callbacks
):
    """The removal comes between opening the set-password page and sending it."""
    http = portal_of(two_clients.a, manager_of(two_clients.a))
    with django_capture_on_commit_callbacks(execute=True):
        invite(http, "gone@obuv.example")
    user = User.objects.get(email="gone@obuv.example")
    guest = HttpClient(HTTP_HOST=host_of(two_clients.a))
    opened = guest.get(link_in(mail.outbox[0]).split(host_of(two_clients.a), 1)[1])
    form_page = guest.get(opened["Location"])
    assert form_page.status_code == 200 and NO_INVITATION not in form_page.content.decode()

    assert http.post(f"/team/{user.pk}/remove/").status_code == 302
    sent = guest.post(
        opened["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert sent.status_code == 200 and NO_INVITATION in sent.content.decode()
    user.refresh_from_db()
    assert not user.is_active and user.removed_at is not None
    assert not user.has_usable_password()
    assert [change for _label, change in changes(two_clients.a, "portal_user")] == [
        "invited",
        "removed",
    ]


def test_a_removal_racing_the_accepting_request_wins(
    two_clients, django_capture_on_commit_callbacks
):
    """The removal commits after the page checked the link but before the password is
    saved: the locked, checked-again invitation refuses it."""
    http = portal_of(two_clients.a, manager_of(two_clients.a))
    with django_capture_on_commit_callbacks(execute=True):
        invite(http, "race@obuv.example")
    user = User.objects.get(email="race@obuv.example")
    checked = InvitationAcceptView.get_user

    def removed_right_after_the_check(view, uidb64):
        found = checked(view, uidb64)
        if view.request.method == "POST":
            # The manager's request runs inside this one: keep this one's language.
            with translation.override(translation.get_language()):
                assert http.post(f"/team/{user.pk}/remove/").status_code == 302
        return found

    with mock.patch.object(InvitationAcceptView, "get_user", removed_right_after_the_check):
        sent = accept(link_in(mail.outbox[0]), host_of(two_clients.a))
    assert sent.status_code == 200 and NO_INVITATION in sent.content.decode()
    user.refresh_from_db()
    assert not user.is_active and not user.has_usable_password()


def test_an_address_longer_than_a_user_name_is_refused_clearly(two_clients, rf):
    boss = manager_of(two_clients.a)
    http = portal_of(two_clients.a, boss)
    long_address = "a" * 60 + "@" + "b" * 60 + "." + "c" * 40 + ".example"
    response = invite(http, long_address)
    assert response.status_code == 400
    assert len(long_address) == 170
    assert "at most 150 characters (it has 170)" in response.content.decode()
    # The service refuses it as well, whoever calls it.
    request = rf.post("/team/invite/")
    request.user = boss
    with pytest.raises(ValidationError) as refused:
        portal_user_invite(
            client=two_clients.a,
            email=long_address,
            role="viewer",
            request=request,
            portal_url="http://portal.example",
        )
    assert list(refused.value.message_dict) == ["email"]
    assert not User.objects.filter(email=long_address).exists()


def test_an_address_invited_twice_at_once_is_refused_not_an_error(two_clients, rf):
    """Two invitations of one address: the second's check ran before the first committed,
    so the database's unique user name refuses it, and it is answered as a duplicate."""
    boss = manager_of(two_clients.a)
    UserFactory(username="twice@obuv.example", email="twice@obuv.example")
    request = rf.post("/team/invite/")
    request.user = boss
    with (
        mock.patch("accounts.portal_users._address_taken", return_value=False),
        pytest.raises(ValidationError) as refused,
    ):
        portal_user_invite(
            client=two_clients.a,
            email="twice@obuv.example",
            role="viewer",
            request=request,
            portal_url="http://portal.example",
        )
    assert refused.value.message_dict == {
        "email": ["This address already has an account. Choose another one."]
    }
    assert User.objects.filter(username="twice@obuv.example").count() == 1


def test_an_address_already_in_use_anywhere_is_refused_clearly(two_clients, user_b):
    http = portal_of(two_clients.a, manager_of(two_clients.a))
    UserFactory(username="taken", email="kolega@obuv.example")
    for email in ("KOLEGA@obuv.example", user_b.email):
        response = invite(http, email)
        assert response.status_code == 400
        assert "This address already has an account" in response.content.decode()
    assert invite(http, "not an address").status_code == 400
    assert invite(http, "ok@obuv.example", role="admin").status_code == 400
    assert not User.objects.filter(email="ok@obuv.example").exists()


# --- roles and removal --------------------------------------------------------------------


def test_a_manager_changes_a_role_but_not_their_own(two_clients):
    boss = manager_of(two_clients.a)
    colleague = UserFactory(role=User.Role.CLIENT, client=two_clients.a)
    http = portal_of(two_clients.a, boss)
    http.post(f"/team/{colleague.pk}/role/", {"role": "manager"})
    colleague.refresh_from_db()
    assert colleague.portal_role == "manager"

    refused = http.post(f"/team/{boss.pk}/role/", {"role": "viewer"}, follow=True)
    assert "You cannot change your own role." in refused.content.decode()
    boss.refresh_from_db()
    assert boss.portal_role == "manager"
    assert changes(two_clients.a, "portal_user") == [(colleague.username, "role_changed")]


def test_the_client_never_ends_without_a_manager(two_clients):
    """Only an agency admin can be in a position to take the last manager away; an invited
    manager who has not accepted yet is no manager."""
    boss = manager_of(two_clients.a)
    manager_of(two_clients.a, is_active=False, invited_at="2026-12-01T10:00Z")
    admin = UserFactory(role=User.Role.ADMIN)
    http = portal_of(two_clients.a, admin)
    for path, data in (
        (f"/team/{boss.pk}/role/", {"role": "viewer"}),
        (f"/team/{boss.pk}/remove/", {}),
    ):
        page = http.post(path, data, follow=True)
        assert "The portal must keep at least one manager." in page.content.decode()
    boss.refresh_from_db()
    assert boss.is_active and boss.portal_role == "manager"
    # A second active manager: now the first may go.
    colleague = manager_of(two_clients.a)
    assert http.post(f"/team/{boss.pk}/remove/").status_code == 302
    boss.refresh_from_db()
    assert not boss.is_active and colleague.portal_role == "manager"


def test_a_removed_user_is_signed_out_at_once_and_stays_in_the_audit_log(two_clients):
    boss = manager_of(two_clients.a)
    leaver = UserFactory(role=User.Role.CLIENT, client=two_clients.a)
    leavers_portal = portal_of(two_clients.a, leaver)
    assert leavers_portal.get("/conversations/").status_code == 200

    http = portal_of(two_clients.a, boss)
    assert (
        http.post(f"/team/{boss.pk}/remove/", follow=True)
        .content.decode()
        .count("You cannot remove yourself.")
    )
    assert http.post(f"/team/{leaver.pk}/remove/").status_code == 302

    after = leavers_portal.get("/conversations/")
    assert after.status_code == 302 and after["Location"].startswith("/accounts/login/")
    assert not HttpClient(HTTP_HOST=host_of(two_clients.a)).login(
        username=leaver.username, password=PASSWORD
    )
    leaver.refresh_from_db()
    assert not leaver.is_active and leaver.removed_at is not None
    assert leaver.username not in http.get("/team/").content.decode()
    assert changes(two_clients.a, "portal_user") == [(leaver.username, "removed")]
    audit_page = http.get("/audit/").content.decode()
    assert leaver.username in audit_page and "removed" in audit_page


def test_another_clients_user_cannot_be_touched(two_clients, user_b):
    http = portal_of(two_clients.a, manager_of(two_clients.a))
    for path in (
        f"/team/{user_b.pk}/remove/",
        f"/team/{user_b.pk}/role/",
        f"/team/{user_b.pk}/resend/",
    ):
        assert http.post(path, {"role": "manager"}).status_code == 404
    user_b.refresh_from_db()
    assert user_b.is_active and user_b.portal_role == "viewer"


def test_the_users_page_lists_the_clients_users_only(two_clients, user_a, user_b):
    boss = manager_of(two_clients.a, first_name="Jana", last_name="Nováková")
    page = portal_of(two_clients.a, boss).get("/team/").content.decode()
    assert "Jana Nováková" in page and user_a.email in page
    assert user_b.email not in page


def status_of(page: str, username: str) -> str:
    [row] = re.findall(rf'<tr data-user="{re.escape(username)}">(.*?)</tr>', page, re.S)
    return re.findall(r"<td>([^<]*)</td>", row)[-1]


def test_the_users_page_shows_each_users_real_state(two_clients):
    """A user the agency deactivated (neither invited nor removed) is not shown as active."""
    boss = manager_of(two_clients.a)
    UserFactory(role=User.Role.CLIENT, client=two_clients.a, username="working")
    UserFactory(role=User.Role.CLIENT, client=two_clients.a, username="stopped", is_active=False)
    UserFactory(
        role=User.Role.CLIENT,
        client=two_clients.a,
        username="waiting",
        is_active=False,
        invited_at="2026-12-01T10:00Z",
    )
    http = portal_of(two_clients.a, boss)
    http.cookies.load({"django_language": "en"})
    page = http.get("/team/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert {name: status_of(page, name) for name in ("working", "stopped", "waiting")} == {
        "working": "Active",
        "stopped": "Deactivated",
        "waiting": "Invited",
    }


# --- report recipients --------------------------------------------------------------------


def recipients(client) -> list[str]:
    with in_schema(client):
        return list(ReportSettings.objects.get(pk=1).recipients)


def test_report_recipients_are_added_checked_deduplicated_and_removed(two_clients):
    http = portal_of(two_clients.a, manager_of(two_clients.a))
    assert http.post("/team/recipients/", {"address": " Reditel@Obuv.example "}).status_code == 302
    duplicate = http.post("/team/recipients/", {"address": "REDITEL@obuv.example"})
    assert duplicate.status_code == 400
    assert "This address already receives the report." in duplicate.content.decode()
    assert http.post("/team/recipients/", {"address": "no-at-sign"}).status_code == 400
    assert recipients(two_clients.a) == ["reditel@obuv.example"]

    http.post("/team/recipients/remove/", {"address": "Reditel@obuv.example"})
    assert recipients(two_clients.a) == []
    assert changes(two_clients.a, "report_settings") == [
        ("reditel@obuv.example", "added"),
        ("reditel@obuv.example", "deleted"),
    ]


def test_report_recipients_stop_at_the_maximum(two_clients):
    http = portal_of(two_clients.a, manager_of(two_clients.a))
    for number in range(MAX_REPORT_RECIPIENTS):
        assert (
            http.post("/team/recipients/", {"address": f"r{number}@obuv.example"}).status_code
            == 302
        )
    over = http.post("/team/recipients/", {"address": "one-more@obuv.example"})
    assert over.status_code == 400
    assert len(recipients(two_clients.a)) == MAX_REPORT_RECIPIENTS


# --- API keys -----------------------------------------------------------------------------


def test_a_new_key_is_shown_once_and_revoked_at_once(two_clients):
    boss = manager_of(two_clients.a)
    http = portal_of(two_clients.a, boss)
    created = http.post("/team/api-keys/", {"name": "e-shop", "scopes": ["conversations:read"]})
    assert created.status_code == 201 and created["Cache-Control"] == "no-store"
    [secret] = re.findall(r'id="api-key-secret">(pd_\w+_[\w-]+)<', created.content.decode())
    key = ApiKey.objects.get(client=two_clients.a, name="e-shop")
    assert (key.scopes, key.created_by) == (["conversations:read"], boss)
    assert secret not in http.get("/team/api-keys/").content.decode()

    api = HttpClient(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/v1/conversations/999999").status_code == 404  # a key that works
    assert http.post(f"/team/api-keys/{key.pk}/revoke/").status_code == 302
    assert api.get("/api/v1/conversations/999999").status_code == 401
    assert changes(two_clients.a, "api_key") == [("e-shop", "issued"), ("e-shop", "revoked")]


def test_a_key_needs_a_name_and_a_scope(two_clients):
    http = portal_of(two_clients.a, manager_of(two_clients.a))
    assert http.post("/team/api-keys/", {"name": "x"}).status_code == 400
    assert (
        http.post("/team/api-keys/", {"name": "x", "scopes": ["conversations:delete"]}).status_code
        == 400
    )
    assert not ApiKey.objects.filter(client=two_clients.a).exists()


def test_another_clients_key_cannot_be_revoked(two_clients):
    key_b = ApiKey.objects.create(client=two_clients.b, name="b", prefix="bbbb0001", key_hash="x")
    http = portal_of(two_clients.a, manager_of(two_clients.a))
    assert http.post(f"/team/api-keys/{key_b.pk}/revoke/").status_code == 404
    key_b.refresh_from_db()
    assert key_b.revoked_at is None


def test_the_navigation_offers_the_team_pages_to_managers_only(two_clients, user_a):
    assert "/team/" in portal_of(two_clients.a, manager_of(two_clients.a)).get("/").content.decode()
    assert "/team/" not in portal_of(two_clients.a, user_a).get("/").content.decode()
