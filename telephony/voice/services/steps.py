"""What every webhook step of a call shares: the client's schema checked, the call the
request names (locked or not), the numbered step and its stored answer.

Twilio retries: each answer is numbered (``Call.step``, carried in the next webhook's
URL) and stored, so a retried request gets the same answer and changes nothing twice.
The call row is locked while a request works on it (``on_call``).
"""

import functools
from collections.abc import Callable
from typing import Any

from django.db import transaction
from twilio.twiml.voice_response import VoiceResponse

from telephony.voice.models import Call, VoiceSettings
from tenants.current import schema_name_current
from tenants.models import Client


def voice_settings() -> VoiceSettings:
    settings, _ = VoiceSettings.objects.get_or_create(pk=1)
    return settings


def schema_check(client: Client) -> None:
    if schema_name_current() != client.schema_name:
        raise RuntimeError("telephony.voice services run in the client's schema")


def step_answer(call: Call, response: VoiceResponse | str) -> str:
    """Store the answer of this step (a retry of the request gets it again)."""
    call.last_twiml = str(response)
    call.save()
    return call.last_twiml


def on_call[R](*, locked: bool) -> Callable[[Callable[..., R]], Callable[..., R | None]]:
    """A webhook's service on the call the request names: callers pass ``client`` and
    ``call_sid``, the service gets ``client`` and the ``call`` (``locked``: locked, in one
    transaction with the service). None, without calling it, when the client has no such
    call (the webhook's 404)."""

    def decorate(service: Callable[..., R]) -> Callable[..., R | None]:
        @functools.wraps(service)
        def with_call(*, client: Client, call_sid: str, **kwargs: Any) -> R | None:
            schema_check(client)
            calls = Call.objects.filter(call_sid=call_sid)
            if locked:
                calls = calls.select_for_update(of=("self",)).select_related("menu")
            call = calls.first()
            if call is None:
                return None
            return service(client=client, call=call, **kwargs)

        return transaction.atomic(with_call) if locked else with_call

    return decorate


def numbered_step(service: Callable[..., str]) -> Callable[..., str]:
    """A numbered step of a locked call: callers pass the ``step`` their URL carries. The
    request expected now moves the step on and gets the service's answer; a retried (or
    stale) one gets the stored answer again, without calling it."""

    @functools.wraps(service)
    def numbered(*, call: Call, step: int | None, **kwargs: Any) -> str:
        if step is not None and step != call.step:
            return call.last_twiml
        call.step += 1
        return service(call=call, **kwargs)

    return numbered
