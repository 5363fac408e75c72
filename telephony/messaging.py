"""Inbound SMS and MMS: the text filed at once, the media fetched afterwards.

An MMS names its media (``NumMedia``, ``MediaUrl<i>``, ``MediaContentType<i>``); Twilio
keeps them behind its API. Fetching them can take longer than Twilio waits for the webhook
(15 s) or a web worker lives, so the text is filed first, with an internal note "media
pending" that keeps what the webhook said about each medium (its ``raw``), and the webhook
is answered. A Celery task then fetches each medium and attaches it to the message; a
medium that cannot be fetched (not found, over the size limit, Twilio still unreachable
after the retries) is named in the note with the reason and its Twilio address, for an
agent to ask again or an admin to fetch it. When every medium is attached the note goes.
"""

import hashlib
import json
import logging
import mimetypes
import re
from typing import cast

from django.db import transaction
from django.http import QueryDict

from conversations.attachments import MAX_ATTACHMENT_BYTES, IncomingFile, attachment_store
from conversations.models import Message
from telephony.twilio_api import TwilioApiError, TwilioUnavailable, message_medium_fetch

logger = logging.getLogger(__name__)
MAX_MEDIA = 10  # Twilio's own limit for one MMS
_EXTERNAL_ID_LENGTH = cast(int, Message._meta.get_field("external_id").max_length)  # a CharField
_OURS = re.compile(r"mms-(\d+)\.")  # the name an attached medium gets (_filename)


def media_count(params: QueryDict) -> int:
    """How many media the webhook announces (0 to MAX_MEDIA, whatever it says)."""
    try:
        return max(0, min(int(params.get("NumMedia") or 0), MAX_MEDIA))
    except ValueError:
        return 0


def sms_text(params: QueryDict) -> str:
    """The text to file: the body, or a line saying the SMS or MMS came without one (an
    empty SMS is still a contact, and a conversation needs a text)."""
    text, count = params.get("Body", ""), media_count(params)
    if text.replace("\x00", "").strip():
        return text
    if not count:
        return "[SMS without text]"
    return f"[MMS without text: {count} {'medium' if count == 1 else 'media'}]"


def _marker(message_sid: str) -> str:
    """The external id of an MMS's media note: one note per MMS (a unique constraint)."""
    marker = f"mms-media:{message_sid}"
    if len(marker) > _EXTERNAL_ID_LENGTH:
        marker = f"mms-media:{hashlib.sha256(message_sid.encode()).hexdigest()}"
    return marker


def _lines(media: list[dict], indexes) -> str:
    return "\n".join(
        f"- {media[i]['type'] or 'a medium'}"
        + (f" ({media[i]['missing']})" if media[i].get("missing") else "")
        + f": {media[i]['url'][:500]}"
        for i in indexes
    )


def _filename(index: int, content_type: str) -> str:
    return f"mms-{index + 1}{mimetypes.guess_extension(content_type) or '.bin'}"


def _attached(message: Message) -> set[int]:
    """The indexes of the media already attached to ``message`` (``mms-<n>.<ext>``)."""
    names = message.attachments.values_list("filename", flat=True)
    return {int(found[1]) - 1 for name in names if (found := _OURS.match(name))}


def mms_media_pending(*, message: Message, params: QueryDict) -> bool:
    """In the transaction filing ``message``: note the media its MMS announces, once per
    MessageSid (the caller holds the delivery's lock). True when the note is new and the
    media are to be fetched (``mms_media_fetch_task``), False for none or a retry."""
    count, marker = media_count(params), _marker(message.external_id)
    if not count or Message.objects.filter(channel="sms", external_id=marker).exists():
        return False
    media = [
        {"url": params.get(f"MediaUrl{i}", ""), "type": params.get(f"MediaContentType{i}", "")}
        for i in range(count)
    ]
    Message.objects.create(
        conversation_id=message.conversation_id,
        direction=Message.Direction.NOTE,
        channel="sms",
        external_id=marker,
        created_at=message.created_at,
        body_text="Media of the customer's MMS being fetched from Twilio:\n"
        + _lines(media, range(count)),
        raw=json.dumps(media).encode(),
    )
    return True


def _fetch(medium: dict, *, give_up: bool) -> bytes | str | None:
    """The medium's bytes; the reason it cannot be had (a string); None to try later."""
    try:
        fetched = message_medium_fetch(url=medium["url"], max_bytes=MAX_ATTACHMENT_BYTES)
    except TwilioUnavailable as error:
        return str(error) if give_up else None
    except TwilioApiError as error:
        return str(error)
    medium["type"] = medium["type"] or fetched.content_type
    return fetched.data


def mms_media_fetch(*, message_id: int, message_sid: str, give_up: bool = False) -> bool:
    """Fetch the media of an inbound MMS that are neither attached nor known missing:
    attach each (in its own transaction), name the others in the note. True when some
    could not be fetched for now (Twilio unreachable) and ``give_up`` is False: ask again
    later. Safe to run twice: an attached medium is not fetched again."""
    found = Message.objects.filter(pk=message_id, channel="sms", external_id=message_sid)
    note = Message.objects.filter(channel="sms", external_id=_marker(message_sid))
    if not found.exists() or not note.exists():  # erased since, or done
        return False
    message = found.get()
    raw = note.get().raw
    assert raw is not None  # the note is written with its media
    media = json.loads(bytes(raw))
    later = False
    for index, medium in enumerate(media):
        if medium.get("missing") or index in _attached(message):
            continue
        got = _fetch(medium, give_up=give_up)  # no lock held while Twilio answers
        if got is None:
            later = True
            continue
        with transaction.atomic():
            current = note.select_for_update().first()
            if current is None:
                return False
            assert current.raw is not None  # the note is written with its media
            media_now = json.loads(bytes(current.raw))
            if isinstance(got, str):
                logger.warning("MMS %s: medium %s not fetched: %s", message_sid, index, got)
                media_now[index]["missing"] = got
            elif index not in _attached(message):
                file = IncomingFile(_filename(index, medium["type"]), medium["type"], got)
                attachment_store(message=message, file=file)
            current.raw = json.dumps(media_now).encode()
            current.save(update_fields=["raw"])
    if not later:
        _note_final(note, message)
    return later


@transaction.atomic
def _note_final(note, message: Message) -> None:
    """Every medium attached or known missing: the note names the missing ones, or goes."""
    current = note.select_for_update().first()
    if current is None:
        return
    media = json.loads(bytes(current.raw))
    attached = _attached(message)
    missing = [i for i, medium in enumerate(media) if i not in attached]
    if not missing:
        current.delete()
        return
    current.body_text = "Media of the customer's MMS that could not be fetched from Twilio:\n"
    current.body_text += _lines(media, missing)
    current.save(update_fields=["body_text"])
