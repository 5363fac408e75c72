from django.contrib import admin

from audit.models import AuditEvent
from audit.services import audit_record
from retention.models import KINDS, RetentionRule
from tenants.admin import changed_fields


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):
    """The agency sets each client's periods here; the client's portal shows them."""

    list_display = [
        "client",
        "messages_days",
        "attachments_days",
        "recordings_days",
        "call_details_days",
        "updated_at",
    ]
    search_fields = ["client__name", "client__slug"]
    autocomplete_fields = ["client"]
    readonly_fields = ["updated_at"]

    def _audit(self, request, obj: RetentionRule, message) -> None:
        audit_record(
            action=AuditEvent.Action.CLIENT_SETTINGS_CHANGED,
            request=request,
            client=obj.client,
            object_type="retention_rule",
            object_id=obj.pk,
            label=obj.client.name,
            details={
                "fields": changed_fields(message) or ["retention"],
                **{f"{kind}_days": obj.days(kind) for kind in KINDS},
            },
        )

    # Besides the admin's own log: the client's audit log, in the save's transaction.
    def log_addition(self, request, obj, message):
        self._audit(request, obj, message)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._audit(request, obj, message)
        return super().log_change(request, obj, message)

    def has_delete_permission(self, request, obj=None) -> bool:
        # Empty the periods instead ("kept"): a change the audit log records like any other.
        return False
