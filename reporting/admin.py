"""Report recipients, edited by agency admins on the client's own domain (/admin/)."""

import logging

from django.contrib import admin

from content.admin import content_admin_site
from reporting.models import ReportSettings

audit = logging.getLogger("polydesk.audit")


@admin.register(ReportSettings, site=content_admin_site)
class ReportSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "language"]

    def has_add_permission(self, request):
        return not ReportSettings.objects.exists()  # one row per client

    # As for the content: the audit log, not admin LogEntry rows in the tenant schema.
    def log_addition(self, request, obj, message):
        audit.info("%s added report settings on %s", request.user, request.tenant)

    def log_change(self, request, obj, message):
        audit.info("%s changed report settings on %s", request.user, request.tenant)

    def log_deletions(self, request, queryset):
        audit.info("%s deleted report settings on %s", request.user, request.tenant)
