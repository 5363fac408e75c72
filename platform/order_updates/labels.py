"""Translated names of order update kinds and states for the desk and the portal (the
models' own labels are English, for the admin and the API)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

KIND_LABELS: dict[str, Promise] = {
    "shipped": _("shipped"),
    "delayed": _("delayed"),
    "out_for_delivery": _("out for delivery"),
    "delivered": _("delivered"),
    "return_received": _("return received"),
    "refund_sent": _("refund sent"),
}

STATE_LABELS: dict[str, Promise] = {
    "sent": _("Sent"),
    "queued": _("Waiting for the quiet hours to end"),
    "no_contact": _("No e-mail address or phone"),
    "disabled": _("Turned off for this kind"),
    "held": _("Held: the template needs a value the event lacks"),
}


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state))
