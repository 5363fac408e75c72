"""The client's shop connection in the client's content admin (its own domain, /admin/),
kept by agency admins, with the form of the portal's shop page (orders.forms)."""

from django.contrib import admin

from content.admin import content_admin_site, content_change_record
from orders.forms import ShopConnectionForm
from orders.models import ShopConnection

__all__ = ["ShopConnectionAdmin", "ShopConnectionForm"]


@admin.register(ShopConnection, site=content_admin_site)
class ShopConnectionAdmin(admin.ModelAdmin):
    form = ShopConnectionForm
    list_display = ["__str__", "enabled", "timeout_seconds", "updated_at"]
    fields = [
        "platform",
        "shop_url",
        "api_version",
        "access_token",
        "consumer_key",
        "consumer_secret",
        "secret",
        "webhook_secret",
        "timeout_seconds",
        "enabled",
    ]

    # Edits go to the client's audit log (never the credentials: the label is the platform
    # and address), not to admin LogEntry rows, as content's do (content.admin).
    def log_addition(self, request, obj, message):
        content_change_record(request, obj, "added")

    def log_change(self, request, obj, message):
        content_change_record(request, obj, "changed")

    def log_deletions(self, request, queryset):
        for obj in queryset:
            content_change_record(request, obj, "deleted")
