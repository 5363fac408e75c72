"""The reply form's parts: the placeholders, the forward marker and the signature's
separator for the page's script."""

from django import template
from django.utils.html import format_html

from content.placeholders import PLACEHOLDER_NAMES
from conversations.agent_mail import FORWARD_MARKER
from conversations.replies import SIGNATURE_SEPARATOR
from desk.submissions import FIELD, submission_key_new

register = template.Library()


@register.simple_tag
def submission_field() -> str:
    """The form's key, so that a second sending of it sends nothing (desk.submissions)."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, submission_key_new())


@register.simple_tag
def placeholder_names() -> str:
    """The known placeholder names, for the reply box's highlighting (desk-replies.js)."""
    return " ".join(PLACEHOLDER_NAMES)


@register.filter
def before_signature(text: str) -> str:
    """An agent's message as the thread shows it at first: the text above its signature
    (and above a forward's copy of the conversation); the whole text is one click away."""
    cut = len(text)
    for marker in (f"\n{SIGNATURE_SEPARATOR}\n", f"\n{FORWARD_MARKER}"):
        at = text.find(marker)
        if at >= 0:
            cut = min(cut, at)
    return text[:cut].rstrip()
