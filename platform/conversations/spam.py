"""Spam: an agent marks a conversation spam (and blocks its sender for this client), or
intake files a blocked sender's message straight as spam; "Not spam" undoes both.

A spam conversation is kept (nothing a customer sent is lost) but closed: out of the work
queue, never acknowledged or surveyed, no SLA promise counted, not a contact in the
figures, its usage not rated (docs/kpis.md, docs/billing.md). Callers are in the client's
schema; the queue, the SLA clocks and the ledger are in public, written in the same
transaction."""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from audit.models import AuditEvent
from audit.services import audit_record
from billing.services import ConversationBilling, usage_conversation_rated
from conversations.corrections import figures_corrected
from conversations.models import Conversation, Message
from conversations.services import Deadlines, deadlines_for, resolution_clock_started
from customers.models import Customer
from customers.services import sender_address, sender_block, sender_unblock
from hours.services import resolution_clock_cancel
from outbox.services import deliveries_withdraw
from routing.models import WorkItem
from routing.services import work_cancel_for_source, work_enqueue
from tenants.models import Client

# Channels whose sender a person can block: a call is a call (its voicemail or callback
# request is answered by calling), an agent's own e-mail has no sender to block.
SPAM_CHANNELS = ("email", "sms", "chat", "api")


# A merged conversation is the target's now: marking it (or bringing it back) would queue
# or close a conversation nobody answers.
_MERGED_REFUSAL = gettext_lazy("This conversation was merged into #%(target)s: act on that one.")


@dataclass(frozen=True)
class SpamOutcome:
    conversation: Conversation
    # The sender blocked or unblocked ("" for a sender known by neither address).
    address: str
    billing: ConversationBilling


def customer_address(customer: Customer, channel: str) -> str:
    """The address a conversation came from: the phone number of an SMS, else the e-mail
    address (else the phone number)."""
    if channel == "sms":
        return sender_address(email="", phone=customer.phone)
    return sender_address(email=customer.email, phone=customer.phone)


@transaction.atomic
def conversation_mark_spam(
    *, client: Client, conversation_id: int, agent: User, now: datetime | None = None
) -> SpamOutcome:
    """Mark the conversation spam: closed, out of the queue (its agent's load freed), its
    resolution clock stopped unjudged, its usage not rated, and its sender blocked for this
    client. Marking spam again changes nothing."""
    now = now or timezone.now()
    conversation = (
        Conversation.objects.select_for_update(of=("self",))
        .select_related("customer")
        .get(pk=conversation_id)
    )
    if conversation.channel not in SPAM_CHANNELS or conversation.started_by_agent:
        raise ValidationError(_("Only a customer's e-mail, SMS, chat or API message is spam."))
    if conversation.merged_into_id is not None:
        raise ValidationError(_MERGED_REFUSAL % {"target": conversation.merged_into_id})
    address = customer_address(conversation.customer, conversation.channel)
    if conversation.spam:
        return SpamOutcome(conversation, address, ConversationBilling())
    conversation.spam, conversation.spam_at, conversation.spam_by = True, now, agent
    conversation.status, conversation.pending_since = Conversation.Status.CLOSED, None
    conversation.save(update_fields=["spam", "spam_at", "spam_by", "status", "pending_since"])
    work_cancel_for_source(
        client=client, source_kind="conversation", source_id=conversation.pk, now=now
    )
    resolution_clock_cancel(client=client, conversation_id=conversation.pk, now=now)
    # An acknowledgement still queued would tell the sender the address is read.
    deliveries_withdraw(
        client=client,
        conversation_id=conversation.pk,
        reason=_("Not sent: the conversation was marked as spam."),
        now=now,
    )
    if address:
        sender_block(address=address, agent_id=agent.pk, conversation_id=conversation.pk, now=now)
    _note(conversation, agent, now, _("Marked as spam; sender %(address)s blocked."), address)
    return _corrected(client, conversation, agent, now, address, spam=True)


@transaction.atomic
def conversation_not_spam(
    *, client: Client, conversation_id: int, agent: User, now: datetime | None = None
) -> SpamOutcome:
    """Undo spam: the conversation is open and waits in the queue again, its usage is rated
    again, and its sender is unblocked for this client.

    The work item waits since the conversation began (the customer has waited since then)
    and is due by the conversation's first promise when it had one: a wrong spam mark is
    ours to answer for, in the SLA too. A conversation filed as spam at intake was promised
    nothing; its answer is due by the client's promise counted from now."""
    now = now or timezone.now()
    conversation = (
        Conversation.objects.select_for_update(of=("self",))
        .select_related("customer")
        .get(pk=conversation_id)
    )
    if not conversation.spam:
        raise ValidationError(_("This conversation is not marked as spam."))
    if conversation.merged_into_id is not None:  # marked before merges refused spam
        raise ValidationError(_MERGED_REFUSAL % {"target": conversation.merged_into_id})
    address = customer_address(conversation.customer, conversation.channel)
    deadlines = deadlines_for(client, conversation, now)
    due_at, warn_at = _promise(client, conversation, deadlines)
    conversation.spam, conversation.spam_at, conversation.spam_by_id = False, None, None
    conversation.status = Conversation.Status.OPEN
    conversation.first_response_due_at = due_at
    conversation.resolution_due_at = deadlines.resolution_due
    conversation.save(
        update_fields=[
            "spam",
            "spam_at",
            "spam_by",
            "status",
            "first_response_due_at",
            "resolution_due_at",
        ]
    )
    work_enqueue(
        client=client,
        channel=conversation.channel,
        language=conversation.language,
        language_uncertain=conversation.language_uncertain,
        source_kind="conversation",
        source_id=conversation.pk,
        summary=conversation.subject or _first_words(conversation),
        priority=conversation.priority,
        due_at=due_at,
        warn_at=warn_at,
        waiting_since=conversation.created_at,
    )
    resolution_clock_started(client, conversation, deadlines, now)
    if address:
        sender_unblock(address=address)
    _note(conversation, agent, now, _("Not spam; sender %(address)s unblocked."), address)
    return _corrected(client, conversation, agent, now, address, spam=False)


def _corrected(
    client: Client,
    conversation: Conversation,
    agent: User,
    now: datetime,
    address: str,
    *,
    spam: bool,
) -> SpamOutcome:
    """What marking spam and taking it back share: the billing's correction, the stored
    figures of the months it changed dropped, the audit log's record."""
    billing = usage_conversation_rated(
        client=client,
        conversation_id=conversation.pk,
        rated=not spam,
        reason="Marked as spam" if spam else "Not spam",
    )
    figures_corrected(client=client, moments=[conversation.created_at, now])
    audit_record(
        action=AuditEvent.Action.MARKED_SPAM if spam else AuditEvent.Action.UNMARKED_SPAM,
        actor=agent,
        client=client,
        object_type="conversation",
        object_id=conversation.pk,
        # Not the address: the log keeps no customer's e-mail or phone (docs/privacy.md).
        details={"sender_blocked" if spam else "sender_unblocked": bool(address)},
    )
    return SpamOutcome(conversation, address, billing)


def _promise(
    client: Client, conversation: Conversation, deadlines: Deadlines
) -> tuple[datetime, datetime]:
    """The answer's due and warning times for a conversation back from spam: the first
    promise and the warning its item had (else the client's, counted from now)."""
    if conversation.first_response_due_at is None:  # filed as spam: nothing was promised
        return deadlines.answer_due, deadlines.answer_warn
    due = conversation.first_response_due_at
    earlier = (
        WorkItem.objects.filter(
            client=client, source_kind="conversation", source_id=conversation.pk, due_at=due
        )
        .exclude(warn_at=None)
        .order_by("-id")
        .first()
    )
    return due, earlier.warn_at if earlier and earlier.warn_at else min(due, deadlines.answer_warn)


def _first_words(conversation: Conversation) -> str:
    first = conversation.messages.filter(direction=Message.Direction.INBOUND).first()
    return " ".join(first.body_text.split())[:200] if first else ""


def _note(conversation: Conversation, agent: User, now: datetime, text: str, address: str) -> None:
    """An internal note in the thread: who marked or undid spam, and when (the record
    colleagues read; the message list is the conversation's history)."""
    Message.objects.create(
        conversation=conversation,
        direction=Message.Direction.NOTE,
        author=agent,
        channel=conversation.channel,
        body_text=text % {"address": address or "-"},
        created_at=now,
    )
