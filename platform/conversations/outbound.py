"""What the outbox's delivery states mean for a conversation (registered with the outbox at
start-up, conversations.registrations): a reply that was sent is the first response and is billed;
one that failed for good or bounced brings the conversation back to someone's attention."""

from datetime import datetime

from billing.services import usage_record_first_reply
from conversations.models import Conversation, Message
from core.events import webhook_event_emit
from hours.selectors import client_calendar
from hours.services import resolution_clock_resume
from outbox.models import Delivery
from routing.services import work_enqueue, work_items_responded


def message_sent(*, client, delivery: Delivery, at: datetime) -> None:
    """The channel accepted the message at ``at``: its sent time (and an SMS its Twilio
    SID); an agent's reply then stops the first-response clock and bills the conversation,
    at that moment, not when it was typed. Runs once per delivery, in its own transaction
    right after the mark (``outbox.services.delivery_effects_apply``)."""
    updates: dict[str, object] = {"sent_at": at}
    if delivery.channel == "sms" and delivery.provider_id:
        updates["external_id"] = delivery.provider_id
    Message.objects.filter(pk=delivery.message_pk, sent_at__isnull=True).update(**updates)
    if delivery.kind != Delivery.Kind.REPLY:
        return
    message = Message.objects.only("created_at", "author", "conversation").get(
        pk=delivery.message_pk
    )
    # Locked: two replies marked sent at once must not both count as the first.
    conversation = (
        Conversation.objects.select_for_update()
        .select_related("customer")
        .get(pk=message.conversation_id)
    )
    # The items that were open when the reply was written (the agent may have pressed Done
    # before the server accepted it): their first-response clock stops now.
    work_items_responded(
        client=client,
        source_kind="conversation",
        source_id=conversation.pk,
        written_at=message.created_at,
        at=at,
    )
    usage_record_first_reply(
        client=client, conversation=conversation, agent=message.author_id, at=at
    )
    if conversation.first_response_at is None:
        Conversation.objects.filter(pk=conversation.pk).update(first_response_at=at)


def message_undelivered(*, client, delivery: Delivery, reason: str) -> None:
    """The message failed for good or bounced: an internal note says so, and a conversation
    that was waiting for the customer waits for an agent again (its resolution clock runs
    on: the customer never got the answer), back in the queue with a raised priority and
    no new first-response promise of its own."""
    conversation = Conversation.objects.select_for_update().get(pk=delivery.conversation_pk)
    # The client's systems hear of it; the customer named, so that their erasure finds the
    # event (the reason may quote their address).
    webhook_event_emit(
        client,
        "message.delivery_failed",
        {
            "message_id": delivery.message_id,
            "conversation_id": delivery.conversation_id,
            "customer_id": conversation.customer_id,
            "channel": delivery.channel,
            "state": delivery.state,
            "reason": reason,
        },
    )
    what = "bounced" if delivery.state == Delivery.State.BOUNCED else "could not be sent"
    if delivery.kind == Delivery.Kind.FORWARD:  # the customer is owed nothing new
        Message.objects.create(
            conversation=conversation,
            direction=Message.Direction.NOTE,
            channel=conversation.channel,
            body_text=f"Forward #{delivery.message_id} to {delivery.recipient} {what}: {reason}",
            created_at=delivery.bounced_at or delivery.failed_at or conversation.created_at,
        )
        return
    Message.objects.create(
        conversation=conversation,
        direction=Message.Direction.NOTE,
        channel=conversation.channel,
        body_text=f"Message #{delivery.message_id} to the customer {what}: {reason}",
        created_at=delivery.bounced_at or delivery.failed_at or conversation.created_at,
    )
    if conversation.status in (Conversation.Status.RESOLVED, Conversation.Status.CLOSED):
        return  # settled meanwhile: the note and the wall are enough
    if conversation.status == Conversation.Status.PENDING:
        now = delivery.bounced_at or delivery.failed_at
        assert now is not None  # told when it bounced or failed, so one of the two is set
        calendar = client_calendar(
            client, country=conversation.customer.country, language=conversation.language
        )
        clock = resolution_clock_resume(
            client=client, conversation_id=conversation.pk, calendar=calendar, now=now
        )
        conversation.status, conversation.pending_since = Conversation.Status.OPEN, None
        if clock is not None:
            conversation.resolution_due_at = clock.due_at
        conversation.save(update_fields=["status", "pending_since", "resolution_due_at"])
    work_enqueue(
        client=client,
        channel=conversation.channel,
        language=conversation.language,
        language_uncertain=conversation.language_uncertain,
        source_kind="conversation",
        source_id=conversation.pk,
        summary=conversation.subject,
        priority=1,
    )
