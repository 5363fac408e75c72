"""Report recipients, edited by agency admins on the client's own domain (/admin/)."""

from django.contrib import admin

from audit.models import AuditEvent
from audit.services import audit_record
from content.admin import content_admin_site
from reporting.models import ReportSettings


def report_settings_change_record(request, obj, change: str) -> None:
    """Who receives the reports, and in which language, is a client setting."""
    audit_record(
        action=AuditEvent.Action.CLIENT_SETTINGS_CHANGED,
        request=request,
        object_type="report_settings",
        object_id=obj.pk,
        details={"change": change},
    )


@admin.register(ReportSettings, site=content_admin_site)
class ReportSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "language"]

    def has_add_permission(self, request):
        return not ReportSettings.objects.exists()  # one row per client

    # As for the content: the audit log, not admin LogEntry rows in the tenant schema.
    def log_addition(self, request, obj, message):
        report_settings_change_record(request, obj, "added")

    def log_change(self, request, obj, message):
        report_settings_change_record(request, obj, "changed")

    def log_deletions(self, request, queryset):
        for obj in queryset:
            report_settings_change_record(request, obj, "deleted")
