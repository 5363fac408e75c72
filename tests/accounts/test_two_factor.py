"""Two factors (accounts.two_factor, accounts.two_factor_views): the password, then a code,
before anything is open; wrong codes counted by the one sign-in limit; codes good once;
remembered browsers; who must enrol; the per-client requirement; the reset command."""

import html
import re
from datetime import timedelta
from io import StringIO
from urllib.parse import unquote

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client as HttpClient
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import RememberedBrowser, User
from accounts.two_factor import browser_label
from accounts.two_factor_views import REMEMBER_COOKIE
from audit.models import AuditEvent
from tests.support.factories import PASSWORD, UserFactory
from tests.support.tenancy import host_of
from tests.support.two_factor import code_of, totp_code, totp_device_for

pytestmark = pytest.mark.django_db

AGENCY = "localhost"
CODE_PAGE = "/accounts/two-factor/code/"
ENROL_PAGE = "/accounts/two-factor/enrol/"
RECOVERY_PAGE = "/accounts/two-factor/recovery-codes/"


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def password_step(host: str, user: User, http: HttpClient | None = None):
    http = http or HttpClient(HTTP_HOST=host)
    response = http.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    return http, response


def signed_in(http: HttpClient) -> bool:
    return "_auth_user_id" in http.session


def actions_of(user: User) -> list[str]:
    return list(
        AuditEvent.objects.filter(actor_id=user.pk).order_by("at").values_list("action", flat=True)
    )


def test_after_the_password_nothing_is_open_until_the_code_passes(two_clients):
    agent = UserFactory(role=User.Role.AGENT)
    device = totp_device_for(agent)
    http, response = password_step(AGENCY, agent)
    assert response.status_code == 302 and response["Location"] == CODE_PAGE
    assert not signed_in(http)
    for path in ("/", "/desk/next", "/admin/", "/accounts/two-factor/"):
        refused = http.get(path)
        assert refused.status_code == 302 and "login" in refused["Location"], path

    page = http.post(CODE_PAGE, {"code": code_of(device)})
    assert page.status_code == 302 and page["Location"] == "/"
    assert signed_in(http)
    assert http.get("/").status_code == 200


def test_wrong_codes_are_counted_by_the_sign_in_limit_and_lock_every_site(two_clients, user_a):
    totp_device_for(user_a)
    http, _ = password_step(host_of(two_clients.a), user_a)
    for attempt in range(1, 6):
        page = http.post(CODE_PAGE, {"code": "000000"})
        assert page.status_code == (429 if attempt == 5 else 400), attempt
    assert page.context["too_many_attempts"] is True
    failed = AuditEvent.objects.filter(actor_id=user_a.pk, action="sign_in_failed")
    assert failed.count() == 5 and failed.first().details["step"] == "code"
    # Locked like five wrong passwords: the right password is refused on the portal too.
    again, page = password_step(host_of(two_clients.a), user_a)
    assert page.status_code == 429 and not signed_in(again)
    # And the code page of the pending sign-in is gone.
    assert http.post(CODE_PAGE, {"code": code_of(user_a.totpdevice_set.get())}).status_code == 302
    assert not signed_in(http)


def test_a_code_is_good_once_in_its_time_step(two_clients):
    agent = UserFactory(role=User.Role.AGENT)
    device = totp_device_for(agent)
    code = code_of(device)
    http, _ = password_step(AGENCY, agent)
    assert http.post(CODE_PAGE, {"code": code}).status_code == 302 and signed_in(http)

    replay, _ = password_step(AGENCY, agent)
    page = replay.post(CODE_PAGE, {"code": code})
    assert page.status_code == 400 and not signed_in(replay)


def test_a_recovery_code_signs_in_once(two_clients):
    agent = UserFactory(role=User.Role.AGENT)
    http = HttpClient(HTTP_HOST=AGENCY)
    http.force_login(agent)
    http.get(ENROL_PAGE)
    device = TOTPDevice.objects.get(user=agent, confirmed=False)
    assert http.post(ENROL_PAGE, {"code": totp_code(device.key)})["Location"] == (
        "/accounts/two-factor/recovery-codes/"
    )
    shown = http.get("/accounts/two-factor/recovery-codes/").content.decode()
    codes = re.findall(r"<code>([A-Z0-9-]{14})</code>", shown)
    assert len(codes) == 10
    # Kept as digests only: the database does not give them back.
    stored = set(StaticToken.objects.filter(device__user=agent).values_list("token", flat=True))
    assert len(stored) == 10 and not stored & {code.replace("-", "") for code in codes}

    first, _ = password_step(AGENCY, agent)
    assert first.post(CODE_PAGE, {"code": codes[0].lower()}).status_code == 302
    assert signed_in(first)
    second, _ = password_step(AGENCY, agent)
    assert second.post(CODE_PAGE, {"code": codes[0]}).status_code == 400
    assert not signed_in(second)
    assert StaticToken.objects.filter(device__user=agent).count() == 9
    assert "recovery_code_used" in actions_of(agent)


def test_a_remembered_browser_skips_the_code_until_it_expires_or_is_forgotten(two_clients):
    agent = UserFactory(role=User.Role.AGENT)
    device = totp_device_for(agent)
    http, _ = password_step(AGENCY, agent)
    http.post(CODE_PAGE, {"code": code_of(device), "remember": "1"})
    cookie = http.cookies[REMEMBER_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    browser = RememberedBrowser.objects.get(user=agent)
    assert browser.expires_at > timezone.now() + timedelta(days=29)

    http.post("/accounts/logout/")
    _, response = password_step(AGENCY, agent, http)
    assert response["Location"] == "/" and signed_in(http)  # no code asked

    # Another user's sign-in in the same browser is not skipped by it.
    other = UserFactory(role=User.Role.AGENT)
    totp_device_for(other)
    http.post("/accounts/logout/")
    _, response = password_step(AGENCY, other, http)
    assert response["Location"] == CODE_PAGE

    RememberedBrowser.objects.filter(pk=browser.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    fresh = HttpClient(HTTP_HOST=AGENCY)
    fresh.cookies[REMEMBER_COOKIE] = cookie.value
    _, response = password_step(AGENCY, agent, fresh)
    assert response["Location"] == CODE_PAGE  # expired

    RememberedBrowser.objects.filter(pk=browser.pk).update(
        expires_at=timezone.now() + timedelta(days=1)
    )
    owner = HttpClient(HTTP_HOST=AGENCY)
    owner.force_login(agent)
    assert owner.post(f"/accounts/two-factor/browsers/{browser.pk}/forget").status_code == 302
    fresh = HttpClient(HTTP_HOST=AGENCY)
    fresh.cookies[REMEMBER_COOKIE] = cookie.value
    _, response = password_step(AGENCY, agent, fresh)
    assert response["Location"] == CODE_PAGE  # forgotten
    assert {"browser_remembered", "browser_forgotten"} <= set(actions_of(agent))


def test_a_new_password_forgets_every_remembered_browser(two_clients):
    agent = UserFactory(role=User.Role.AGENT)
    device = totp_device_for(agent)
    http, _ = password_step(AGENCY, agent)
    http.post(CODE_PAGE, {"code": code_of(device), "remember": "1"})
    agent.set_password("a new password 42")
    agent.save()
    assert RememberedBrowser.objects.get(user=agent).revoked_at is not None


def test_someone_elses_browser_cannot_be_forgotten(two_clients):
    agent, other = UserFactory(role=User.Role.AGENT), UserFactory(role=User.Role.AGENT)
    now = timezone.now()
    browser = RememberedBrowser.objects.create(
        user=other, created_at=now, expires_at=now + timedelta(days=30)
    )
    http = HttpClient(HTTP_HOST=AGENCY)
    http.force_login(agent)
    http.post(f"/accounts/two-factor/browsers/{browser.pk}/forget")
    assert RememberedBrowser.objects.get(pk=browser.pk).revoked_at is None


@pytest.mark.parametrize("supervisor", [False, True], ids=["admin", "supervisor"])
def test_an_admin_or_supervisor_without_a_device_must_enrol_before_anything(
    two_clients, supervisor
):
    if supervisor:
        user = UserFactory(role=User.Role.AGENT, is_staff=True)
    else:
        user = UserFactory(role=User.Role.ADMIN)
    http, response = password_step(AGENCY, user)
    assert response["Location"] == ENROL_PAGE and not signed_in(http)
    assert http.get("/").status_code == 302
    assert http.get(CODE_PAGE)["Location"] == ENROL_PAGE  # nothing to check a code against
    page = http.get(ENROL_PAGE)
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert http.post(ENROL_PAGE, {"code": "123456"}).status_code == 400
    device.throttle_reset()  # django-otp waits a second after a wrong code
    response = http.post(ENROL_PAGE, {"code": totp_code(device.key)})
    assert response["Location"] == "/accounts/two-factor/recovery-codes/" and signed_in(http)
    assert http.post("/accounts/two-factor/recovery-codes/")["Location"] == "/"
    assert "two_factor_enrolled" in actions_of(user)
    # Required: it cannot be turned off by the user.
    http.post("/accounts/two-factor/remove", {"code": code_of(device)})
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_an_agent_without_a_device_signs_in_with_the_password(two_clients):
    agent = UserFactory(role=User.Role.AGENT)
    http, response = password_step(AGENCY, agent)
    assert response["Location"] == "/" and signed_in(http)


def test_enrolling_a_new_app_needs_the_old_ones_code_first(two_clients):
    agent = UserFactory(role=User.Role.AGENT)
    totp_device_for(agent)
    http, _ = password_step(AGENCY, agent)
    assert http.get(ENROL_PAGE)["Location"] == CODE_PAGE
    assert not TOTPDevice.objects.filter(user=agent, confirmed=False).exists()


def test_a_client_may_require_two_factors_of_its_portal_users(two_clients, user_a, user_b):
    manager = UserFactory(
        role=User.Role.CLIENT, client=two_clients.a, portal_role=User.PortalRole.MANAGER
    )
    http = HttpClient(HTTP_HOST=host_of(two_clients.a))
    http.force_login(manager)
    assert http.post("/security/", {"two_factor_required": "on"}).status_code == 302
    two_clients.a.refresh_from_db()
    try:
        assert two_clients.a.portal_two_factor_required
        changed = AuditEvent.objects.get(actor_id=manager.pk, action="client_settings_changed")
        assert changed.client_id == two_clients.a.pk

        http, response = password_step(host_of(two_clients.a), user_a)
        assert response["Location"] == ENROL_PAGE and not signed_in(http)
        # Client B asks nothing of its users.
        other, response = password_step(host_of(two_clients.b), user_b)
        assert response["Location"] == "/" and signed_in(other)

        # A viewer reads the setting and cannot change it.
        viewer = HttpClient(HTTP_HOST=host_of(two_clients.a))
        viewer.force_login(user_a)
        assert "Required" in viewer.get("/security/").content.decode()
        assert viewer.post("/security/", {}).status_code == 403
        two_clients.a.refresh_from_db()
        assert two_clients.a.portal_two_factor_required
    finally:
        type(two_clients.a).objects.filter(pk=two_clients.a.pk).update(
            portal_two_factor_required=False
        )
        two_clients.a.refresh_from_db()


def test_removing_the_factor_asks_for_a_code_and_forgets_the_browsers(two_clients):
    agent = UserFactory(role=User.Role.AGENT)
    device = totp_device_for(agent)
    http, _ = password_step(AGENCY, agent)
    http.post(CODE_PAGE, {"code": code_of(device), "remember": "1"})
    http.post("/accounts/two-factor/remove", {"code": "000000"})
    assert TOTPDevice.objects.filter(user=agent).exists()
    device.throttle_reset()  # django-otp waits a second after a wrong code (tested below)
    http.post("/accounts/two-factor/remove", {"code": code_of(device)})
    assert not TOTPDevice.objects.filter(user=agent).exists()
    assert RememberedBrowser.objects.get(user=agent).revoked_at is not None
    assert "two_factor_removed" in actions_of(agent)


def test_new_recovery_codes_replace_the_old_ones(two_clients):
    agent = UserFactory(role=User.Role.AGENT)
    device = totp_device_for(agent)
    http = HttpClient(HTTP_HOST=AGENCY)
    http.force_login(agent)
    wrong = http.post("/accounts/two-factor/recovery-codes/new", {"code": "000000"})
    assert wrong.status_code == 302
    assert not StaticToken.objects.filter(device__user=agent).exists()  # wrong code: nothing
    device.throttle_reset()  # django-otp waits a second after a wrong code (tested below)
    response = http.post("/accounts/two-factor/recovery-codes/new", {"code": code_of(device)})
    assert response["Location"] == "/accounts/two-factor/recovery-codes/"
    page = http.get(RECOVERY_PAGE)
    assert page["Cache-Control"] == "no-store"
    shown = re.findall(r"<code>([A-Z0-9-]{14})</code>", page.text)
    # The download is made from the page itself (a data: link), not asked for again.
    link = re.search(r'href="data:text/plain;charset=utf-8,([^"]+)" download=', page.text)
    assert link is not None
    download = unquote(html.unescape(link[1]))
    assert re.findall(r"^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$", download, re.M) == shown
    assert len(shown) == 10
    assert http.post(RECOVERY_PAGE)["Location"] == "/accounts/two-factor/"
    assert http.get(RECOVERY_PAGE).status_code == 302  # shown once
    assert "recovery_codes_regenerated" in actions_of(agent)


def test_recovery_codes_are_shown_once_even_before_they_are_acknowledged(two_clients):
    agent = UserFactory(role=User.Role.AGENT)
    device = totp_device_for(agent)
    http = HttpClient(HTTP_HOST=AGENCY)
    http.force_login(agent)
    http.post("/accounts/two-factor/recovery-codes/new", {"code": code_of(device)})
    first = http.get(RECOVERY_PAGE)
    codes = re.findall(r"<code>([A-Z0-9-]{14})</code>", first.text)
    assert first.status_code == 200 and len(codes) == 10
    # Not kept in the session once shown: a second look (or a download) shows nothing.
    assert all(code not in str(dict(http.session)) for code in codes)
    for again in (http.get(RECOVERY_PAGE), http.get(f"{RECOVERY_PAGE}?download=1")):
        assert again.status_code == 302 and again["Location"] == "/accounts/two-factor/"
    # "I have kept them" still goes on.
    assert http.post(RECOVERY_PAGE)["Location"] == "/accounts/two-factor/"


def _remembered_sign_in(agent: User, device: TOTPDevice) -> HttpClient:
    """Signed in with a code, this browser remembered."""
    http, _ = password_step(AGENCY, agent)
    assert http.post(CODE_PAGE, {"code": code_of(device), "remember": "1"}).status_code == 302
    assert RememberedBrowser.objects.filter(user=agent, revoked_at__isnull=True).exists()
    return http


def test_moving_to_a_new_phone_needs_a_current_code_of_the_old_app(two_clients):
    agent = UserFactory(role=User.Role.AGENT)
    old = totp_device_for(agent)
    http = _remembered_sign_in(agent, old)
    page = http.get(ENROL_PAGE)
    assert page.status_code == 200 and 'name="current_code"' in page.text
    new = TOTPDevice.objects.get(user=agent, confirmed=False)
    old_codes = set(StaticToken.objects.filter(device__user=agent).values_list("token", flat=True))

    # A session alone (no current code, or a wrong one) does not replace the app.
    for current in ({}, {"current_code": "000000"}, {"current_code": "ABCD-EFGH-JKMN"}):
        old.throttle_reset()
        refused = http.post(ENROL_PAGE, {"code": totp_code(new.key), **current})
        assert refused.status_code == 400, current
        assert refused.context["current_error"] is True
        assert TOTPDevice.objects.get(pk=old.pk).confirmed
        assert not TOTPDevice.objects.get(pk=new.pk).confirmed
    assert (
        set(StaticToken.objects.filter(device__user=agent).values_list("token", flat=True))
        == old_codes
    )
    assert RememberedBrowser.objects.get(user=agent).revoked_at is None
    assert "two_factor_enrolled" not in actions_of(agent)

    old.throttle_reset()
    accepted = http.post(ENROL_PAGE, {"code": totp_code(new.key), "current_code": code_of(old)})
    assert accepted["Location"] == RECOVERY_PAGE
    assert list(TOTPDevice.objects.filter(user=agent).values_list("pk", "confirmed")) == [
        (new.pk, True)
    ]
    assert len(re.findall(r"<code>[A-Z0-9-]{14}</code>", http.get(RECOVERY_PAGE).text)) == 10
    # The remembered browsers are forgotten: the next sign-in asks the new app's code.
    assert RememberedBrowser.objects.get(user=agent).revoked_at is not None
    http.post("/accounts/logout/")
    _, response = password_step(AGENCY, agent, http)
    assert response["Location"] == CODE_PAGE
    enrolled = AuditEvent.objects.get(actor_id=agent.pk, action="two_factor_enrolled")
    assert enrolled.details == {"replaced": True}
    assert "browser_forgotten" in set(
        AuditEvent.objects.filter(object_id=str(agent.pk)).values_list("action", flat=True)
    )


def test_moving_to_a_new_phone_with_a_recovery_code(two_clients):
    agent = UserFactory(role=User.Role.AGENT)
    http = HttpClient(HTTP_HOST=AGENCY)
    http.force_login(agent)
    http.get(ENROL_PAGE)
    first = TOTPDevice.objects.get(user=agent, confirmed=False)
    http.post(ENROL_PAGE, {"code": totp_code(first.key)})
    codes = re.findall(r"<code>([A-Z0-9-]{14})</code>", http.get(RECOVERY_PAGE).text)
    http.post(RECOVERY_PAGE)

    assert 'name="current_code"' in http.get(ENROL_PAGE).text  # the old phone is lost
    new = TOTPDevice.objects.get(user=agent, confirmed=False)
    response = http.post(ENROL_PAGE, {"code": totp_code(new.key), "current_code": codes[0]})
    assert response["Location"] == RECOVERY_PAGE
    assert not TOTPDevice.objects.filter(pk=first.pk).exists()
    assert TOTPDevice.objects.get(pk=new.pk).confirmed
    assert "recovery_code_used" in actions_of(agent)


def test_the_reset_command_removes_a_lost_factor_with_an_audit_record(two_clients):
    admin = UserFactory(role=User.Role.ADMIN)
    totp_device_for(admin)
    out = StringIO()
    call_command("two_factor_reset", "--user", admin.username, stdout=out)
    assert not TOTPDevice.objects.filter(user=admin).exists()
    event = AuditEvent.objects.get(object_id=str(admin.pk), action="two_factor_removed")
    assert "two_factor_reset" in event.details["reason"]
    _, response = password_step(AGENCY, admin)
    assert response["Location"] == ENROL_PAGE  # required: enrols again


def test_the_admin_sign_in_page_sends_to_the_two_step_sign_in(two_clients):
    response = HttpClient(HTTP_HOST=AGENCY).get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"


def test_a_right_code_right_after_a_wrong_one_waits_for_the_throttle(two_clients):
    agent = UserFactory(role=User.Role.AGENT)
    device = totp_device_for(agent)
    http, _ = password_step(AGENCY, agent)
    assert http.post(CODE_PAGE, {"code": "000000"}).status_code == 400
    assert http.post(CODE_PAGE, {"code": code_of(device)}).status_code == 400  # too soon
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=10)
    )
    assert http.post(CODE_PAGE, {"code": code_of(device)}).status_code == 302
    assert signed_in(http)


@pytest.mark.parametrize(
    ("agent", "label"),
    [
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            "Edge on Windows",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Mobile Safari/537.36",
            "Chrome on Android",
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Firefox on Linux",
        ),
        ("curl/8.5.0", "curl/8.5.0"),
    ],
)
def test_a_remembered_browser_is_listed_by_a_short_name(agent, label):
    assert browser_label(agent) == label
