"""After the call, at the agent desk: the agent's outcome of an answered call."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.models import User
from conversations.services import conversation_open_inbound
from core.channels import Channel
from core.formats import system_subject, system_text
from telephony.voice.models import Call
from telephony.voice.services.steps import schema_check
from tenants.models import Client


@transaction.atomic
def call_wrap_up(
    *,
    client: Client,
    call_id: int,
    agent: User,
    category: str,
    note: str,
    resolved: bool,
    now: datetime | None = None,
) -> Call:
    """The agent's outcome of an answered call: a category and a note on the call, and
    either "resolved on the call" or "needs follow-up", which opens a conversation (channel
    call, in the caller's language) that waits in the queue like any other. Once per call:
    a second wrap-up (a double click) changes nothing."""
    schema_check(client)
    now = now or timezone.now()
    call = Call.objects.select_for_update().filter(pk=call_id).first()
    if call is None:
        raise Call.DoesNotExist(f"No call {call_id}.")
    if call.wrapped_at:
        return call
    if call.agent_id != agent.pk:
        raise ValidationError("Only the agent who answered the call writes its outcome.")
    category, note = category.strip(), note.strip()
    if len(category) > 64:
        raise ValidationError({"category": "At most 64 characters."})
    if not resolved and not note:
        raise ValidationError({"note": "Say what the follow-up is about."})
    call.wrap_category, call.wrap_note = category, note
    call.wrap_resolved, call.wrapped_at = resolved, now
    if not resolved and call.conversation_id is None:
        text = system_text(
            client,
            gettext_noop("Follow-up of the call from %(number)s: %(note)s"),
            number=call.from_number,
            note=note,
        )
        inbound = conversation_open_inbound(
            client=client,
            channel=Channel.CALL,
            text=text,
            subject=system_subject(client, gettext_noop("Call"), call.from_number),
            customer_phone=call.from_number,
            country=call.country,
            language=call.language,
            external_id=f"followup-{call.call_sid}",
            now=now,
        )
        call.conversation = inbound.conversation
        call.customer_id = call.customer_id or inbound.conversation.customer_id
        if category:
            inbound.conversation.category = category
            inbound.conversation.save(update_fields=["category"])
    call.save()
    return call
