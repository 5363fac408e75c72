"""How a file is described beside a message, on the desk and the portal: a translated kind
(image, PDF, document...) and whether it is previewed."""

from django import template
from django.utils.translation import gettext as _

from conversations.attachments import PREVIEW_TYPES, safe_content_type
from conversations.models import Attachment

register = template.Library()

_DOCUMENT_WORDS = ("msword", "wordprocessing", "opendocument.text", "rtf")
_SHEET_WORDS = ("excel", "spreadsheet")
_SLIDE_WORDS = ("powerpoint", "presentation")


@register.filter
def previewable(attachment: Attachment) -> bool:
    """A raster image (jpeg, png, gif, webp): shown inline as a thumbnail."""
    return safe_content_type(attachment.content_type) in PREVIEW_TYPES


@register.filter
def attachment_kind(content_type: str) -> str:
    """A short translated word for a MIME type, e.g. "Image (PNG)" or "PDF"."""
    content_type = (content_type or "").split(";")[0].strip().lower()
    major, _slash, minor = content_type.partition("/")
    if content_type == "application/pdf":
        return "PDF"
    if major == "image":
        return _("Image (%(format)s)") % {"format": minor.removeprefix("x-").upper()}
    if any(word in minor for word in _DOCUMENT_WORDS):
        return _("Document")
    if any(word in minor for word in _SHEET_WORDS):
        return _("Spreadsheet")
    if any(word in minor for word in _SLIDE_WORDS):
        return _("Presentation")
    if minor in ("zip", "x-zip-compressed"):
        return "ZIP"
    if major == "text":
        return _("Text")
    if major in ("audio", "video"):
        return _("Audio") if major == "audio" else _("Video")
    return content_type or _("File")
