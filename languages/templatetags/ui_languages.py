"""The interface languages for the switch in the page header: ``{% ui_languages as choices %}``.

settings.LANGUAGES names each in its own language ("Čeština", "Magyar"); Django's own
``get_available_languages`` would translate those names ("English" becomes "Angličtina")."""

from django import template
from django.conf import settings

register = template.Library()
LONGEST_RETURN = 500  # characters of the page address the switch sends back


@register.simple_tag
def ui_languages() -> list[tuple[str, str]]:
    return list(settings.LANGUAGES)


@register.simple_tag(takes_context=True)
def back_here(context: template.Context) -> str:
    """Where the switch returns to: this page, or the start page when its address is
    unreasonably long (an error page must not echo a 5,000-character query back)."""
    path = context["request"].get_full_path()
    return path if len(path) <= LONGEST_RETURN else "/"
