from django.contrib import admin
from django.http import HttpRequest

from outbox.models import Delivery


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin[Delivery]):
    """Read only: states change through the outbox's services (the desk's Retry)."""

    list_display = [
        "id",
        "client",
        "channel",
        "kind",
        "state",
        "attempts",
        "queued_at",
        "sent_at",
        "last_error",
    ]
    list_filter = ["state", "channel", "kind", "client"]
    search_fields = ["external_id", "provider_id"]
    date_hierarchy = "queued_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Delivery | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Delivery | None = None) -> bool:
        return False
