"""A call's outcome as agents and clients read it, translated (the model's own labels are
English, for the admin and the API)."""

from django.utils.translation import gettext_lazy as _

CALL_OUTCOMES = {
    "in_progress": _("In progress"),
    "answered": _("Answered"),
    "abandoned": _("Abandoned in the queue"),
    "ivr_hangup": _("Ended in the menu"),
    "voicemail": _("Voicemail"),
    "callback": _("Callback requested"),
    "transferred": _("Transferred"),
    "information": _("Information played"),
    "closed": _("Closed message"),
    "failed": _("Failed"),
}
