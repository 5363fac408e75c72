import shutil
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from customers.export import customer_export
from customers.management.commands._client import client_by_slug
from customers.models import Customer


class Command(BaseCommand):
    help = (
        "Export one customer's data (a subject access request) as a zip: customer.json, "
        "their files and recordings, a README. Recorded in the client's audit log."
    )

    def add_arguments(self, parser):
        parser.add_argument("--client", required=True, help="the client's slug")
        parser.add_argument("--customer", required=True, type=int, help="the customer's id")
        parser.add_argument("--out", required=True, type=Path, help="where to write the zip")

    def handle(self, *args, **options):
        client = client_by_slug(options["client"])
        out: Path = options["out"]
        if not out.parent.is_dir():
            raise CommandError(f"Cannot write {out}: no folder {out.parent}.")
        with schema_context(client.schema_name):
            try:
                export = customer_export(
                    customer_id=options["customer"], via="command", directory=str(out.parent)
                )
            except Customer.DoesNotExist:
                raise CommandError(
                    f"{client.slug} has no customer {options['customer']}."
                ) from None
        shutil.move(export.path, out)
        self.stdout.write(
            f"{client.slug} customer {options['customer']}: {export.files} files, "
            f"{export.size} bytes -> {out}"
        )
