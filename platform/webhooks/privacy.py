"""Personal data in webhook deliveries (docs/privacy.md, "Webhooks"): a payload keeps the
customer's name, e-mail, phone and words as they were sent to the client's systems. Erasing
the customer, or the client's retention rule for messages, blanks those fields; the
delivery, its webhook-id, its ids and its attempts (the log) stay."""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from webhooks.models import WebhookDelivery

# The fields of an event's ``data`` (and of its ``customer``) that say who the customer is
# or what they wrote (docs/how-to.md, "receive webhooks"); a call's numbers are the
# customer's and the client's own.
PERSONAL_KEYS = ("name", "email", "phone", "text", "subject", "from_number", "to_number", "reason")
# Rows changed in one transaction by the retention's run.
BATCH = 500


def payload_blank(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload with its personal fields emptied (a copy)."""
    data = _blank(payload.get("data"))
    if isinstance(data.get("customer"), dict):
        data["customer"] = _blank(data["customer"])
    return {**payload, "data": data}


def _blank(part: object) -> dict[str, Any]:
    fields = dict(part) if isinstance(part, dict) else {}
    return {key: "" if key in PERSONAL_KEYS and value else value for key, value in fields.items()}


def _blank_rows(ids: list[int], now: datetime) -> int:
    rows = list(WebhookDelivery.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    for row in rows:
        row.payload, row.personal_removed_at = payload_blank(row.payload), now
    WebhookDelivery.objects.bulk_update(rows, ["payload", "personal_removed_at"])
    return len(rows)


def deliveries_erase_for_customer(*, customer: Any, now: datetime | None = None) -> int:
    """The customer's eraser (``customers.registry``; in the erasure's transaction and the
    client's schema): their deliveries' payloads lose the personal fields, queued ones too
    (a retry sends what is left). Returns how many."""
    ids = list(WebhookDelivery.objects.filter(customer_id=customer.pk).values_list("pk", flat=True))
    return _blank_rows(ids, now or timezone.now())


def deliveries_move_for_customer(*, source: Any, target: Any) -> int:
    """A merge (``customers.registry``): the source's deliveries are the target's."""
    return WebhookDelivery.objects.filter(customer_id=source.pk).update(customer_id=target.pk)


def deliveries_expire(*, before: datetime, now: datetime | None = None) -> int:
    """The client's retention (``retention.services``, with the rule for messages): the
    payloads of deliveries written before ``before`` lose their personal fields, in
    batches of short transactions. A second run finds nothing more. Returns how many."""
    now = now or timezone.now()
    rows = WebhookDelivery.objects.filter(
        created_at__lt=before, personal_removed_at__isnull=True
    ).exclude(event_type="invoice.issued")
    done, last = 0, 0
    while ids := list(rows.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH]):
        with transaction.atomic():
            done += _blank_rows(ids, now)
        last = ids[-1]
    return done
