"""The live wall's drill-down links and the desk's notification preferences
(``{% load desk_live %}``)."""

from datetime import timedelta

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import NOTIFICATION_FIELDS, agent_settings_get
from desk.selectors.inbox import agent_pulse_public
from desk.templatetags.desk_labels import duration
from languages.templatetags.polydesk_format import number

register = template.Library()


@register.simple_tag
def drill(query: str, show: str, count: int) -> str:
    """A count of the wall; above zero, a link to the list of the items it counts."""
    if not count:
        return format_html('<span class="zero">{}</span>', number(count))
    url = f"{reverse('desk-wall-items')}?show={show}&{query}"
    return format_html('<a href="{}" class="drill">{}</a>', url, number(count))


@register.filter
def short_duration(value: timedelta) -> str:
    """A figure's duration: "45 s" under a minute, else as the desk's waits ("1 h 05 min")."""
    seconds = max(round(value.total_seconds()), 0)
    return f"{seconds} s" if seconds < 60 else duration(value)


@register.simple_tag
def notify_preferences(user: User) -> dict[str, bool]:
    """The agent's notification switches, for the desk's script (``json_script``)."""
    preferences = agent_settings_get(agent=user)
    return {name: getattr(preferences, name) for name in NOTIFICATION_FIELDS}


@register.simple_tag
def notify_texts() -> dict[str, str]:
    """The notifications' titles in the page's language ({client}, {count} filled in)."""
    return {
        "call": _("Call for {client}"),
        "chat": _("New chat: {client}"),
        "mine": _("New e-mail for you: {client}"),
        "queue": _("New work in your queue ({count} waiting)"),
        "test": _("Notifications work."),
    }


@register.simple_tag(takes_context=True)
def desk_pulse(context: template.Context) -> str:
    """The pulse the page shows the state of (desk_live.js asks for news once it changes):
    the view's, read before its inbox, else read now."""
    if context.get("pulse"):
        return str(context["pulse"])
    return agent_pulse_public(context["user"]) or ""
