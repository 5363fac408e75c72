"""A customer's calls in their export (their part of ``customers.export.customer_export``):
the calls from their number or filed under them, with the caller's own fields, and the
recordings and voicemails fetched from Twilio into the zip. The agent's after-call note is
left out, like the conversations' internal notes: the agency's working notes."""

import tempfile
from collections.abc import Iterator
from typing import IO, Any

from django.db.models import Q

from customers.export import ExportArchive
from customers.models import Customer
from telephony.twilio_api import TwilioApiError, recording_audio
from telephony.voice.models import Call
from telephony.voice.services.recordings import recording_sid_from_url


def calls_export_for_customer(*, customer: Customer, archive: ExportArchive) -> dict[str, Any]:
    """The customer's calls and their recordings (registered exporter)."""
    mine = Q(customer=customer)
    if customer.phone:
        # A call from their number filed under nobody; one filed under another customer who
        # shares the number (a family's or an office's line) is that person's, not theirs.
        mine |= Q(customer__isnull=True, from_number=customer.phone)
    calls = Call.objects.filter(mine).order_by("ringing_at", "pk")
    return {"calls": [_call(call, archive) for call in calls.iterator()]}


def _call(call: Call, archive: ExportArchive) -> dict[str, Any]:
    return {
        "call_sid": call.call_sid,
        "from_number": call.from_number,
        "to_number": call.to_number,
        "country": call.country,
        "language": call.language,
        "topic": call.topic,
        "keys_pressed": call.path,
        "ringing_at": call.ringing_at,
        "answered_at": call.answered_at,
        "completed_at": call.completed_at,
        "wait_seconds": call.wait_seconds,
        "talk_seconds": call.talk_seconds,
        "outcome": call.outcome,
        "csat": call.csat,
        "nps": call.nps,
        "conversation_id": call.conversation_id,
        "recording": _recording(call.call_sid, "recording", call.recording_url, archive),
        "voicemail": _recording(call.call_sid, "voicemail", call.voicemail_url, archive),
    }


def _recording(call_sid: str, kind: str, url: str, archive: ExportArchive) -> dict[str, Any] | None:
    """The audio in the zip, or why it is not there (Twilio no longer has it, or could not
    be asked: the export goes on and says so)."""
    sid = recording_sid_from_url(url)
    if not sid:
        return None
    if not archive.fetching_allowed():
        return {
            "recording_sid": sid,
            "file": None,
            "missing": "not fetched in the page's time: `manage.py customer_export` fetches all",
        }
    # Fetched whole into a temporary file first: a download cut half way must not leave a
    # truncated file in the zip.
    with tempfile.TemporaryFile() as audio:
        try:
            with recording_audio(recording_sid=sid) as chunks:
                if chunks is None:
                    return {"recording_sid": sid, "file": None, "missing": "deleted at Twilio"}
                for chunk in chunks:
                    audio.write(chunk)
        except TwilioApiError as error:
            return {"recording_sid": sid, "file": None, "missing": f"not fetched: {error}"[:200]}
        audio.seek(0)
        path = archive.file_add(
            folder="recordings", name=f"{call_sid}-{kind}.mp3", chunks=_read(audio)
        )
    return {"recording_sid": sid, "file": path}


def _read(file: IO[bytes]) -> Iterator[bytes]:
    while chunk := file.read(64 * 1024):
        yield chunk
