"""How an event reads on the audit pages and in the CSV, in the reader's language."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent

OBJECT_TYPES = {
    "conversation": _("Conversation"),
    "call": _("Call"),
    "customer": _("Customer"),
    "invoice": _("Invoice"),
    "export": _("Export"),
    "report": _("Report"),
    "price_plan": _("Price plan"),
    "client": _("Client"),
    "report_settings": _("Report settings"),
    "cannedreply": _("Canned reply"),
    "faqarticle": _("FAQ article"),
    "category": _("Category"),
    "messagetemplate": _("Message template"),
    "replysettings": _("Reply settings"),
    "portal_user": _("Portal user"),
    "api_key": _("API key"),
}

DETAILS = {
    "username": _("name tried"),
    "change": _("change"),
    "fields": _("fields"),
    "customer": _("customer"),
    "item": _("work item"),
    "period": _("period"),
    "total": _("total"),
    "currency": _("currency"),
    "credit_note": _("credit note"),
    "reason": _("reason"),
    "language": _("language"),
    "valid_from": _("valid from"),
    "valid_to": _("valid to"),
    "channel": _("channel"),
    "outcome": _("outcome"),
    "role": _("role"),
    "scopes": _("scopes"),
    "recipient": _("recipient"),
    "via": _("via"),
    "bytes": _("bytes"),
    "files": _("files"),
}

CHANGES = {
    "added": _("added"),
    "changed": _("changed"),
    "deleted": _("deleted"),
    # A client's managers on the portal (accounts.portal_users, tenants.services' API keys).
    "invited": _("invited"),
    "invitation_resent": _("invitation sent again"),
    "invitation_accepted": _("invitation accepted"),
    "role_changed": _("role changed"),
    "removed": _("removed"),
    "issued": _("issued"),
    "revoked": _("revoked"),
}


def object_text(event: AuditEvent) -> str:
    """ "Conversation #12", "Invoice #3 2026-000003": the type in the reader's language."""
    if not event.object_type:
        return event.object_label
    kind = str(OBJECT_TYPES.get(event.object_type, event.object_type))
    text = f"{kind} #{event.object_id}" if event.object_id else kind
    if not event.object_label or event.object_label == event.object_id:
        return text
    return f"{text} {event.object_label}"


# A portal user's role (accounts.models.User.PortalRole), as the portal names it.
ROLES = {"viewer": _("Viewer"), "manager": _("Manager")}


def _value(key: str, value: object) -> str:
    if key == "change" and isinstance(value, str):
        return str(CHANGES.get(value, value))
    if key == "role" and isinstance(value, str):
        return str(ROLES.get(value, value))
    if isinstance(value, list):
        return ", ".join(str(each) for each in value)
    return "—" if value is None else str(value)


def details_text(event: AuditEvent) -> str:
    """The details as "name: value" pairs, names in the reader's language."""
    return "; ".join(
        f"{DETAILS.get(key, key)}: {_value(key, value)}"
        for key, value in sorted(event.details.items())
    )


@dataclass(frozen=True)
class EventRow:
    at: datetime
    who: str
    site: str
    client: str
    action: str
    action_code: str
    object: str
    details: str
    ip: str


def action_text(event: AuditEvent) -> str:
    """The action in the reader's language; an export of one customer's data (recorded as
    an export, a zip rather than a CSV) says so."""
    if event.action == AuditEvent.Action.EXPORTED and event.object_type == "customer":
        return str(_("Exported a customer's data"))
    return str(event.get_action_display())


def event_row(event: AuditEvent, *, ip_hidden_for: Collection[int] = ()) -> EventRow:
    """The event as a page or CSV shows it; the address of an actor in ``ip_hidden_for`` is
    left out (a client's managers do not see where the agency's people work from)."""
    return EventRow(
        at=event.at,
        who=event.actor_name or str(_("System")),
        site=event.site,
        client=event.client.name if event.client_id and event.client else "",
        action=action_text(event),
        action_code=event.action,
        object=object_text(event),
        details=details_text(event),
        ip="" if event.actor_id in ip_hidden_for else (event.ip or ""),
    )
