"""Report recipients, edited by agency admins on the client's own domain (/admin/)."""

from django.contrib import admin

from audit.admin import ClientAdminAudited
from audit.models import AuditEvent
from content.admin import content_admin_site
from reporting.models import ReportSettings


@admin.register(ReportSettings, site=content_admin_site)
class ReportSettingsAdmin(ClientAdminAudited):
    # Who receives the reports, and in which language, is a client setting; the portal's
    # team page records its changes of the recipients under the same name.
    audit_action = AuditEvent.Action.CLIENT_SETTINGS_CHANGED
    list_display = ["__str__", "language"]

    def has_add_permission(self, request):
        return not ReportSettings.objects.exists()  # one row per client

    def audit_object_type(self) -> str:
        return "report_settings"
