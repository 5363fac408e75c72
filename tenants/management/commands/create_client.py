from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenants.services import client_provision


def _codes(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


class Command(BaseCommand):
    help = "Create a client (schema cloned from the template, portal domain). Safe to re-run."

    def add_arguments(self, parser):
        parser.add_argument("--slug", required=True, help="e.g. bohemia-shoes")
        parser.add_argument("--name", required=True, help="the e-shop's name")
        parser.add_argument("--countries", required=True, type=_codes, help="e.g. CZ,SK")
        parser.add_argument("--languages", required=True, type=_codes, help="e.g. cs,sk,en")
        parser.add_argument("--default-language", help="defaults to the first language")
        parser.add_argument("--time-zone", default="Europe/Prague")
        parser.add_argument("--currency", default="EUR")
        parser.add_argument("--domain", help="defaults to <slug>.<client domain suffix>")

    def handle(self, *args, **options):
        try:
            result = client_provision(
                slug=options["slug"],
                name=options["name"],
                countries=options["countries"],
                languages=options["languages"],
                default_language=options["default_language"],
                time_zone=options["time_zone"],
                currency=options["currency"],
                domain=options["domain"],
            )
        except ValidationError as error:
            problems = "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
            )
            raise CommandError(problems) from error
        client = result.client
        verb = "created" if result.created else "already existed; checked"
        self.stdout.write(
            f"{client.slug} {verb} (schema {client.schema_name}, "
            f"domain {client.get_primary_domain()}, {result.seconds:.2f}s)"
        )
