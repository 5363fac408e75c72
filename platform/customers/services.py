"""Writes on a client's customers. Callers are already in the client's schema."""

import logging
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer
from customers.registry import ERASERS, MOVERS

audit = logging.getLogger("polydesk.audit")


@transaction.atomic
def customer_erase(*, customer_id: int) -> Customer:
    """Erase a customer's personal data (GDPR art. 17); the row stays for statistics.

    Everywhere: every room that keeps the customer's data registered an eraser
    (``customers.registry``). One person merged from several customers is erased whole:
    asked for a tombstone, its target is erased, and with a target every customer merged
    into it (their addresses and numbers were the person's too). Idempotent: erasing an
    erased customer changes nothing.
    """
    asked = Customer.objects.get(pk=customer_id)
    root_id = asked.merged_into_id or asked.pk
    # The target first, then its tombstones by id: the order customer_merge locks in.
    customer = Customer.objects.select_for_update().get(pk=root_id)
    family = [customer, *Customer.objects.select_for_update().filter(merged_into=customer)]
    for person in family:
        if person.erased_at is None:
            # Conversations, the outbox's rows, the queue's summaries and the calls.
            for eraser in ERASERS:
                eraser(customer=person)
            person.name = ""
            person.email = ""
            person.phone = ""
            person.shop_reference = ""
            person.erased_at = timezone.now()
            person.save()
    return customer if asked.pk == customer.pk else Customer.objects.get(pk=asked.pk)


def customer_merge_refusal(*, source: Customer, target: Customer) -> str:
    """Why ``source`` may not be merged into ``target`` ("" when it may), in the active
    language."""
    if source.pk == target.pk:
        return _("A customer cannot be merged with themselves.")
    if source.merged_into_id is not None:
        return _("This customer was already merged into another one.")
    if target.merged_into_id is not None:
        return _("That customer was merged into another one: choose that one instead.")
    if source.erased_at is not None or target.erased_at is not None:
        return _("An erased customer cannot be merged.")
    return ""


@transaction.atomic
def customer_merge(
    *, source_id: int, target_id: int, actor: str, now: datetime | None = None
) -> Customer:
    """Merge customer ``source_id`` into ``target_id`` (one person known twice to the
    client); returns the target. Their conversations and calls move to the target (every
    room registered a mover), the target's empty fields take the source's, and the source
    stays as a tombstone pointing at the target: its e-mail and phone are the target's other
    identities. Raises Customer.DoesNotExist, or ValidationError with the reason."""
    now = now or timezone.now()
    # Both rows locked in one order (lower id first): two merges of one pair wait for each
    # other, and the second sees the first.
    locked = {
        customer.pk: customer
        for customer in Customer.objects.select_for_update()
        .filter(pk__in=[source_id, target_id])
        .order_by("pk")
    }
    if source_id not in locked or target_id not in locked:
        raise Customer.DoesNotExist(f"customer {source_id} or {target_id}")
    source, target = locked[source_id], locked[target_id]
    if refusal := customer_merge_refusal(source=source, target=target):
        raise ValidationError(refusal)
    for mover in MOVERS:
        mover(source=source, target=target)
    # Tombstones of the source now point at the target: never a chain.
    Customer.objects.filter(merged_into=source).update(merged_into=target)
    for field in ("name", "email", "phone", "language", "country", "shop_reference"):
        if not getattr(target, field):
            setattr(target, field, getattr(source, field))
    target.save()
    source.merged_into, source.merged_at = target, now
    source.save(update_fields=["merged_into", "merged_at"])
    audit.info("%s merged customer %s into %s", actor, source.pk, target.pk)
    return target
