"""The agent's leg: the agent picks up a ringing offer and is bridged to the caller."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from twilio.twiml.voice_response import VoiceResponse

from accounts.models import User
from routing.models import WorkItem
from routing.services import offer_accept
from telephony.voice.models import Call
from telephony.voice.services.steps import schema_check, voice_settings
from telephony.voice.twiml import hang_up, language_name, say_phrase, webhook_url
from tenants.models import Client


@transaction.atomic
def agent_connect(
    *, client: Client, call_id: int, item_id: int, agent: User, now: datetime | None = None
) -> str | None:
    """The agent picked up the ringing offer: accept it and bridge them to the caller
    (Twilio's queue named after the call); an offer gone meanwhile is said so."""
    schema_check(client)
    now = now or timezone.now()
    call = Call.objects.select_for_update().filter(pk=call_id, work_item_id=item_id).first()
    if call is None:
        return None
    response = VoiceResponse()
    language = agent.language or "en"
    if call.completed_at or (call.answered_at and call.agent_id != agent.pk):
        return hang_up(response, language, "offer_gone")  # ended, or someone else has it
    if call.answered_at is None:
        try:
            offer_accept(item_id=item_id, agent=agent, now=now)
        except (ValueError, WorkItem.DoesNotExist):
            return hang_up(response, language, "offer_gone")
        call.answered_at, call.agent_id = now, agent.pk
        call.queue_left_at = call.queue_left_at or now
        call.save()
    # else: Twilio retried this webhook: the same bridge again, nothing accepted twice.
    say_phrase(
        response,
        "agent_whisper",
        language,
        client=client.name,
        language=language_name(call.language),
    )
    record = {}
    if voice_settings().record_calls:
        record = {
            "record": "record-from-answer-dual",
            # The recording belongs to the agent's leg: its recording webhook names the
            # caller's call.
            "recording_status_callback": webhook_url(
                client.pk, "recording", kind="call", call=call.call_sid
            ),
        }
    dial = response.dial(**record)
    dial.queue(call.call_sid)
    return str(response)
