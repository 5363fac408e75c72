from django.core.management import call_command
from django.core.management.base import BaseCommand

from languages.catalog_review import catalog_messages_sync
from languages.services import catalog_sync
from tenants.services import agency_ensure, template_schema_ensure


class Command(BaseCommand):
    help = (
        "Migrate everything in order: the public schema, the client template schema, then "
        "every client schema; make sure the agency's own row and domain exist. Run on deploy."
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
        call_command(
            "migrate_schemas",
            tenant=True,
            interactive=False,
            verbosity=verbosity,
            executor="multiprocessing" if options["parallel"] else "standard",
        )
        self.stdout.write("public, template and client schemas are up to date")
