"""Voicemail: the caller is asked to speak after the beep."""

from twilio.twiml.voice_response import VoiceResponse

from telephony.voice.models import Call
from telephony.voice.services.steps import on_call, voice_settings
from telephony.voice.twiml import hang_up, say_phrase, webhook_url
from tenants.models import Client


def voicemail_offer(client: Client, call: Call, response: VoiceResponse) -> str:
    call.outcome = Call.Outcome.VOICEMAIL
    say_phrase(response, "voicemail", call.language)
    response.record(
        action=webhook_url(client.pk, "voicemail-done"),
        method="POST",
        max_length=voice_settings().voicemail_max_seconds,
        play_beep=True,
        finish_on_key="#",
        recording_status_callback=webhook_url(client.pk, "recording", kind="voicemail"),
        recording_status_callback_method="POST",
    )
    response.hangup()
    return str(response)


@on_call(locked=False)
def voicemail_done(*, client: Client, call: Call) -> str:
    return hang_up(VoiceResponse(), call.language, "voicemail_thanks")
