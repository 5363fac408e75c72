"""Provisioning of clients: one call creates the row, the schema and the domain."""

import hashlib
import hmac
import logging
import re
import secrets
import time
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context, schema_exists

from audit.models import AuditEvent
from audit.services import audit_record
from core.tasks import task_enqueue_on_commit
from tenants.cloning import CloneUnavailable, schema_clone, spare_take
from tenants.current import schema_name_current, schema_public_set
from tenants.models import ApiKey, Client, Domain
from tenants.tasks import spares_refill_task

logger = logging.getLogger(__name__)

SLUG_RE = re.compile(r"^[a-z][a-z0-9-]{1,40}$")
PLAIN_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
# Slugs that would collide with the agency's own names, hosts or the template schema.
RESERVED_SLUGS = {"agency", "template", "public", "www", "admin", "api", "static", "mail"}


@dataclass(frozen=True)
class ProvisionResult:
    client: Client
    created: bool
    seconds: float


def schema_name_for_slug(slug: str) -> str:
    """``bohemia-shoes`` -> ``client_bohemia_shoes`` (a valid, unmistakable schema name)."""
    return "client_" + slug.replace("-", "_")


def client_domain_for_slug(slug: str) -> str:
    return f"{slug}.{settings.CLIENT_DOMAIN_SUFFIX}"


def _unapplied_migrations(schema_name: str) -> int:
    with schema_context(schema_name):
        executor = MigrationExecutor(connection)
        targets = executor.loader.graph.leaf_nodes()
        # django-tenants records every app's migrations in each schema (shared apps' as
        # no-ops), so any unapplied migration means the template is behind.
        return len(executor.migration_plan(targets))


# Client schemas read per query by client_schemas_behind: each one's django_migrations is
# locked until the statement ends, and the server's lock table is shared by every session
# (max_locks_per_transaction x max_connections, 6,400 by default).
SCHEMAS_PER_QUERY = 250


def client_schemas_behind(schemas: list[str]) -> list[str]:
    """Those of ``schemas`` that lack a migration the up-to-date template has recorded.

    A no-op deploy then costs a few queries instead of one migration executor (a graph
    plan and a post-migrate pass) per client: django-tenants users report 12 minutes for
    900 clients. A schema with every migration of the template needs nothing, since the
    template is checked against the code first; one without its django_migrations table
    (or no schema at all) is listed too, for the executor to report or fix.
    """
    template = settings.TENANT_BASE_SCHEMA
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT DISTINCT app, name FROM "{template}".django_migrations'  # noqa: S608
        )
        expected = cursor.fetchall()
        cursor.execute(
            "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relname = 'django_migrations' AND c.relkind = 'r' "
            "AND n.nspname = ANY(%s)",
            [schemas],
        )
        # Plain names only go into the statement; any other is left to the executor.
        readable = sorted(
            row[0] for row in cursor.fetchall() if PLAIN_SCHEMA_NAME.fullmatch(row[0])
        )
        up_to_date: set[str] = set()
        apps, names = [app for app, _ in expected], [name for _, name in expected]
        for start in range(0, len(readable), SCHEMAS_PER_QUERY):
            chunk = readable[start : start + SCHEMAS_PER_QUERY]
            missing = " UNION ALL ".join(
                "SELECT %s::text, (SELECT count(*) FROM expected e WHERE NOT EXISTS ("  # noqa: S608
                f'SELECT FROM "{schema}".django_migrations m '
                "WHERE m.app = e.app AND m.name = e.name))"
                for schema in chunk
            )
            cursor.execute(
                "WITH expected AS MATERIALIZED ("  # noqa: S608
                "SELECT * FROM unnest(%s::text[], %s::text[]) AS e(app, name)) " + missing,
                [apps, names, *chunk],
            )
            up_to_date.update(schema for schema, count in cursor.fetchall() if count == 0)
    return [schema for schema in schemas if schema not in up_to_date]


def template_schema_ensure(*, verbosity: int = 0) -> bool:
    """Create or bring up to date the template schema new clients are cloned from.

    Returns True when something was created or migrated. Cloning a stale template with
    faked migrations would give new clients a schema missing tables, so provisioning
    calls this first.
    """
    template = settings.TENANT_BASE_SCHEMA
    changed = False
    if not schema_exists(template):
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA IF NOT EXISTS "{template}"')
        changed = True
    if changed or _unapplied_migrations(template):
        call_command(
            "migrate_schemas",
            tenant=True,
            schema_name=template,
            interactive=False,
            verbosity=verbosity,
        )
        changed = True
    schema_public_set()
    return changed


_template_checked = False


def template_schema_ensure_once() -> None:
    """template_schema_ensure, checked once per process (loading the migration graph costs)."""
    global _template_checked
    if not _template_checked:
        template_schema_ensure()
        _template_checked = True


def agency_ensure(*, name: str = "Polydesk agency", domain: str | None = None) -> Client:
    """The public-schema row and domain that serve the agency site (desk, admin, webhooks)."""
    # Stored in lower case: hosts are matched in lower case (tenants.middleware).
    domain = (domain or settings.AGENCY_DOMAIN).strip().lower()
    agency: Client
    agency, _ = Client.objects.get_or_create(
        schema_name=get_public_schema_name(),
        defaults={
            "name": name,
            "slug": "agency",
            "languages": ["en"],
            "default_language": "en",
            "status": Client.Status.ACTIVE,
            "ready": True,
        },
    )
    Domain.objects.get_or_create(domain=domain, defaults={"tenant": agency, "is_primary": True})
    return agency


def _schema_create(client: Client) -> None:
    """Copy the template into the client's schema, with its migrations recorded: a spare
    cloned ahead of time when one of the template's current state is left, else the clone
    script now."""
    template = settings.TENANT_BASE_SCHEMA
    if spare_take(template=template, schema_name=client.schema_name):
        # The pool is one smaller: a worker clones another once this commits.
        task_enqueue_on_commit(spares_refill_task)
        return
    try:
        with transaction.atomic():
            schema_clone(template=template, schema_name=client.schema_name)
    except CloneUnavailable as error:
        logger.warning("fast clone unavailable (%s); using django-tenants' clone", error)
        # django-tenants' base-schema cloning, then its migrations faked.
        client.create_schema(check_if_exists=True, verbosity=0)


def _validated_client(client: Client) -> None:
    try:
        client.full_clean(exclude=["schema_name"])
    except ValidationError as error:
        raise ValidationError(error.message_dict) from error


def client_provision(
    *,
    slug: str,
    name: str,
    countries: list[str],
    languages: list[str],
    default_language: str | None = None,
    time_zone: str,
    currency: str,
    domain: str | None = None,
    activate: bool = True,
) -> ProvisionResult:
    """Create a client with its schema (cloned from the template) and its portal domain.

    Idempotent: calling it again for an existing slug finishes what is missing (schema,
    domain, ready flag) and changes nothing else.
    """
    started = time.perf_counter()
    if schema_name_current() != get_public_schema_name():
        raise RuntimeError("client_provision runs in the public schema")
    if not SLUG_RE.match(slug):
        raise ValidationError(
            {"slug": "Use 2-41 lower-case letters, digits and hyphens, starting with a letter."}
        )
    if slug in RESERVED_SLUGS or schema_name_for_slug(slug) == settings.TENANT_BASE_SCHEMA:
        raise ValidationError({"slug": f"{slug!r} is reserved; choose another."})
    domain_given = domain is not None
    domain = (domain or client_domain_for_slug(slug)).strip().lower().rstrip(".")
    if domain.startswith("www.") or not re.fullmatch(r"[a-z0-9.-]{3,253}", domain):
        raise ValidationError({"domain": f"{domain!r} is not a host name a portal can use."})
    default_language = default_language or (languages[0] if languages else "")

    template_schema_ensure_once()
    # Row, schema and domain commit together: a failure leaves no half-made client.
    with transaction.atomic():
        # Serialises provisioning of one slug: the row may not exist yet to lock.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"client:{slug}"])
        client = Client.objects.select_for_update().filter(slug=slug).first()
        created = client is None
        if (
            client is not None
            and domain_given
            and not client.domains.filter(domain=domain).exists()
        ):
            raise ValidationError(
                {"domain": f"{slug} exists and is served on other domains; add one in the admin."}
            )
        if created and schema_exists(schema_name_for_slug(slug)):
            raise ValidationError(
                {
                    "slug": f"schema {schema_name_for_slug(slug)} exists without a client: "
                    "an operator must look at it first."
                }
            )
        if client is None:
            client = Client(
                slug=slug,
                schema_name=schema_name_for_slug(slug),
                name=name,
                countries=[c.upper() for c in countries],
                languages=list(languages),
                default_language=default_language,
                time_zone=time_zone,
                currency=currency.upper(),
            )
            _validated_client(client)
            taken = Domain.objects.filter(domain=domain).first()
            if taken:
                raise ValidationError({"domain": f"{domain} already serves {taken.tenant}."})
            client.save()
        if not schema_exists(client.schema_name):
            _schema_create(client)
        if created:
            Domain.objects.create(domain=domain, tenant=client, is_primary=True)
        if activate and client.status == Client.Status.ONBOARDING:
            client.status = Client.Status.ACTIVE
        client.ready = True
        client.save(update_fields=["ready", "status"])
    schema_public_set()
    seconds = time.perf_counter() - started
    logger.info("client %s %s in %.2fs", slug, "created" if created else "checked", seconds)
    return ProvisionResult(client=client, created=created, seconds=seconds)


def client_billing_identity_set(
    *,
    client: Client,
    legal_name: str = "",
    billing_address: str = "",
    billing_country: str = "",
    registration_id: str = "",
    vat_id: str = "",
    billing_email: str = "",
    vat_registered: bool | None = None,
    payment_terms_days: int | None = None,
) -> Client:
    """Set the client's billing identity (the buyer on invoices issued from now on; issued
    ones keep theirs), checked as the admin checks it: ValidationError names the field.
    `vat_registered` and `payment_terms_days` stay as they are when not given."""
    client.legal_name, client.billing_address = legal_name.strip(), billing_address.strip()
    client.billing_country, client.registration_id = billing_country, registration_id.strip()
    client.vat_id, client.billing_email = vat_id.strip(), billing_email.strip()
    if vat_registered is not None:
        client.vat_registered = vat_registered
    if payment_terms_days is not None:
        client.payment_terms_days = payment_terms_days
    _validated_client(client)
    client.save(
        update_fields=[
            "legal_name",
            "billing_address",
            "billing_country",
            "registration_id",
            "vat_id",
            "billing_email",
            "vat_registered",
            "payment_terms_days",
        ]
    )
    return client


# A key's last use is written at most this often (seconds): the API path reads the key
# anyway, and writes nothing for it within the minute.
API_KEY_LAST_USE_EVERY = 60
API_KEY_SCOPES: tuple[str, ...] = tuple(ApiKey.Scope.values)


def _scopes_checked(scopes: Collection[str]) -> list[str]:
    unknown = sorted(set(scopes) - set(API_KEY_SCOPES))
    if unknown:
        raise ValidationError({"scopes": f"Unknown scope(s): {', '.join(unknown)[:80]}."})
    if not scopes:
        raise ValidationError({"scopes": "Choose at least one scope."})
    return [scope for scope in API_KEY_SCOPES if scope in scopes]


def api_key_issue(
    *,
    client: Client,
    name: str,
    scopes: Collection[str] = API_KEY_SCOPES,
    created_by_id: int | None = None,
    request: HttpRequest | None = None,
) -> tuple[ApiKey, str]:
    """A new API key for ``client`` with ``scopes`` (all by default): the row, and the key
    itself (shown once, never stored: only its SHA-256 is); audited, with ``request`` when
    a person issued it."""
    name = name.strip()
    if not name or len(name) > 100:
        raise ValidationError({"name": "Name the key in 1 to 100 characters."})
    prefix = secrets.token_hex(4)
    raw = f"pd_{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        key = ApiKey.objects.create(
            client=client,
            name=name,
            prefix=prefix,
            key_hash=hashlib.sha256(raw.encode()).hexdigest(),
            scopes=_scopes_checked(scopes),
            created_by_id=created_by_id,
        )
        _key_recorded(key, request, change="issued", scopes=key.scopes)
    return key, raw


def _key_recorded(key: ApiKey, request: HttpRequest | None, **details: object) -> None:
    audit_record(
        action=AuditEvent.Action.CLIENT_SETTINGS_CHANGED,
        request=request,
        client=key.client,
        object_type="api_key",
        object_id=key.pk,
        label=key.name,
        details=details,
    )


def api_key_revoke(
    *, client: Client, key_id: int, request: HttpRequest | None = None
) -> ApiKey | None:
    """Revoke ``client``'s key at once (the next request with it is refused); None when the
    client has no such key. Revoking a revoked key changes nothing; audited."""
    with transaction.atomic():
        key = ApiKey.objects.select_for_update().filter(client=client, pk=key_id).first()
        if key is not None and key.revoked_at is None:
            key.revoked_at = timezone.now()
            key.save(update_fields=["revoked_at"])
            _key_recorded(key, request, change="revoked")
    return key


def api_key_scopes_set(
    *, client: Client, key_id: int, scopes: Collection[str], request: HttpRequest | None = None
) -> ApiKey | None:
    """Give ``client``'s live key these ``scopes`` (a key issued before a scope existed lacks
    it; the next request with the key is held to the new ones); None when the client has no
    such key. Raises ValidationError for no or unknown scopes and for a revoked key.
    Audited with the scopes before and after, as revocation is; the same scopes again change
    nothing."""
    checked = _scopes_checked(scopes)
    with transaction.atomic():
        key = ApiKey.objects.select_for_update().filter(client=client, pk=key_id).first()
        if key is None:
            return None
        if key.revoked_at is not None:
            raise ValidationError({"scopes": "A revoked key opens nothing; issue a new one."})
        if key.scopes != checked:
            before, key.scopes = key.scopes, checked
            key.save(update_fields=["scopes"])
            _key_recorded(key, request, change="scopes", scopes=checked, before=before)
    return key


def api_key_find(raw: str, *, now: datetime | None = None) -> ApiKey | None:
    """The live key presented (its client loaded), or None (unknown, revoked, malformed, or
    its client's portal closed). Notes its use, at most once a minute per key."""
    parts = raw.split("_", 2)
    # Our keys are visible ASCII; anything else (a NUL, which PostgreSQL refuses in a
    # query) is no key of ours, not a 500.
    if len(parts) != 3 or parts[0] != "pd" or not (raw.isascii() and raw.isprintable()):
        return None
    key = ApiKey.objects.select_related("client").filter(prefix=parts[1], revoked_at=None).first()
    if key is None:
        return None
    if not hmac.compare_digest(key.key_hash, hashlib.sha256(raw.encode()).hexdigest()):
        return None
    if not key.client.portal_open:
        return None
    _last_use_note(key, now=now or timezone.now())
    return key


def _last_use_note(key: ApiKey, *, now: datetime) -> None:
    """One UPDATE a minute at most per key, and none when the key read says it is recent; the
    condition in the statement keeps parallel requests to one write as well."""
    every = timedelta(seconds=API_KEY_LAST_USE_EVERY)
    if key.last_used_at is not None and now - key.last_used_at < every:
        return
    ApiKey.objects.filter(pk=key.pk).filter(
        Q(last_used_at=None) | Q(last_used_at__lte=now - every)
    ).update(last_used_at=now)
    key.last_used_at = now
