"""What reporting registers with the rooms below it at start-up (``ReportingConfig.ready()``):
a correction of a conversation (spam, a merge) drops the stored KPI figures of the months it
changed (conversations.corrections); billing's e-mails are written in the language of the
client's documents, which the report settings hold (billing.services.mail)."""

from django_tenants.utils import schema_context, schema_exists

from billing.services.mail import document_language_register
from conversations.corrections import corrected_listener_register
from reporting.services import kpi_snapshots_drop_for, report_language
from tenants.models import Client


def client_document_language(client: Client) -> str:
    """The language of the client's PDFs (the report settings live in its schema; a client
    whose schema is not made yet has its default language)."""
    if not schema_exists(client.schema_name):
        return client.default_language
    with schema_context(client.schema_name):
        return report_language(client=client)


def registrations_make() -> None:
    """Fill the registries (idempotent: ready() may run more than once in tests)."""
    corrected_listener_register(kpi_snapshots_drop_for)
    document_language_register(client_document_language)
