"""Outside development every page is HTTPS only (config.settings, "HTTPS and the browser's
protections"): plain HTTP is redirected, but not the load balancer's health probe; HSTS,
secure cookies and the browser's other protections are on; Twilio's signed webhooks still
arrive over HTTPS, directly or behind the TLS proxy; `check --deploy` has nothing to say
about them with a proper production environment."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.config.test_deployment import GOOD
from tests.support.voice import CALLER, CZ_NUMBER, signed_post

ROOT = Path(__file__).resolve().parents[2]
# A proper production environment: the deployment's own values, Twilio given https://.
PRODUCTION = {
    **GOOD,
    "DATABASE_URL": "postgres://db.example/polydesk",
    "TWILIO_WEBHOOK_BASE_URL": "https://polydesk.example",
    "POLYDESK_ISSUER_NAME": "Agency s.r.o.",
    "POLYDESK_ISSUER_ADDRESS": "Václavské náměstí 1, Praha",
    "POLYDESK_ISSUER_REGISTRATION_ID": "12345678",
    "POLYDESK_ISSUER_IBAN": "CZ6508000000192000145399",
    "POLYDESK_ISSUER_VAT_ID": "CZ12345679",
}


def run(code: list[str], **changes: str | None) -> subprocess.CompletedProcess:
    environment = {**os.environ, **PRODUCTION}
    for name, value in changes.items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = value
    return subprocess.run(
        [sys.executable, *code], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def settings_of(names: str, **changes: str | None) -> list[str]:
    """The values of some settings as a process with that environment reads them."""
    printed = run(
        [
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            f"print(*[repr(getattr(settings, name)) for name in {names.split()!r}], sep='|')",
        ],
        DJANGO_SETTINGS_MODULE="config.settings",
        **changes,
    )
    assert printed.returncode == 0, printed.stderr
    return printed.stdout.strip().split("|")


def test_check_deploy_has_nothing_to_say_about_a_proper_production():
    checked = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert checked.returncode == 0, checked.stderr
    assert "System check identified no issues" in checked.stdout


def test_check_deploy_warns_when_twilio_would_be_redirected():
    checked = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        TWILIO_WEBHOOK_BASE_URL="http://polydesk.example",
    )
    assert checked.returncode != 0
    assert "polydesk.W001" in checked.stderr
    assert "TWILIO_WEBHOOK_BASE_URL is http://" in checked.stderr


def test_production_is_https_only_and_development_is_not():
    names = (
        "SECURE_SSL_REDIRECT SECURE_HSTS_SECONDS SECURE_HSTS_INCLUDE_SUBDOMAINS "
        "SECURE_HSTS_PRELOAD SESSION_COOKIE_SECURE CSRF_COOKIE_SECURE X_FRAME_OPTIONS"
    )
    assert settings_of(names) == ["True", "31536000", "True", "False", "True", "True", "'DENY'"]
    development = settings_of(names, POLYDESK_ENV="development")
    assert development == ["False", "0", "True", "False", "False", "False", "'DENY'"]


def test_the_proxy_header_is_trusted_only_behind_the_proxy():
    assert settings_of("SECURE_PROXY_SSL_HEADER", BEHIND_TLS_PROXY="1") == [
        "('HTTP_X_FORWARDED_PROTO', 'https')"
    ]
    named = settings_of(
        "SECURE_PROXY_SSL_HEADER", BEHIND_TLS_PROXY="1", POLYDESK_PROXY_SSL_HEADER="X-Scheme: https"
    )
    assert named == ["('HTTP_X_SCHEME', 'https')"]
    refused = run(
        ["manage.py", "check"], BEHIND_TLS_PROXY="1", POLYDESK_PROXY_SSL_HEADER="X-Scheme"
    )
    assert "POLYDESK_PROXY_SSL_HEADER is 'X-Scheme'" in refused.stderr


@pytest.fixture
def https_only(settings):
    """The production settings of config.settings, in this process."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    return settings


@pytest.mark.django_db
def test_plain_http_is_redirected_but_not_the_health_probe(two_clients, client, https_only):
    redirected = client.get("/accounts/login/", HTTP_HOST="localhost")
    assert redirected.status_code == 301
    assert redirected["Location"] == "https://localhost/accounts/login/"
    assert client.get("/health/", HTTP_HOST="localhost").status_code == 200


@pytest.mark.django_db
def test_an_https_page_tells_the_browser_to_stay_on_https(two_clients, client, https_only):
    page = client.get("/accounts/login/", HTTP_HOST="localhost", secure=True)
    assert page.status_code == 200
    assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert page["X-Frame-Options"] == "DENY"
    assert page["X-Content-Type-Options"] == "nosniff"
    assert page["Referrer-Policy"] == "same-origin"
    assert page["Cross-Origin-Opener-Policy"] == "same-origin"
    assert page.cookies["csrftoken"]["secure"] is True


def test_twilio_still_reaches_its_webhooks_over_https(voice, https_only):
    params = {"CallSid": "CA1", "From": CALLER, "To": CZ_NUMBER}
    url = "https://localhost/twilio/voice/incoming"
    direct = signed_post("/twilio/voice/incoming", params, url=url, secure=True)
    assert direct.status_code == 200
    assert b"<Response>" in direct.content
    proxied = signed_post(
        "/twilio/voice/status",
        {**params, "CallStatus": "completed"},
        url="https://localhost/twilio/voice/status",
        HTTP_X_FORWARDED_PROTO="https",
    )
    assert proxied.status_code in (200, 204)
