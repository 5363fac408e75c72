"""Writes on a client's customers. Callers are already in the client's schema."""

from django.db import connection, transaction
from django.utils import timezone

from conversations.attachments import attachments_delete_unused
from conversations.models import Attachment, Conversation, Message
from customers.models import Customer
from outbox.models import Delivery
from routing.services import work_summaries_erase


@transaction.atomic
def customer_erase(*, customer_id: int) -> Customer:
    """Erase a customer's personal data (GDPR art. 17); the row stays for statistics.

    Idempotent: erasing an erased customer changes nothing.
    """
    customer = Customer.objects.select_for_update().get(pk=customer_id)
    if customer.erased_at is None:
        from telephony.voice.models import Call
        from telephony.voice.services import calls_erase_for_number

        call_ids = (list(Call.objects.filter(from_number=customer.phone)
                         .values_list("pk", flat=True)) if customer.phone else [])  # fmt: skip
        # Their calls keep their statistics but lose the number and the recordings.
        calls_erase_for_number(phone=customer.phone)
        # What they wrote and what was written to them (and the queue's summaries of it,
        # in the public schema) goes; counts and times stay for the client's statistics.
        conversation_ids = list(customer.conversations.values_list("pk", flat=True))
        Message.objects.filter(conversation_id__in=conversation_ids).update(
            body_text="", body_html="", raw=None
        )
        attachments = Attachment.objects.filter(message__conversation_id__in=conversation_ids)
        hashes = set(attachments.values_list("sha256", flat=True))
        attachments.delete()
        # After the commit: a rolled-back erasure must not have lost the files.
        transaction.on_commit(lambda: attachments_delete_unused(hashes))
        Conversation.objects.filter(pk__in=conversation_ids).update(subject="")
        for kind, ids in (("conversation", conversation_ids), ("call", call_ids)):
            work_summaries_erase(
                schema_name=connection.schema_name, source_kind=kind, source_ids=ids
            )
        # The outbox's rows (public) keep their states and times, not a server's answer
        # that may quote the customer's address.

        Delivery.objects.filter(
            client__schema_name=connection.schema_name, conversation_id__in=conversation_ids
        ).update(subject="", last_error="")
        customer.name = ""
        customer.email = ""
        customer.phone = ""
        customer.shop_reference = ""
        customer.erased_at = timezone.now()
        customer.save()
    return customer
