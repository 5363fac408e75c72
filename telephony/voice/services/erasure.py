"""GDPR erasure of a caller's traces on the calls."""

from django.db import transaction

from telephony.voice.models import Call
from telephony.voice.services.recordings import call_recordings_delete

# What a call keeps of the caller, emptied by an erasure and by a retention rule: their
# number, the TwiML we said to them (it may name them), the keys they pressed and the menus
# they went through, and the agent's after-call note. Times, durations, outcome, topic,
# scores and price stay for the client's figures.
PERSONAL_FIELDS = {
    "from_number": "",
    "last_twiml": "",
    "path": [],
    "menu_stack": [],
    "wrap_note": "",
}


@transaction.atomic
def calls_erase(*, call_ids: list[int]) -> list[int]:
    """Erase these calls' personal fields; their recordings and voicemails are deleted at
    Twilio (``call_recordings_delete``). Returns the ids erased (the rows stay)."""
    calls = list(Call.objects.select_for_update().filter(pk__in=call_ids).order_by("pk"))
    for call in calls:
        call_recordings_delete(call=call)
    Call.objects.filter(pk__in=[call.pk for call in calls]).update(**PERSONAL_FIELDS)
    return [call.pk for call in calls]


def calls_erase_for_number(*, phone: str) -> int:
    """GDPR erasure of a caller: their number, recordings and notes are removed from every
    call from that number (the rows stay for statistics). Call it before the customer's
    phone is blanked."""
    if not phone:
        return 0
    ids = list(Call.objects.filter(from_number=phone).values_list("pk", flat=True))
    return len(calls_erase(call_ids=ids))
