"""The client's help center switch in the client's content admin (its own domain, /admin/),
kept by agency admins next to the FAQ it publishes; edits go to the client's audit log."""

from django.contrib import admin

from audit.admin import ClientAdminAudited
from content.admin import content_admin_site
from helpcenter.models import HelpCenterSettings


@admin.register(HelpCenterSettings, site=content_admin_site)
class HelpCenterSettingsAdmin(ClientAdminAudited):
    list_display = ["__str__", "enabled"]
    fields = ["enabled"]

    def has_add_permission(self, request):
        return not HelpCenterSettings.objects.exists()  # one row per client
