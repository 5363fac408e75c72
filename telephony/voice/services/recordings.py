"""Twilio's recording status webhook: a voicemail, or the recording of an answered call."""

from datetime import datetime

from django.utils import timezone

from conversations.services import conversation_open_inbound
from core.channels import Channel
from telephony.voice.models import Call
from telephony.voice.services.steps import on_call
from tenants.models import Client


@on_call(locked=True)
def recording_received(
    *,
    client: Client,
    call: Call,
    kind: str,
    recording_sid: str,
    url: str,
    status: str,
    seconds: int | None,
    now: datetime | None = None,
) -> bool:
    """Twilio's recording webhook: the link on the call; a voicemail becomes a
    conversation (once per recording). None: no such call."""
    now = now or timezone.now()
    if status != "completed" or not url:
        return False
    if kind != "voicemail":
        call.recording_url = url
        call.save(update_fields=["recording_url"])
        return True
    call.voicemail_url, call.voicemail_seconds = url, seconds
    text = f"Voicemail from {call.from_number} ({seconds or 0} s): {url}"
    if call.topic:
        text += f"\nTopic: {call.topic}"
    inbound = conversation_open_inbound(
        client=client,
        channel=Channel.CALL,
        text=text,
        subject=f"Voicemail {call.from_number}",
        customer_phone=call.from_number,
        country=call.country,
        language=call.language,
        external_id=recording_sid,
        now=now,
    )
    call.conversation = inbound.conversation
    call.customer_id = inbound.conversation.customer_id
    call.save()
    return True
