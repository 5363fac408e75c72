from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django_tenants.management.commands import SyncCommon
from django_tenants.management.commands.migrate_schemas import (
    GET_EXECUTOR_FUNCTION,
    MigrateSchemasCommand,
)
from django_tenants.utils import get_public_schema_name

from core.tasks import task_send
from languages.catalog_review import catalog_messages_sync
from languages.services import catalog_sync
from tenants.cloning import spares_stale_drop
from tenants.models import Client
from tenants.services import agency_ensure, client_schemas_behind, template_schema_ensure
from tenants.tasks import spares_refill_task


class SchemasMigrate(MigrateSchemasCommand):
    """django-tenants' migrate_schemas for the given client schemas only (its own command
    takes one schema or all of them)."""

    def __init__(self, schemas: list[str], **kwargs):
        super().__init__(**kwargs)
        self.schemas = schemas

    def handle(self, *args, **options):
        SyncCommon.handle(self, *args, **options)
        executor = GET_EXECUTOR_FUNCTION(codename=self.executor)(self.args, self.options)
        executor.run_migrations(tenants=list(self.schemas))


class Command(BaseCommand):
    help = (
        "Migrate everything in order: the public schema, the client template schema, then "
        "every client schema that lacks a migration; make sure the agency's own row and "
        "domain exist; drop stale spare schemas and send their refill. Run on deploy."
    )

    def add_arguments(self, parser):
        parser.add_argument("--parallel", action="store_true", help="migrate clients in parallel")

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=verbosity)
        agency_ensure()
        catalog_sync()  # languages added to languages/catalog.py since the last deploy
        catalog_messages_sync()  # the interface translations' review list
        template_schema_ensure(verbosity=verbosity)
        schemas = list(
            Client.objects.exclude(schema_name=get_public_schema_name())
            .order_by("pk")
            .values_list("schema_name", flat=True)
        )
        # Only the schemas behind the template go through the executor: a deploy without
        # client migrations costs a few queries, not one executor run per client.
        behind = client_schemas_behind(schemas)
        if behind:
            call_command(
                SchemasMigrate(behind),
                tenant=True,
                interactive=False,
                verbosity=verbosity,
                executor="shared-state",
                parallel=(
                    getattr(settings, "TENANT_MULTIPROCESSING_MAX_PROCESSES", 2)
                    if options["parallel"]
                    else 1
                ),
            )
        self.stdout.write(
            f"public, template and client schemas are up to date "
            f"({len(behind)} of {len(schemas)} client schemas migrated)"
        )
        # Spares cloned before the template was migrated are never taken (their key is
        # another): drop them now, and send the refill rather than wait up to 5 minutes for
        # beat, so that the next clients get a spare again. A broker that cannot be
        # reached leaves the refill to beat; the deploy does not fail for it.
        dropped = spares_stale_drop(template=settings.TENANT_BASE_SCHEMA)
        sent = task_send(spares_refill_task, schema_name=get_public_schema_name())
        self.stdout.write(
            f"spare schemas: {dropped} stale dropped, refill {'sent' if sent else 'not sent'}"
        )
