from django.contrib import admin

from audit.admin import ClientSettingsAudited
from hours.models import BusinessHours, Closure, ResolutionClock, SlaEvent, SlaTarget


@admin.register(BusinessHours)
class BusinessHoursAdmin(ClientSettingsAudited):
    list_display = ["client", "country", "language", "weekly"]
    list_filter = ["client"]


@admin.register(Closure)
class ClosureAdmin(ClientSettingsAudited):
    list_display = ["client", "starts_at", "ends_at", "reason"]
    list_filter = ["client"]


@admin.register(SlaTarget)
class SlaTargetAdmin(ClientSettingsAudited):
    list_display = [
        "client",
        "channel",
        "first_response_hours",
        "resolution_hours",
        "warn_before_hours",
    ]
    list_filter = ["client", "channel"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """SLA events and resolution clocks are written by the services, not by hand."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SlaEvent)
class SlaEventAdmin(ReadOnlyAdmin):
    list_display = ["client", "metric", "item", "resolution", "kind", "due_at", "recorded_at"]
    list_filter = ["metric", "kind", "client"]


@admin.register(ResolutionClock)
class ResolutionClockAdmin(ReadOnlyAdmin):
    list_display = ["client", "conversation_id", "channel", "started_at", "due_at", "resolved_at"]
    list_filter = ["channel", "client"]
