"""Names on the desk's claim and assignment parts: a language skill's level, a language in
the reader's language."""

from django import template
from django.utils.translation import gettext_lazy as _

from routing.selectors import language_name

register = template.Library()

PROFICIENCIES = {"native": _("native"), "fluent": _("fluent"), "basic": _("basic")}


@register.filter
def proficiency_label(level: str) -> str:
    return str(PROFICIENCIES.get(level, level))


@register.filter
def language_label(code: str) -> str:
    """ "Slovak", "slovenština": the language named in the page's language."""
    return language_name(code)
