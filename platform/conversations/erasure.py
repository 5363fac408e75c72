"""A customer's conversations erased (their part of ``customers.services.customer_erase``):
what they wrote and what was written to them goes, with the queue's summaries of it, the
outbox's copies and the API's idempotency keys; counts and times stay for the client's
statistics."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tenants.utils import schema_context

from conversations.attachments import attachments_delete_unused
from conversations.corrections import figures_corrected
from conversations.models import Attachment, Conversation, Message
from customers.models import Customer
from idempotency.models import IdempotentRequest
from outbox.models import Delivery
from routing.services import work_summaries_erase
from tenants.current import schema_name_current
from tenants.models import Client


def conversations_erase_for_customer(*, customer: Customer) -> None:
    """Empty the customer's messages, attachments and subjects (registered eraser)."""
    conversation_ids = list(customer.conversations.values_list("pk", flat=True))
    Message.objects.filter(conversation_id__in=conversation_ids).update(
        body_text="", body_html="", raw=None, unreadable_reason=""
    )
    attachments = Attachment.objects.filter(message__conversation_id__in=conversation_ids)
    hashes = set(attachments.values_list("sha256", flat=True))
    attachments.delete()
    # After the commit: a rolled-back erasure must not have lost the files. In this schema,
    # whichever is active when the commit comes (a caller may have left it by then).
    schema_name = schema_name_current()

    def files_delete() -> None:
        with schema_context(schema_name):
            attachments_delete_unused(hashes)

    transaction.on_commit(files_delete)
    Conversation.objects.filter(pk__in=conversation_ids).update(subject="")
    # The queue's summaries of them, in the public schema.
    work_summaries_erase(
        schema_name=schema_name_current(), source_kind="conversation", source_ids=conversation_ids
    )
    # The outbox's rows (public) keep their states and times, not a server's answer
    # that may quote the customer's address, nor whom a forward of theirs went to.
    Delivery.objects.filter(
        client__schema_name=schema_name_current(), conversation_id__in=conversation_ids
    ).update(subject="", last_error="", recipient="", provider_id="")
    # The API's idempotency keys of them and of the customer's own saves (public): the key
    # is the caller's words and the hash is of a request that carried the customer's. They
    # would expire within a day; a retry of an erased request after this creates a new
    # conversation, as it should.
    made = IdempotentRequest.Made
    IdempotentRequest.objects.filter(
        Q(made=made.CONVERSATION, object_id__in=conversation_ids)
        | Q(made=made.CUSTOMER, object_id=customer.pk),
        client__schema_name=schema_name_current(),
    ).delete()


def conversations_move_to_customer(*, source: Customer, target: Customer) -> None:
    """A customer merge: the source's conversations become the target's (registered mover;
    the search index follows by its trigger on ``customer_id``). Repeat contacts are counted
    per customer: the months of both customers' conversations are corrected."""
    moved = Conversation.objects.filter(customer__in=[source, target])
    figures_corrected(
        client=Client.objects.get(schema_name=schema_name_current()),
        moments=[*moved.values_list("created_at", flat=True).distinct(), timezone.now()],
    )
    Conversation.objects.filter(customer=source).update(customer=target)
