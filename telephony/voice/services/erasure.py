"""GDPR erasure of a caller's traces on the calls."""

from django.db import transaction

from telephony.voice.models import Call


@transaction.atomic
def calls_erase_for_number(*, phone: str) -> int:
    """GDPR erasure of a caller: their number and recordings are removed from every call
    (the rows stay for statistics). Call it before the customer's phone is blanked."""
    if not phone:
        return 0
    return Call.objects.filter(from_number=phone).update(
        from_number="", recording_url="", voicemail_url="", last_twiml="", path=[]
    )
