"""The customer's language as a reader says it on the desk: "Čeština (Czech)", its own name
first (capitalised), then its name in the agent's interface language."""

from babel import Locale, UnknownLocaleError
from django import template
from django.utils import translation

from content.placeholders import PLACEHOLDER_NAMES
from conversations.agent_mail import FORWARD_MARKER
from conversations.replies import SIGNATURE_SEPARATOR
from languages.catalog import CATALOG

register = template.Library()


@register.filter
def language_name(code: str) -> str:
    """``cs`` -> "Čeština (Czech)" in English, "Čeština (czeski)" in Polish; the reader's own
    language once ("Čeština" for a Czech reader); an unknown code as it is."""
    language = CATALOG.get(code or "")
    if language is None:
        return code or "—"
    own = language.native_name[:1].upper() + language.native_name[1:]
    try:
        reader = Locale.parse(translation.get_language() or "en", sep="-")
        theirs = reader.languages.get(code) or language.english_name
    except (UnknownLocaleError, ValueError):
        theirs = language.english_name
    return own if theirs.casefold() == own.casefold() else f"{own} ({theirs})"


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
