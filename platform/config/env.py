"""Every setting that comes from the environment is read here, and only here.

Each integration but the database has a safe local default (Celery's filesystem broker,
files under ``var/``). The database never has one: a process without ``DATABASE_URL``
refuses to start, rather than quietly use an empty database. ``make demo`` and ``make test``
(``scripts/dev``) start the embedded PostgreSQL and set ``DATABASE_URL`` for you.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError

# The repository root in a checkout (platform/config/env.py -> three levels up).
PROJECT_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = Path(os.environ.get("POLYDESK_VAR_DIR", PROJECT_DIR / "var"))

TRUE_WORDS = {"1", "true", "yes", "on"}


def flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in TRUE_WORDS


def text(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def words(name: str, default: str) -> list[str]:
    return [w.strip() for w in os.environ.get(name, default).split(",") if w.strip()]


def invoice_reminder_days() -> list[int]:
    """POLYDESK_INVOICE_REMINDER_DAYS: days after the due date a reminder goes (1st, 2nd...)."""
    raw = words("POLYDESK_INVOICE_REMINDER_DAYS", "7,21,35")
    try:
        days = [int(word) for word in raw]
    except ValueError:
        raise ValueError(f"POLYDESK_INVOICE_REMINDER_DAYS: whole days, not {raw}") from None
    if any(d < 1 for d in days) or days != sorted(set(days)):
        raise ValueError(f"POLYDESK_INVOICE_REMINDER_DAYS: rising days from 1 on, not {raw}")
    return days


def proxy_ssl_header() -> tuple[str, str]:
    """SECURE_PROXY_SSL_HEADER behind a TLS proxy: POLYDESK_PROXY_SSL_HEADER as
    "Header-Name: value" (default "X-Forwarded-Proto: https")."""
    raw = os.environ.get("POLYDESK_PROXY_SSL_HEADER", "X-Forwarded-Proto: https")
    name, _, value = raw.partition(":")
    if not name.strip() or not value.strip():
        raise ImproperlyConfigured(
            f"POLYDESK_PROXY_SSL_HEADER is {raw!r}; write it as 'X-Forwarded-Proto: https'"
        )
    return "HTTP_" + name.strip().upper().replace("-", "_"), value.strip()


ENVIRONMENTS = ("development", "production")
# In git, so known to everyone: only development may sign sessions and links with it.
DEVELOPMENT_SECRET_KEY = "django-insecure-polydesk-local-development-only"  # noqa: S105


def environment() -> str:
    """POLYDESK_ENV: "development" or "production" (unset: production, so that a forgotten
    variable is refused rather than run with development defaults)."""
    value = os.environ.get("POLYDESK_ENV", "production").strip().lower() or "production"
    if value not in ENVIRONMENTS:
        raise ImproperlyConfigured(
            f"POLYDESK_ENV is {value!r}; it must be one of {', '.join(ENVIRONMENTS)}"
        )
    return value


MISSING_DATABASE_URL = (
    "DATABASE_URL is not set; `make demo` starts a local database, see docs/operations.md"
)


def database_url() -> str:
    """DATABASE_URL; there is no default (see the module's docstring)."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        raise ImproperlyConfigured(MISSING_DATABASE_URL)
    return url


def conn_max_age() -> int:
    """POLYDESK_CONN_MAX_AGE: seconds a process keeps its database connection (60; 0 closes
    it after each request). Its PostgreSQL backend caches every client schema it touches
    (docs/operations.md, "Past one database")."""
    raw = os.environ.get("POLYDESK_CONN_MAX_AGE", "60").strip()
    if not raw.isdigit():
        raise ImproperlyConfigured(f"POLYDESK_CONN_MAX_AGE: whole seconds from 0 on, not {raw!r}")
    return int(raw)


def database_settings() -> dj_database_url.DBConfig:
    config = dj_database_url.parse(
        database_url(), conn_max_age=conn_max_age(), conn_health_checks=True
    )
    # django-tenants wraps the PostgreSQL backend to set the search_path per tenant; ours
    # makes that SET the per-request health check (tenants/postgresql_backend/base.py).
    config["ENGINE"] = "tenants.postgresql_backend"
    return config


def pg_dump() -> str:
    """The ``pg_dump`` that copies the client template (``tenants.cloning``); empty: the one
    on PATH. It must be as new as the server."""
    return os.environ.get("POLYDESK_PG_DUMP", "")


def celery_broker_url() -> str:
    return os.environ.get("CELERY_BROKER_URL", "filesystem://")


def celery_broker_explicit() -> bool:
    """Whether CELERY_BROKER_URL is set (the filesystem default serves one machine only)."""
    return bool(os.environ.get("CELERY_BROKER_URL", "").strip())


def celery_filesystem_folder() -> Path:
    return Path(os.environ.get("CELERY_FILESYSTEM_FOLDER", VAR_DIR / "celery-broker"))


def exchange_rates_url() -> str:
    """Where the daily exchange rates are fetched: the ECB's daily reference rates by
    default; set empty, nothing is fetched (billing.tasks.exchange_rates_fetch_task)."""
    return os.environ.get(
        "POLYDESK_EXCHANGE_RATES_URL",
        "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml",
    )


def default_storage_settings() -> dict:
    """``STORAGES["default"]``, where attachments' bytes live: files under ``var/media``, or
    an S3-compatible bucket through django-storages when ``POLYDESK_S3_BUCKET`` is set.
    Without keys, boto3 finds its own (``AWS_*`` variables, an instance role)."""
    bucket = os.environ.get("POLYDESK_S3_BUCKET", "").strip()
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": os.environ.get("POLYDESK_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("POLYDESK_S3_REGION") or None,
            "access_key": os.environ.get("POLYDESK_S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("POLYDESK_S3_SECRET_ACCESS_KEY") or None,
            "location": os.environ.get("POLYDESK_S3_PREFIX", "").strip("/"),
            # Files are served through our views (who may see them is checked there), never
            # by a public or signed bucket address.
            "default_acl": "private",
            # A name is a content hash: writing it again writes the same bytes.
            "file_overwrite": True,
            # A file read is downloaded into a SpooledTemporaryFile first; django-storages'
            # default (0) never spills it to disk, so a 25 MB download would sit in memory.
            "max_memory_size": 1024 * 1024,
        },
    }


def live_waiters_per_address() -> int:
    """The most long polls the chat widget's live process holds from one client address
    (widget.live.WAITERS_PER_ADDRESS by default); raised for a load test from one machine."""
    return int(os.environ.get("POLYDESK_LIVE_WAITERS_PER_ADDRESS", "200"))


def mail_sink_port() -> int:
    """The demo's SMTP sink (``demo.mail_sink``) listens here on 127.0.0.1."""
    return int(os.environ.get("POLYDESK_MAIL_SINK_PORT", "8025"))


def demo_shop_port() -> int:
    """The demo's fake shops (``demo.shop_fake``: Shopify and WooCommerce) listen here."""
    return int(os.environ.get("POLYDESK_DEMO_SHOP_PORT", "8026"))


def demo_hooks_port() -> int:
    """The demo's webhook receiver (``demo.webhook_receiver``) listens here on 127.0.0.1."""
    return int(os.environ.get("POLYDESK_DEMO_HOOKS_PORT", "8027"))


def mail_sink_refused_domains() -> list[str]:
    """Recipient domains the demo's sink refuses (550), so that the demo shows failed sends."""
    return [domain.lower() for domain in words("POLYDESK_MAIL_SINK_REFUSE", "bounce.invalid")]


def mail_sink_bounce_later_domains() -> list[str]:
    """Recipient domains the demo's sink accepts, then answers with a delivery report (as a
    server does whose mailbox turns out not to exist), so that the demo shows a bounce."""
    return [domain.lower() for domain in words("POLYDESK_MAIL_SINK_BOUNCE_LATER", "gone.invalid")]


# The demo's accounts (development only): made up, with valid check digits, so that the
# demo's invoices show bank details and payment QR codes.
DEMO_BANK_ACCOUNTS = (
    "CZK=CZ6508000000192000145399/GIBACZPX,EUR=CZ1108000000192000145401/GIBACZPX,"
    "HUF=HU42117730161111101800000000/OTPVHUHB,PLN=PL61109010140000071219812874/WBKPPLPP"
)


def bank_accounts(*, development: bool) -> dict[str, tuple[str, str]]:
    """The agency's bank account per invoice currency, {"CZK": (IBAN, BIC)}, from
    POLYDESK_ISSUER_BANK_ACCOUNTS ("CZK=CZ65.../GIBACZPX,EUR=..."; the BIC optional), every
    IBAN and BIC checked (a typo refuses to start rather than print a wrong account on
    every invoice). Unset: the demo's accounts in development, none in production."""
    default = DEMO_BANK_ACCOUNTS if development else ""
    raw = os.environ.get("POLYDESK_ISSUER_BANK_ACCOUNTS", default)
    accounts: dict[str, tuple[str, str]] = {}
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        currency, equals, account = item.partition("=")
        currency = currency.strip().upper()
        if not equals or len(currency) != 3 or not currency.isalpha():
            raise ImproperlyConfigured(
                f"POLYDESK_ISSUER_BANK_ACCOUNTS: {item!r} is not CURRENCY=IBAN/BIC "
                "(e.g. CZK=CZ6508000000192000145399/GIBACZPX)"
            )
        if currency in accounts:
            raise ImproperlyConfigured(f"POLYDESK_ISSUER_BANK_ACCOUNTS: {currency} given twice")
        iban, _, bic = account.partition("/")
        accounts[currency] = bank_account_checked(
            iban=iban, bic=bic, variable=f"POLYDESK_ISSUER_BANK_ACCOUNTS ({currency})"
        )
    return accounts


def bank_account_checked(*, iban: str, bic: str, variable: str) -> tuple[str, str]:
    """(IBAN, BIC) in their compact form, or ImproperlyConfigured saying which is wrong."""

    try:
        iban = stdnum_iban.validate(iban)
    except ValidationError as error:
        raise ImproperlyConfigured(f"{variable}: {iban!r} is not a valid IBAN ({error})") from None
    if bic.strip():
        try:
            bic = stdnum_bic.validate(bic)
        except ValidationError as error:
            raise ImproperlyConfigured(
                f"{variable}: {bic!r} is not a valid BIC ({error})"
            ) from None
    return iban, bic.strip()
