"""The client's help center switch in the client's content admin (its own domain, /admin/),
kept by agency admins next to the FAQ it publishes; edits go to the client's audit log."""

from django.contrib import admin

from content.admin import content_admin_site, content_change_record
from helpcenter.models import HelpCenterSettings


@admin.register(HelpCenterSettings, site=content_admin_site)
class HelpCenterSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "enabled"]
    fields = ["enabled"]

    def has_add_permission(self, request):
        return not HelpCenterSettings.objects.exists()  # one row per client

    def log_addition(self, request, obj, message):
        content_change_record(request, obj, "added")

    def log_change(self, request, obj, message):
        content_change_record(request, obj, "changed")

    def log_deletions(self, request, queryset):
        for obj in queryset:
            content_change_record(request, obj, "deleted")
