from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenants.models import Client
from tenants.services import client_billing_identity_set, client_provision

# The billing identity's fields, each a flag; omitted ones keep what the client has.
IDENTITY = (
    "legal_name",
    "billing_address",
    "billing_country",
    "registration_id",
    "vat_id",
    "billing_email",
)


def _codes(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _identity_check(given: dict, *, countries: list[str]) -> None:
    """The identity flags checked as the client's own checks would, on an unsaved client."""
    if not given:
        return
    probe = Client(countries=[code.upper() for code in countries], **given)
    errors: dict[str, list[str]] = {}
    try:
        probe.clean_fields(exclude=[f.name for f in Client._meta.fields if f.name not in given])
    except ValidationError as error:
        errors |= error.message_dict
    try:
        probe.clean()
    except ValidationError as error:
        errors |= {k: v for k, v in error.message_dict.items() if k in given}
    if errors:
        raise ValidationError(errors)


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
        identity = parser.add_argument_group("billing identity (the buyer on its invoices)")
        identity.add_argument("--legal-name", help="defaults to --name on invoices")
        identity.add_argument(
            "--billing-address",
            action="append",
            metavar="LINE",
            help="one line of the address; repeat for each line",
        )
        identity.add_argument("--billing-country", help="ISO code, e.g. PL")
        identity.add_argument("--registration-id", help="company registration number")
        identity.add_argument("--vat-id", help="e.g. PL6793014588 (checked)")
        identity.add_argument("--billing-email")

    def handle(self, *args, **options):
        try:
            if options["billing_address"] is not None:
                options["billing_address"] = "\n".join(options["billing_address"])
            given = {field: options[field] for field in IDENTITY if options[field] is not None}
            _identity_check(given, countries=options["countries"])  # before anything is made
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
            client = result.client
            if given:
                kept = {field: getattr(client, field) for field in IDENTITY}
                client_billing_identity_set(client=client, **{**kept, **given})
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                raise CommandError(" ".join(error.messages)) from error
            problems = "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
            )
            raise CommandError(problems) from error
        verb = "created" if result.created else "already existed; checked"
        self.stdout.write(
            f"{client.slug} {verb} (schema {client.schema_name}, "
            f"domain {client.get_primary_domain()}, {result.seconds:.2f}s)"
        )
