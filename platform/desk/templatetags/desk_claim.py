"""Names on the desk's claim and assignment parts: a language skill's level."""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

PROFICIENCIES = {"native": _("native"), "fluent": _("fluent"), "basic": _("basic")}


@register.filter
def proficiency_label(level: str) -> str:
    return str(PROFICIENCIES.get(level, level))
