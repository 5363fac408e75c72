"""Writes on a client's customers. Callers are already in the client's schema."""

from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import audit_record
from customers.models import BlockedSender, Customer
from customers.registry import ERASERS, MOVERS
from tenants.current import schema_name_current
from tenants.models import Client


@transaction.atomic
def customer_erase(
    *,
    customer_id: int,
    actor: AbstractBaseUser | None = None,
    site: str = "",
    via: str = "",
) -> Customer:
    """Erase a customer's personal data (GDPR art. 17); the row stays for statistics.

    Everywhere: every room that keeps the customer's data registered an eraser
    (``customers.registry``). One person merged from several customers is erased whole:
    asked for a tombstone, its target is erased, and with a target every customer merged
    into it (their addresses and numbers were the person's too). Idempotent: erasing an
    erased customer changes nothing. The client's audit log records it (``actor``: who
    asked, none for the system; ``site``: the host it was asked on; ``via``: desk, portal or
    command), in the same transaction.
    """
    asked = Customer.objects.get(pk=customer_id)
    root_id = asked.merged_into_id or asked.pk
    # The target first, then its tombstones by id: the order customer_merge locks in.
    customer = Customer.objects.select_for_update().get(pk=root_id)
    if customer.merged_into_id is not None:
        # Merged between the read above and the lock: the person is its target now (a
        # target is never merged itself).
        customer = Customer.objects.select_for_update().get(pk=customer.merged_into_id)
    family = [customer, *Customer.objects.select_for_update().filter(merged_into=customer)]
    erased_at = timezone.now()
    for person in family:
        if person.erased_at is None:
            # Conversations, the outbox's rows, the queue's summaries and the calls.
            for eraser in ERASERS:
                eraser(customer=person)
            # A blocked address is the customer's personal data too: it goes with them.
            BlockedSender.objects.filter(
                address__in=[a for a in (person.email.lower(), person.phone) if a]
            ).delete()
            person.name = ""
            person.email = ""
            person.phone = ""
            person.shop_reference = ""
            person.erased_at = erased_at
            person.save()
            audit_record(
                action=AuditEvent.Action.CUSTOMER_ERASED,
                actor=actor,
                client=Client.objects.get(schema_name=schema_name_current()),
                object_type="customer",
                object_id=person.pk,
                details={"via": via} if via else {},
                site=site,
                at=erased_at,
            )
    return customer if asked.pk == customer.pk else Customer.objects.get(pk=asked.pk)


def sender_address(*, email: str, phone: str) -> str:
    """The address a sender is blocked by: the e-mail address (lower case), else the phone
    number; "" for a sender known by neither (an anonymous chat)."""
    return email.strip().lower() or phone.strip()


def sender_block(
    *, address: str, agent_id: int | None, conversation_id: int | None, now: datetime
) -> BlockedSender:
    """Block a sender for this client (the current schema); blocking again keeps the
    first record."""
    blocked, _ = BlockedSender.objects.get_or_create(
        address=address,
        defaults={"blocked_by_id": agent_id, "blocked_at": now, "conversation_id": conversation_id},
    )
    return blocked


def sender_unblock(*, address: str) -> int:
    """Unblock a sender for this client; how many records went (0 or 1)."""
    deleted, _ = BlockedSender.objects.filter(address=address).delete()
    return deleted


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
    *,
    source_id: int,
    target_id: int,
    actor: AbstractBaseUser | None = None,
    now: datetime | None = None,
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
    audit_record(
        action=AuditEvent.Action.MERGED_CUSTOMERS,
        actor=actor,
        client=Client.objects.get(schema_name=schema_name_current()),
        object_type="customer",
        object_id=target.pk,
        details={"merged": source.pk},
        at=now,
    )
    return target
