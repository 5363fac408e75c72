"""Django settings. Values from the environment come through config.env only."""

from datetime import timedelta
from typing import Any

import django_stubs_ext
from celery.schedules import crontab
from django.utils.csp import CSP

from config import env

# Generic classes of Django's (``admin.ModelAdmin[Delivery]``) subscriptable at run time,
# as the type checker reads them.
django_stubs_ext.monkeypatch()

BASE_DIR = env.PROJECT_DIR
PLATFORM_DIR = BASE_DIR / "platform"

# "development" (scripts/dev sets it for `make demo`, `make test` and CI) or "production",
# the default: outside development the web app and the Celery processes refuse to start
# with the development key, DEBUG on a public host, or the embedded database or broker
# (config.deployment; `manage.py check --deploy` reports the same).
POLYDESK_ENV = env.environment()
DEBUG = env.flag("DJANGO_DEBUG", default=False)
# The development key is in git: only development may run with it (see above).
SECRET_KEY = env.text("SECRET_KEY", env.DEVELOPMENT_SECRET_KEY)
# Encrypts the shops' credentials (orders.credentials); empty: derived from SECRET_KEY
# (development). docs/operations.md, "Shop credentials".
ORDERS_CREDENTIALS_KEY = env.text("ORDERS_CREDENTIALS_KEY", "")
# Where the demo's fake shops listen (demo.shop_fake; the demo's shop connections point there).
DEMO_SHOP_PORT = env.demo_shop_port()
# Where the demo's webhook receiver listens (demo.webhook_receiver; one demo client's endpoint).
DEMO_HOOKS_PORT = env.demo_hooks_port()

# Client portals live on sub-domains (acme.localhost locally, acme.polydesk.eu in production).
ALLOWED_HOSTS = env.words("ALLOWED_HOSTS", "localhost,.localhost,127.0.0.1,testserver")
CSRF_TRUSTED_ORIGINS = env.words("CSRF_TRUSTED_ORIGINS", "")

# --- HTTPS and the browser's protections (docs/operations.md, "HTTPS and security headers") -------
# Outside development every page is HTTPS only: plain HTTP is redirected, the browser is told
# to remember that (HSTS, client portals' sub-domains included) and the cookies go over HTTPS
# only. Development (`make demo`, the tests) serves plain HTTP on localhost.
_PRODUCTION = POLYDESK_ENV != "development"
if env.flag("BEHIND_TLS_PROXY"):
    # The proxy ends TLS and says so in this header; only set it when the proxy always sets
    # (or strips) the header, or anyone could claim HTTPS.
    SECURE_PROXY_SSL_HEADER = env.proxy_ssl_header()
SECURE_SSL_REDIRECT = env.flag("POLYDESK_SSL_REDIRECT", default=_PRODUCTION)
# A load balancer's health probe speaks plain HTTP to the process itself. Webhooks are not
# exempt: Twilio and the mail providers are given https:// addresses (a redirected POST
# would arrive as a GET or not at all; `check --deploy` warns about an http:// Twilio base).
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = int(env.text("POLYDESK_HSTS_SECONDS", "31536000" if _PRODUCTION else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.flag("POLYDESK_HSTS_INCLUDE_SUBDOMAINS", default=True)
# Preloading binds the agency's domain and every sub-domain to HTTPS in browsers for months,
# beyond our control: an operator's decision, off unless asked for.
SECURE_HSTS_PRELOAD = env.flag("POLYDESK_HSTS_PRELOAD")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.flag(
    "POLYDESK_SECURE_COOKIES", default=_PRODUCTION or env.flag("BEHIND_TLS_PROXY")
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Django's reminder that preloading is off (security.W021) is the decision above, not an
# oversight; every other deploy warning stays.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# The Content-Security-Policy of every response (Django's own middleware, docs/decisions.md
# "Content-Security-Policy"): our own scripts and styles, and inline ones only with the
# request's nonce (templates write it as {{ csp_nonce }}); no plug-ins, no framing, forms
# post to us. The desk plays call recordings and voicemails from Twilio (a redirect from
# /desk/items/<id>/recording): their host is the one foreign source, for audio only.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "media-src": [CSP.SELF, *env.words("POLYDESK_CSP_MEDIA_HOSTS", "https://api.twilio.com")],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# --- tenancy (django-tenants) -------------------------------------------------------------
SHARED_APPS = [
    "django_tenants",
    # Before the admin, as modeltranslation's documentation asks.
    "modeltranslation",
    "tenants",
    "accounts",
    "languages",
    "hours",
    "routing",
    "telephony",
    "billing",
    "outbox",
    "anymail",
    "intake",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "django.contrib.postgres",
    # The sign-in limit's failures (public schema: one count for every site).
    "axes",
    # Two factors (accounts.two_factor): authenticator apps and recovery codes, public schema.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "search",
    "desk",
    "demo",
    "idempotency",
    "audit",
    # Each client's retention rule (public: the daily sweep reads them all in one query).
    "retention",
    # Staffing: the contact history per hour, plans, shifts (public: pools span clients).
    "staffing",
    # The project's own deploy checks (config.deployment).
    "config",
    # Beat's schedule, its last runs and the admin's view of them (config.beat): public.
    "django_celery_beat",
    # The chat widget's cross-origin calls (widget.cors); no models.
    "corsheaders",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    # Each client's schema keeps its own admin log: its content types are its own.
    "django.contrib.admin",
    "customers",
    "conversations",
    "content",
    "portal",
    "telephony.voice",
    "reporting",
    "surveys",
    # Each client's webhook endpoints and their deliveries' log (webhooks.models).
    "webhooks",
    # The client's shop connection (the customer's orders on the desk).
    "orders",
    # The shop's order events and the proactive messages they send (order_updates.models).
    "order_updates",
    # The help center's self-service answers, counted as contacts deflected (helpcenter).
    "helpcenter",
    # The chat widget on the shop's site: its settings and chat sessions (widget.models).
    "widget",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Client"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
ROOT_URLCONF = "config.urls_tenant"
# New clients are cloned from this schema with migrations faked (see tenants.services).
TENANT_BASE_SCHEMA = "client_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
# Adds the "shared-state" executor (tenants.executor) that migrate_platform uses: one graph
# and one rendered project state per process for every client schema at the same state.
GET_EXECUTOR_FUNCTION = "tenants.executor.executor_get"
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
# One `SET search_path` per connection and tenant switch instead of one per statement
# (django-tenants resets it after a rollback and on every set_tenant). Measured: the voice
# webhooks' p99 under load fell by three quarters. Turn it off behind a pooler that hands
# one client connection several server sessions (PgBouncer in transaction mode).
TENANT_LIMIT_SET_CALLS = env.flag("POLYDESK_TENANT_LIMIT_SET_CALLS", default=True)
# The router runs its claim as a statement prepared once per connection, with a generic
# plan (see routing.services). Turn it off behind the same kind of pooler: a prepared
# statement lives in one server session.
ROUTING_PREPARED_CLAIM = env.flag("POLYDESK_ROUTING_PREPARED_CLAIM", default=True)
# The agency's own domain (agent desk, admin, webhooks) and the parent of client domains.
AGENCY_DOMAIN = env.text("POLYDESK_AGENCY_DOMAIN", "localhost")
CLIENT_DOMAIN_SUFFIX = env.text("POLYDESK_CLIENT_DOMAIN_SUFFIX", AGENCY_DOMAIN)
SITE_URL_SCHEME = env.text("POLYDESK_URL_SCHEME", "http")
SITE_URL_PORT = env.text("POLYDESK_URL_PORT", "8000")

# Required: without DATABASE_URL the process refuses to start (ImproperlyConfigured).
DATABASES = {"default": env.database_settings()}
# The pg_dump that copies the client template (tenants.cloning); empty: the one on PATH.
PG_DUMP = env.pg_dump()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

MIDDLEWARE = [
    # First, so that every answer carries the policy, the host's refusal included.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "tenants.middleware.ClientHostMiddleware",
    # After the host's client is known (the widget's allowed origins are the client's), before
    # anything that may answer: a preflight is answered here, every answer gets its headers.
    "corsheaders.middleware.CorsMiddleware",
    "intake.middleware.MailIntakeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The user's language first: the isolation's refusal page speaks it.
    "languages.middleware.UserLanguageMiddleware",
    "tenants.middleware.ClientIsolationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked sign-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PLATFORM_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # {{ csp_nonce }}: the request's nonce for the policy's script-src/style-src.
                "django.template.context_processors.csp",
            ],
        },
    },
]
WSGI_APPLICATION = "config.wsgi.application"

AUTH_USER_MODEL = "accounts.User"
# django-axes refuses a locked account or address first; then the password, on the site
# the user may sign in on (accounts.backends).
AUTHENTICATION_BACKENDS = [
    "accounts.backends.SignInLimitBackend",
    "accounts.backends.SiteBoundModelBackend",
]
# --- the sign-in limit (accounts.signin, docs/decisions.md "One sign-in limit") -----------------
# Five failures for an account lock it on every site for 15 minutes (the window restarts
# with each failure); thirty from one address lock the address.
AXES_HANDLER = "accounts.signin.SignInLimitHandler"
AXES_FAILURE_LIMIT = 5
SIGNIN_ADDRESS_FAILURE_LIMIT = 30
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "accounts.signin.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.views.signin_locked_out"
# Successful sign-ins are not kept by axes (who signed in when is the audit log's).
AXES_DISABLE_ACCESS_LOG = True
# Its start-up banner on every process is noise; failures and lock-outs are still logged.
AXES_VERBOSE = False
# A wrong second-factor code is a failed sign-in too (accounts.two_factor_views): never kept.
AXES_SENSITIVE_PARAMETERS = ["code"]
# The name an authenticator app shows next to the codes (accounts.two_factor).
OTP_TOTP_ISSUER = "Polydesk"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# --- languages and time ---------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("cs", "Čeština"),
    ("sk", "Slovenčina"),
    ("pl", "Polski"),
    ("de", "Deutsch"),
    ("hu", "Magyar"),
    ("ro", "Română"),
    ("sl", "Slovenščina"),
    ("hr", "Hrvatski"),
    ("bg", "Български"),
    ("fr", "Français"),
    ("it", "Italiano"),
    ("es", "Español"),
    ("nl", "Nederlands"),
    ("pt", "Português"),
    ("el", "Ελληνικά"),
]
LOCALE_PATHS = [PLATFORM_DIR / "locale"]
# Customer-facing content has a column per catalog language (languages/catalog.py), more
# than the UI languages above; the UI language list stays what the interface is in.
MODELTRANSLATION_LANGUAGES = (
    "cs",
    "sk",
    "pl",
    "de",
    "hu",
    "ro",
    "sl",
    "hr",
    "bg",
    "en",
    "fr",
    "it",
    "es",
    "nl",
    "pt",
    "el",
)
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "static/"
STATICFILES_DIRS = [PLATFORM_DIR / "static"]
STATIC_ROOT = env.VAR_DIR / "static"

# Attachments (conversations.attachments): files under var/media by default, an
# S3-compatible bucket when POLYDESK_S3_BUCKET is set (env.default_storage_settings).
MEDIA_ROOT = env.VAR_DIR / "media"
STORAGES = {
    "default": env.default_storage_settings(),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- e-mail -----------------------------------------------------------------------------------
_EMAIL_BACKEND = env.text("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
MAILERS = {
    "default": {
        "BACKEND": _EMAIL_BACKEND,
        # The connection options belong to the SMTP backend only; others take none.
        "OPTIONS": {
            "host": env.text("EMAIL_HOST", "localhost"),
            "port": int(env.text("EMAIL_PORT", "25")),
            "username": env.text("EMAIL_HOST_USER"),
            "password": env.text("EMAIL_HOST_PASSWORD"),
            "use_tls": env.flag("EMAIL_USE_TLS"),
            # Seconds per socket operation: a silent server must not hold a send (and its
            # outbox lease) for ever.
            "timeout": int(env.text("EMAIL_TIMEOUT", "30")),
        }
        if _EMAIL_BACKEND.endswith("smtp.EmailBackend")
        else {},
    },
}
# Inbound mail: providers' webhooks (django-anymail) and the raw intake for our own MTA.
ANYMAIL = (
    {"WEBHOOK_SECRET": env.text("ANYMAIL_WEBHOOK_SECRET")}
    if env.text("ANYMAIL_WEBHOOK_SECRET")
    else {}
)
MAIL_INTAKE_TOKEN = env.text("POLYDESK_MAIL_INTAKE_TOKEN")
# Inbound mail may be 25 MB (conversations.email_in.MAX_BYTES). A provider's webhook carries
# it base64-encoded in a JSON or form field (4/3 of it), and some send it twice (the raw
# message and its parsed parts): 25 x (1 + 4/3) = 58 MB, so 64 MB lets a 25 MB message through
# every path (intake.middleware answers 413 above it, before the body is read). Files posted
# as such (Mailgun's attachments) stream to temporary files past FILE_UPLOAD_MAX_MEMORY_SIZE,
# which refuses nothing.
DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Receipts of inbound mail (with the bytes of mail nobody receives) are kept this long.
POLYDESK_INBOUND_RECEIPT_DAYS = int(env.text("POLYDESK_INBOUND_RECEIPT_DAYS", "30"))
DEFAULT_FROM_EMAIL = env.text("DEFAULT_FROM_EMAIL", "Polydesk <support@localhost>")

# --- the outbox (outbox.services): everything that leaves -------------------------------------
# A worker holds a message it sends for this long; past it, the sweep gives the message to
# another worker (a worker killed after the server took it but before it was marked sent
# makes the one possible duplicate). Keep it well above EMAIL_TIMEOUT and Twilio's 10 s.
OUTBOX_LEASE_SECONDS = int(env.text("POLYDESK_OUTBOX_LEASE_SECONDS", "120"))
# Temporary failures (connection refused, SMTP 4xx, Twilio 429/5xx) are tried again after
# 30 s, 60 s, 120 s, ... (at most an hour apart); failed for good after this many attempts.
OUTBOX_MAX_ATTEMPTS = int(env.text("POLYDESK_OUTBOX_MAX_ATTEMPTS", "8"))
OUTBOX_RETRY_BASE_SECONDS = int(env.text("POLYDESK_OUTBOX_RETRY_BASE_SECONDS", "30"))
OUTBOX_RETRY_MAX_SECONDS = 3600
# A queued message whose task was sent to the broker but never ran (a broker that lost it)
# is sent again by the sweep after this long.
OUTBOX_REDISPATCH_SECONDS = int(env.text("POLYDESK_OUTBOX_REDISPATCH_SECONDS", "120"))
OUTBOX_SWEEP_SECONDS = float(env.text("POLYDESK_OUTBOX_SWEEP_SECONDS", "30"))

# --- the chat widget (widget): its API's cross-origin calls and its live process -------------
# Only /widget/v1/ answers other origins, and only the client's own shop origins
# (widget.cors, asked per request); never with cookies or credentials.
CORS_URLS_REGEX = r"^/widget/v1/"
CORS_ALLOWED_ORIGINS: list[str] = []
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ("GET", "POST", "OPTIONS")
CORS_ALLOW_HEADERS = ("accept", "accept-language", "content-type")
CORS_PREFLIGHT_MAX_AGE = 600
# A 429's wait, readable by the widget's script.
CORS_EXPOSE_HEADERS = ("retry-after",)
# Where a widget waits for its chat's changes (the live process, widget.live): empty, the
# client's portal origin and /widget/v1/live (a proxy sends that path to the live process).
WIDGET_LIVE_URL = env.text("POLYDESK_WIDGET_LIVE_URL")

# --- outbound webhooks (webhooks.services): a client's endpoints ----------------------------
# How long one POST to an endpoint may take; an endpoint is paused after this many failed
# attempts in a row (or when every attempt failed for 24 hours).
WEBHOOKS_TIMEOUT_SECONDS = float(env.text("POLYDESK_WEBHOOKS_TIMEOUT_SECONDS", "10"))
WEBHOOKS_PAUSE_AFTER_FAILURES = int(env.text("POLYDESK_WEBHOOKS_PAUSE_AFTER_FAILURES", "20"))
# The retry schedule's delays (webhooks.services.RETRY_SCHEDULE, about a day) are multiplied
# by this: 1 always, except in the webhooks benchmark, which retries within seconds.
WEBHOOKS_RETRY_SCALE = float(env.text("POLYDESK_WEBHOOKS_RETRY_SCALE", "1"))
# Endpoints in private or local networks (loopback, 10.x, 192.168.x…): refused outside
# development, where the demo's and the tests' receivers listen on this machine.
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = env.flag(
    "POLYDESK_WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", not _PRODUCTION
)
# The same for a client's shop (orders: the address saved, and again at every request).
ORDERS_ALLOW_PRIVATE_ADDRESSES = env.flag(
    "POLYDESK_ORDERS_ALLOW_PRIVATE_ADDRESSES", not _PRODUCTION
)

# --- invoices -----------------------------------------------------------------------------------
# The agency as the issuer printed on every PDF invoice and credit note (billing.document).
# The demo's default is a name and nothing else: no made-up address, registration number or
# bank account. `manage.py check --deploy` warns while the name is the demo's or the
# address, registration number or IBAN is empty (billing.checks).
INVOICE_ISSUER_DEMO_NAME = "Polydesk demo agency"
INVOICE_ISSUER = {
    "name": env.text("POLYDESK_ISSUER_NAME", INVOICE_ISSUER_DEMO_NAME),
    "address": env.text("POLYDESK_ISSUER_ADDRESS"),
    "registration_id": env.text("POLYDESK_ISSUER_REGISTRATION_ID"),
    # Compact, as VIES and the e-invoice want it ("CZ 246 81 351" -> "CZ24681351").
    "vat_id": "".join(
        env.text("POLYDESK_ISSUER_VAT_ID").replace(".", "").replace("-", "").split()
    ).upper(),
    "iban": env.text("POLYDESK_ISSUER_IBAN"),
    "bic": env.text("POLYDESK_ISSUER_BIC"),
    # Where the agency is established for VAT: its rules and rates apply (billing/vat.py).
    "country": env.text("POLYDESK_ISSUER_COUNTRY", "CZ").upper(),
}
# Payment reminders of an invoice still open this many days after its due date (level 1,
# 2, 3...; billing.services.reminders).
INVOICE_REMINDER_DAYS = env.invoice_reminder_days()
# The agency's bank account per invoice currency ({"CZK": (IBAN, BIC)}), printed with the
# payment QR code on an invoice in that currency (billing.document, "_payment"); a currency
# not listed uses POLYDESK_ISSUER_IBAN/BIC. Checked at start (config.env.bank_accounts).
INVOICE_BANK_ACCOUNTS = env.bank_accounts(development=not _PRODUCTION)
if INVOICE_ISSUER["iban"].strip():
    INVOICE_ISSUER["iban"], INVOICE_ISSUER["bic"] = env.bank_account_checked(
        iban=INVOICE_ISSUER["iban"], bic=INVOICE_ISSUER["bic"], variable="POLYDESK_ISSUER_IBAN/BIC"
    )
# The agency's billing address: the From of invoice e-mails and reminders (billing.services.mail).
BILLING_FROM_EMAIL = env.text("POLYDESK_BILLING_FROM", DEFAULT_FROM_EMAIL)
# The EU's VIES service for VAT ids (REST base URL; empty: VAT ids are checked offline only).
VIES_URL = env.text("POLYDESK_VIES_URL")
# A valid VIES answer younger than this many days is the evidence of a new invoice's reverse
# charge; an older one is asked again (billing.services.vies.vat_evidence_for_issue).
VIES_MAX_AGE_DAYS = int(env.text("POLYDESK_VIES_MAX_AGE_DAYS", "30"))
# Seconds to wait for VIES (it answers in about a second, or says a member state is down).
VIES_TIMEOUT = float(env.text("POLYDESK_VIES_TIMEOUT", "10"))

# --- Celery -------------------------------------------------------------------------------------
CELERY_BROKER_URL = env.celery_broker_url()
# Whether CELERY_BROKER_URL was set at all (config.deployment: production needs it).
CELERY_BROKER_EXPLICIT = env.celery_broker_explicit()
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_folder = env.celery_filesystem_folder()
    for _sub in ("queue", "processed", "control"):
        (_broker_folder / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # One folder for both directions: producers and workers share the queue files.
        "data_folder_in": str(_broker_folder / "queue"),
        "data_folder_out": str(_broker_folder / "queue"),
        "processed_folder": str(_broker_folder / "processed"),
        "control_folder": str(_broker_folder / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
# Where tasks go unless they say otherwise (tests and benchmarks give their worker its own).
CELERY_TASK_DEFAULT_QUEUE = env.text("POLYDESK_CELERY_QUEUE", "celery")
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.flag("CELERY_TASK_ALWAYS_EAGER")
CELERY_TIMEZONE = "UTC"
# Routing chores run every few seconds: cheap queries, and waits that cross a policy's
# threshold must widen who may take an item without anyone asking.
CELERY_BEAT_SCHEDULE: dict = {
    "route-waiting": {"task": "routing.tasks.route_waiting_task", "schedule": 5.0},
    "expire-offers": {"task": "routing.tasks.offers_expire_task", "schedule": 5.0},
    "release-silent-desks": {"task": "routing.tasks.agents_release_stale_task", "schedule": 30.0},
    "sla-sweep": {"task": "hours.tasks.sla_sweep_task", "schedule": 60.0},
    # Inbound mail kept but not filed (a process died between the two steps) is filed again.
    "refile-inbound-mail": {"task": "intake.tasks.receipts_refile_task", "schedule": 120.0},
    "purge-inbound-receipts": {
        "task": "intake.tasks.receipts_purge_task",
        "schedule": crontab(minute=41, hour=3),
    },
    # Messages left queued (the broker was down, a retry is due) or stuck in sending (a
    # worker died holding them) are sent again: one public query for every client.
    "outbox-sweep": {"task": "outbox.tasks.outbox_sweep_task", "schedule": OUTBOX_SWEEP_SECONDS},
    # Conversations left waiting for the customer past the client's limit are resolved.
    "resolve-pending": {
        "task": "conversations.tasks.pending_resolve_task",
        "schedule": crontab(minute=17),
    },
    # Satisfaction surveys of resolved conversations whose delay has passed are sent.
    "send-surveys": {"task": "surveys.tasks.surveys_sweep_task", "schedule": 300.0},
    # Last month's invoices at 12:00 UTC on the 1st, when the month has ended in every
    # time zone; the reports follow an hour later with the invoice as their cost section.
    "issue-invoices": {
        "task": "billing.tasks.invoices_issue_task",
        "schedule": crontab(day_of_month="1", hour="12", minute="0"),
    },
    # Ring the agent's device for each call offer the router made (once per offer).
    "dial-call-offers": {"task": "telephony.tasks.offers_dial_task", "schedule": 2.0},
    # Calls and calls back whose status callback never reached us (our site down, a network
    # split) are finished and billed from Twilio's own record of them.
    "reconcile-calls": {"task": "telephony.tasks.calls_reconcile_task", "schedule": 300.0},
    # Recordings to delete at Twilio (erasure, retention) that Twilio or the broker missed.
    "delete-recordings": {
        "task": "telephony.tasks.recording_deletions_sweep_task",
        "schedule": 600.0,
    },
    # Expired sign-in sessions (a session cookie's server half) are deleted.
    "clear-expired-sessions": {
        "task": "accounts.tasks.sessions_expired_clear_task",
        "schedule": crontab(minute=23, hour=4),
    },
    # The JSON API's idempotency keys are kept 24 hours.
    "expire-idempotency-keys": {
        "task": "idempotency.tasks.idempotency_keys_expire_task",
        "schedule": crontab(minute=41),
    },
    "monthly-reports": {
        "task": "reporting.tasks.monthly_reports_task",
        "schedule": crontab(minute=0, hour=13, day_of_month=1),
    },
    # The ECB publishes its reference rates at about 16:00 CET on TARGET working days:
    # 15:30 UTC is after that in winter (16:30 CET) and summer (17:30 CEST).
    # Audit events past their retention (audit.models.RETENTION_DAYS) are deleted.
    "expire-audit-events": {
        "task": "audit.tasks.audit_events_expire_task",
        "schedule": crontab(minute=53, hour=4),
    },
    # Each client's retention rule applied (retention.tasks): messages, attachments,
    # recordings and call details past their periods are emptied; one run per client.
    "apply-retention": {
        "task": "retention.tasks.retention_sweep_task",
        "schedule": crontab(minute=11, hour=2),
    },
    # Invoice e-mails and reminders whose task was lost or whose retry is due.
    "send-billing-mails": {"task": "billing.tasks.billing_mails_sweep_task", "schedule": 120.0},
    "fetch-exchange-rates": {
        "task": "billing.tasks.exchange_rates_fetch_task",
        "schedule": crontab(minute=30, hour=15, day_of_week="mon-fri"),
    },
    # The work queue's last days rolled into the staffing history the forecast learns from,
    # before the nightly plan (staffing.tasks).
    "roll-contact-hours": {
        "task": "staffing.tasks.contact_hours_roll_recent",
        "schedule": crontab(minute=5, hour=1),
    },
    # The staffing plan of the next four weeks, made again each night from the history.
    "make-staffing-plan": {
        "task": "staffing.tasks.plan_make_task",
        "schedule": crontab(minute=35, hour=1),
    },
    # Spare client schemas cloned ahead of time, so a new client takes one at once; stale
    # ones (a deploy migrated the template) dropped (tenants.tasks).
    "refill-spare-schemas": {"task": "tenants.tasks.spares_refill_task", "schedule": 300.0},
    # Payment reminders of overdue invoices, in the morning of Europe's working day.
    "queue-invoice-reminders": {
        "task": "billing.tasks.invoice_reminders_task",
        "schedule": crontab(minute=7, hour=7),
    },
}
# One beat sends the schedule: django-celery-beat's database schedule behind an advisory lock,
# so that a second beat started by mistake stands by (config.beat). Each send's last run is
# saved at once, so that a standby taking over never sends a due run again.
CELERY_BEAT_SCHEDULER = "config.beat:LockedDatabaseScheduler"
CELERY_BEAT_SYNC_EVERY = 1

# --- integrations -----------------------------------------------------------------------------
REDIS_URL = env.text("REDIS_URL")
# Shared by every web process when set (the sign-in limit, the router's reach cache, the
# desk's client table); without it each process keeps its own memory cache.
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    # Room for every agent's reach: Django's default of 300 entries made a router serving
    # 1,000 agents read most of them again on each decision (measured).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }
# The desk's pulse (routing/pulse.py): a token per client's queue and per agent, bumped by
# whichever process commits the change (a web process, a Celery worker) and read by every
# web process, so never one process's memory: the same Redis when set, else a table in
# PostgreSQL (routing's migration 0005). Its keys are one per client and agent: no culling.
PULSE_CACHE = "pulse"
CACHES[PULSE_CACHE] = (
    {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "pulse",
    }
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "routing_pulse",
        "OPTIONS": {"MAX_ENTRIES": 10_000_000},
    }
)
# The daily exchange rates (billing.services.exchange_rates_fetch); empty: none fetched.
EXCHANGE_RATES_URL = env.exchange_rates_url()
TWILIO_ACCOUNT_SID = env.text("TWILIO_ACCOUNT_SID")
TWILIO_AUTH_TOKEN = env.text("TWILIO_AUTH_TOKEN")
TWILIO_API_BASE_URL = env.text("TWILIO_API_BASE_URL", "https://api.twilio.com")
# Where Twilio reaches our webhooks (absolute URLs in REST calls, e.g. ringing an agent).
TWILIO_WEBHOOK_BASE_URL = env.text(
    "TWILIO_WEBHOOK_BASE_URL", f"{SITE_URL_SCHEME}://{AGENCY_DOMAIN}:{SITE_URL_PORT}"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.text("LOG_LEVEL", "INFO")},
    # django-axes logs every attempt at INFO; failures and lock-outs are warnings.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
