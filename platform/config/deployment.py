"""What a production process refuses to start with, and the `check --deploy` checks that
report the same (docs/operations.md, "Before going live").

Outside development (``POLYDESK_ENV``, unset: production) the web app (``config.wsgi``) and
the Celery worker and beat (``config.celery``) stop at start-up with one line per problem:
the development ``SECRET_KEY`` (it is in git), ``DEBUG`` with a public host in
``ALLOWED_HOSTS``, the embedded PostgreSQL, or no ``CELERY_BROKER_URL``. Commands
(``migrate``, ``check``) still run, so an operator can see the problems with
``manage.py check --deploy``.
"""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from config import env

# Hosts that only this machine reaches: DEBUG there shows its pages to the developer only.
LOCAL_HOSTS = {"localhost", ".localhost", "127.0.0.1", "::1", "[::1]", "testserver"}

KEY_PROBLEM = (
    "SECRET_KEY is the development key, which is in git: set SECRET_KEY to a long random value"
)
DATABASE_PROBLEM = (
    "DATABASE_URL is the embedded development PostgreSQL: set it to the production database"
)
BROKER_PROBLEM = (
    "CELERY_BROKER_URL is not set (the filesystem broker serves one machine only): "
    "set it to the RabbitMQ or Redis broker"
)


WEBHOOK_SCHEME_PROBLEM = (
    "TWILIO_WEBHOOK_BASE_URL is http:// while plain HTTP is redirected to HTTPS "
    "(SECURE_SSL_REDIRECT): Twilio's webhook POSTs would be redirected and lost"
)


def public_hosts(allowed_hosts: list[str]) -> list[str]:
    """The hosts of ALLOWED_HOSTS that other machines may reach ("*" included)."""
    return [host for host in allowed_hosts if host.lower() not in LOCAL_HOSTS]


def database_is_embedded(database: Mapping[str, Any]) -> bool:
    """Whether the database is the one ``scripts/dev`` starts under ``var/`` (its socket
    folder is there)."""
    host = str(database.get("HOST") or database.get("OPTIONS", {}).get("host") or "")
    return bool(host) and host.startswith(str(env.VAR_DIR))


def deployment_problems() -> list[tuple[str, str]]:
    """Each thing a production process must not run with: its check id and one line."""
    problems = []
    if settings.SECRET_KEY == env.DEVELOPMENT_SECRET_KEY:
        problems.append(("polydesk.E001", KEY_PROBLEM))
    public = public_hosts(settings.ALLOWED_HOSTS)
    if settings.DEBUG and public:
        problems.append(
            (
                "polydesk.E002",
                f"DJANGO_DEBUG is on with public hosts ({', '.join(public)}): its error pages "
                "show settings and code to anyone; turn it off",
            )
        )
    if database_is_embedded(settings.DATABASES["default"]):
        problems.append(("polydesk.E003", DATABASE_PROBLEM))
    if not settings.CELERY_BROKER_EXPLICIT:
        problems.append(("polydesk.E004", BROKER_PROBLEM))
    return problems


def deployment_refuse() -> None:
    """Outside development, stop the process when there is any problem, one line each."""
    if settings.POLYDESK_ENV == "development":
        return
    problems = deployment_problems()
    if problems:
        lines = "\n".join(f"- {line}" for _id, line in problems)
        raise ImproperlyConfigured(
            f"Polydesk refuses to start (POLYDESK_ENV={settings.POLYDESK_ENV}):\n{lines}"
        )


@checks.register(checks.Tags.security, deploy=True)
def deployment_check(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """`manage.py check --deploy`: the same problems as errors, in any environment."""
    return [checks.Error(line, id=check_id) for check_id, line in deployment_problems()]


def https_warnings() -> list[tuple[str, str]]:
    """What HTTPS-only serving breaks: its check id and one line."""
    warnings = []
    if settings.SECURE_SSL_REDIRECT and settings.TWILIO_WEBHOOK_BASE_URL.startswith("http://"):
        warnings.append(("polydesk.W001", WEBHOOK_SCHEME_PROBLEM))
    return warnings


@checks.register(checks.Tags.security, deploy=True)
def https_check(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """`manage.py check --deploy`: Twilio must be given the https:// address."""
    return [
        checks.Warning(
            line, hint="Set TWILIO_WEBHOOK_BASE_URL to https://<agency domain>.", id=check_id
        )
        for check_id, line in https_warnings()
    ]
