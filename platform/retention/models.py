"""How long each client's customers' personal data is kept (public schema, one row a client).

The rule lives in the public schema, next to the client it belongs to: the agency edits it in
its own admin, and the daily sweep reads every client's rule in one query before it enters
any schema (docs/decisions.md, "Retention rules in the public schema").
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Shorter than a month would expire a conversation before its client's monthly report and
# invoice are out, and before a customer's usual complaint window; longer than a hundred
# years is a typo for "forever" (the empty value).
MIN_DAYS = 30
MAX_DAYS = 36_500

# The kinds of data a rule covers, in the order they are shown and applied.
KINDS = ("messages", "attachments", "recordings", "call_details")


def _days_field(verbose_name: str, help_text: str) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(
        verbose_name,
        null=True,
        blank=True,
        validators=[MinValueValidator(MIN_DAYS), MaxValueValidator(MAX_DAYS)],
        help_text=help_text,
    )


class RetentionRule(models.Model):
    """One client's retention periods, in days; empty: kept for as long as the contract."""

    client = models.OneToOneField(
        "tenants.Client", on_delete=models.CASCADE, related_name="retention_rule"
    )
    messages_days = _days_field(
        "messages kept (days)",
        "text, HTML and original e-mail of conversations closed this many days ago "
        f"(at least {MIN_DAYS}; empty: kept)",
    )
    attachments_days = _days_field(
        "attachments kept (days)",
        "files of conversations closed this many days ago, rows and stored bytes "
        f"(at least {MIN_DAYS}; empty: kept)",
    )
    recordings_days = _days_field(
        "recordings and voicemails kept (days)",
        "call recordings and voicemails of calls ended this many days ago, deleted at Twilio "
        f"too (at least {MIN_DAYS}; empty: kept)",
    )
    call_details_days = _days_field(
        "call details kept (days)",
        "a call's caller number, keys pressed, menu steps and after-call note, for calls "
        f"ended this many days ago (at least {MIN_DAYS}; empty: kept)",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "retention rule"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(**{f"{kind}_days__isnull": True})
                    | Q(**{f"{kind}_days__gte": MIN_DAYS, f"{kind}_days__lte": MAX_DAYS})
                ),
                name=f"retention_{kind}_days_range",
            )
            for kind in KINDS
        ]

    def __str__(self) -> str:
        return f"Retention of {self.client}"

    def days(self, kind: str) -> int | None:
        """The period of one kind (one of KINDS); None: kept."""
        value: int | None = getattr(self, f"{kind}_days")
        return value


KIND_LABELS = {
    "messages": _("Messages (text and e-mails)"),
    "attachments": _("Attachments"),
    "recordings": _("Call recordings and voicemails"),
    "call_details": _("Call details (caller number, keys pressed, after-call note)"),
}
