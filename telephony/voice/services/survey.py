"""The survey after the call: CSAT (1-5), then the Net Promoter question when asked."""

from twilio.twiml.voice_response import VoiceResponse

from telephony.voice.models import Call
from telephony.voice.services.steps import numbered_step, on_call, step_answer, voice_settings
from telephony.voice.twiml import hang_up, say_phrase, webhook_url
from tenants.models import Client

CSAT_KEYS = {"1", "2", "3", "4", "5"}
# The Net Promoter answers, as Twilio sends them (the hash key that ends them is not sent).
NPS_ANSWERS = {str(score) for score in range(11)}
# The NPS question is heard twice at most: a wrong entry (or none) is asked once more.
NPS_TRIES = 2


def survey_ask(client: Client, call: Call, response: VoiceResponse) -> None:
    """The CSAT question, once the agent has hung up (the caller's key comes back to
    survey_answer)."""
    gather = response.gather(
        action=webhook_url(client.pk, "survey", step=call.step),
        method="POST",
        num_digits=1,
        timeout=8,
    )
    say_phrase(gather, "survey", call.language)


@on_call(locked=True)
@numbered_step
def survey_answer(*, client: Client, call: Call, digits: str) -> str:
    """The caller's rating (1-5) after talking to an agent, stored on the call; then the
    Net Promoter question when the client asks it (VoiceSettings.survey_nps)."""
    response = VoiceResponse()
    if digits[:1] not in CSAT_KEYS:
        return step_answer(call, hang_up(response, call.language))
    call.csat = int(digits[:1])
    if not voice_settings().survey_nps:
        return step_answer(call, hang_up(response, call.language, "survey_thanks"))
    call.tries = 0  # the menus are behind: the tries count the NPS question's now
    _nps_question(client, call, response)
    return step_answer(call, response)


def _nps_question(client: Client, call: Call, response: VoiceResponse) -> None:
    """The Net Promoter question (how likely to recommend the shop): one or two keys,
    ended by the hash key (or by the second key: "10" needs none)."""
    action = webhook_url(client.pk, "nps", step=call.step)
    gather = response.gather(
        action=action, method="POST", num_digits=2, finish_on_key="#", timeout=8
    )
    say_phrase(gather, "nps", call.language, client=client.name)
    # Silence, or the hash key alone, does not reach the action: Twilio goes on to the
    # next verb, which comes back without Digits (asked once more, as a wrong entry).
    response.redirect(action, method="POST")


@on_call(locked=True)
@numbered_step
def nps_answer(*, client: Client, call: Call, digits: str) -> str:
    """The caller's Net Promoter answer (0-10), stored on the call once; anything else is
    asked once more, then the caller is thanked and the call ends without one."""
    response = VoiceResponse()
    if call.nps is None and digits in NPS_ANSWERS:
        call.nps = int(digits)
        return step_answer(call, hang_up(response, call.language, "survey_thanks"))
    call.tries += 1
    if call.nps is None and call.tries < NPS_TRIES:
        if digits:
            say_phrase(response, "invalid", call.language)
        _nps_question(client, call, response)
        return step_answer(call, response)
    return step_answer(call, hang_up(response, call.language))
