"""The daily retention sweep: beat asks every client with a rule for a run in its schema."""

from celery import shared_task
from django.db import OperationalError

from retention.models import RetentionRule
from retention.services import retention_apply
from tenants.current import schema_name_current
from tenants.models import Client


@shared_task(ignore_result=True)
def retention_sweep_task() -> int:
    """Beat, daily: one run per client that has a rule (one public query)."""
    count = 0
    schemas = RetentionRule.objects.filter(
        client__in=Client.objects.clients().filter(ready=True)
    ).values_list("client__schema_name", flat=True)
    for schema_name in schemas:
        retention_client_task.apply_async(headers={"_schema_name": schema_name})
        count += 1
    return count


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def retention_client_task() -> dict[str, int]:
    """Apply the rule of the schema the task came from; the counts per kind."""
    client = Client.objects.get(schema_name=schema_name_current())
    return retention_apply(client=client).counts
