"""The audit log people read: who signed in, viewed, exported, erased or changed what.

Public schema, append-only (the database refuses UPDATE, and DELETE of a row younger than
the retention: migration 0002). No customer's name, address or words are kept here, only
ids and short labels such as "Conversation #12": erasing a customer never has to reach
into a table that refuses changes (docs/privacy.md).
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

# Rows younger than this cannot be deleted (the trigger of migration 0002 holds the same
# figure; change both together).
RETENTION_DAYS = 730


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        SIGNED_IN = "signed_in", _("Signed in")
        SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
        SIGNED_OUT = "signed_out", _("Signed out")
        CONVERSATION_VIEWED = "conversation_viewed", _("Viewed a conversation")
        CALL_VIEWED = "call_viewed", _("Viewed a call")
        CUSTOMER_VIEWED = "customer_viewed", _("Viewed a customer")
        EXPORTED = "exported", _("Downloaded a CSV export")
        REPORT_DOWNLOADED = "report_downloaded", _("Downloaded a report")
        INVOICE_DOWNLOADED = "invoice_downloaded", _("Downloaded an invoice")
        CUSTOMER_ERASED = "customer_erased", _("Erased a customer")
        CLIENT_SETTINGS_CHANGED = "client_settings_changed", _("Changed client settings")
        CONTENT_CHANGED = "content_changed", _("Changed content")
        PRICE_PLAN_CHANGED = "price_plan_changed", _("Changed a price plan")
        INVOICE_ISSUED = "invoice_issued", _("Issued an invoice")
        INVOICE_CREDITED = "invoice_credited", _("Credited an invoice")
        PAYMENT_RECORDED = "payment_recorded", _("Recorded a payment")
        PAYMENT_ALLOCATED = "payment_allocated", _("Allocated a payment to an invoice")
        PAYMENT_UNALLOCATED = "payment_unallocated", _("Took back a payment's allocation")
        BANK_STATEMENT_IMPORTED = "bank_statement_imported", _("Imported a bank statement")
        MARKED_SPAM = "marked_spam", _("Marked a conversation as spam")
        UNMARKED_SPAM = "unmarked_spam", _("Took back a spam mark")
        MERGED_CONVERSATIONS = "merged_conversations", _("Merged two conversations")
        MERGED_CUSTOMERS = "merged_customers", _("Merged two customers")
        RETENTION_APPLIED = "retention", _("Removed data past its retention period")
        TWO_FACTOR_ENROLLED = "two_factor_enrolled", _("Turned two factors on")
        TWO_FACTOR_REMOVED = "two_factor_removed", _("Removed two factors")
        RECOVERY_CODES_REGENERATED = "recovery_codes_regenerated", _("Made new recovery codes")
        RECOVERY_CODE_USED = "recovery_code_used", _("Signed in with a recovery code")
        BROWSER_REMEMBERED = "browser_remembered", _("Remembered a browser")
        BROWSER_FORGOTTEN = "browser_forgotten", _("Forgot a remembered browser")
        SHIFT_ADDED = "shift_added", _("Added a shift")
        SHIFT_REMOVED = "shift_removed", _("Removed a shift")
        ABSENCE_ADDED = "absence_added", _("Added an absence")
        ABSENCE_REMOVED = "absence_removed", _("Removed an absence")

    at = models.DateTimeField()
    # No database constraint to users or clients, and the user's name kept as it was: a row
    # the database refuses to change must not stop a user from being deleted, and must still
    # say who it was afterwards.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for the system (beat, a command).",
    )
    actor_name = models.CharField(max_length=150, blank=True)
    site = models.CharField(max_length=253, blank=True, help_text="The host it was done on.")
    client = models.ForeignKey(
        "tenants.Client",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        help_text="The client whose data or settings it concerns; empty: the agency's own.",
    )
    action = models.CharField(max_length=32, choices=Action.choices)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(max_length=200, blank=True)
    details = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["client", "-at"], name="audit_client_at"),
            models.Index(fields=["-at"], name="audit_at"),
            models.Index(fields=["actor", "-at"], name="audit_actor_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name or '-'} {self.action}"
