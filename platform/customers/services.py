"""Writes on a client's customers. Callers are already in the client's schema."""

from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from customers.models import BlockedSender, Customer
from customers.registry import ERASERS
from tenants.current import schema_name_current
from tenants.models import Client


@transaction.atomic
def customer_erase(*, customer_id: int, actor: AbstractBaseUser | None = None) -> Customer:
    """Erase a customer's personal data (GDPR art. 17); the row stays for statistics.

    Everywhere: every room that keeps the customer's data registered an eraser
    (``customers.registry``). Idempotent: erasing an erased customer changes nothing. The
    client's audit log records it (``actor``: who asked; none for the system), in the same
    transaction.
    """
    customer = Customer.objects.select_for_update().get(pk=customer_id)
    if customer.erased_at is None:
        # Conversations, the outbox's rows, the queue's summaries and the calls.
        for eraser in ERASERS:
            eraser(customer=customer)
        # A blocked address is the customer's personal data too: it goes with them.
        BlockedSender.objects.filter(
            address__in=[a for a in (customer.email.lower(), customer.phone) if a]
        ).delete()
        customer.name = ""
        customer.email = ""
        customer.phone = ""
        customer.shop_reference = ""
        customer.erased_at = timezone.now()
        customer.save()
        audit_record(
            action=AuditEvent.Action.CUSTOMER_ERASED,
            actor=actor,
            client=Client.objects.get(schema_name=schema_name_current()),
            object_type="customer",
            object_id=customer.pk,
            at=customer.erased_at,
        )
    return customer


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
