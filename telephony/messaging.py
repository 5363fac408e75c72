"""Inbound SMS and MMS: what a messaging webhook brings, made ready to file.

An MMS names its media (``NumMedia``, ``MediaUrl<i>``, ``MediaContentType<i>``); Twilio
keeps them behind its API. They are fetched before the message is filed, so that the
customer's photo is an attachment of the very message, in the same transaction. A medium
that cannot be fetched (Twilio unreachable, 404, over the size limit) does not hold the
message back: the text is filed and an internal note says which medium is missing and
why, with its Twilio address, for an agent to ask again or an admin to fetch it.
"""

import logging
import mimetypes
from dataclasses import dataclass, field

from django.http import QueryDict

from conversations.attachments import MAX_ATTACHMENT_BYTES, IncomingFile
from telephony.twilio_api import TwilioApiError, message_medium_fetch

logger = logging.getLogger(__name__)
MAX_MEDIA = 10  # Twilio's own limit for one MMS


@dataclass
class Media:
    files: list[IncomingFile] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # one line each: type, reason, address


def _count(params: QueryDict) -> int:
    try:
        return max(0, min(int(params.get("NumMedia") or 0), MAX_MEDIA))
    except ValueError:
        return 0


def sms_media_fetch(params: QueryDict) -> Media:
    """The media a messaging webhook names, fetched from Twilio; what could not be, said."""
    media = Media()
    sid = params.get("MessageSid", "")
    for index in range(_count(params)):
        url = params.get(f"MediaUrl{index}", "")
        announced = params.get(f"MediaContentType{index}", "")
        try:
            medium = message_medium_fetch(url=url, max_bytes=MAX_ATTACHMENT_BYTES)
        except TwilioApiError as error:
            logger.warning("MMS %s: medium %s not fetched: %s", sid, index, error)
            media.missing.append(f"{announced or 'a medium'} ({error}): {url[:500]}")
            continue
        content_type = announced or medium.content_type
        extension = mimetypes.guess_extension(content_type) or ".bin"
        media.files.append(IncomingFile(f"mms-{index + 1}{extension}", content_type, medium.data))
    return media
