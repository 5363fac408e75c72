"""Demo: one client with a retention rule, so its portal's "Data kept" page has periods and
the next run's counts (the other demo clients keep everything, the default)."""

from collections.abc import Callable

from django.utils import timezone
from django_tenants.utils import schema_context

from retention.models import RetentionRule
from retention.selectors import retention_due
from tenants.models import Client

DEMO_RETENTION_CLIENT = "bohemia-shoes"
DEMO_RETENTION_DAYS = {
    "messages_days": 730,
    "attachments_days": 365,
    "recordings_days": 90,
    "call_details_days": 365,
}


def seed_retention(log: Callable[[str], None]) -> None:
    """The rule of one demo client (one edited in the admin stays), and what it would remove."""
    client = Client.objects.filter(slug=DEMO_RETENTION_CLIENT).first()
    if client is None:
        return
    RetentionRule.objects.get_or_create(client=client, defaults=DEMO_RETENTION_DAYS)
    with schema_context(client.schema_name):
        due = retention_due(client=client, now=timezone.now())
    summary = ", ".join(
        f"{kind.kind} {kind.days} days ({kind.count} due)" for kind in due if kind.days
    )
    log(f"retention of {client.slug}: {summary}")
