from django.contrib import admin

from routing.models import (
    AgentState,
    BusinessHours,
    Closure,
    ResolutionClock,
    RoutingPolicy,
    SlaEvent,
    SlaTarget,
    WorkItem,
)


@admin.register(BusinessHours)
class BusinessHoursAdmin(admin.ModelAdmin):
    list_display = ["client", "country", "language", "weekly"]
    list_filter = ["client"]


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ["client", "starts_at", "ends_at", "reason"]
    list_filter = ["client"]


@admin.register(SlaTarget)
class SlaTargetAdmin(admin.ModelAdmin):
    list_display = ["client", "channel", "first_response_hours", "resolution_hours",
                    "warn_before_hours"]  # fmt: skip
    list_filter = ["client", "channel"]


@admin.register(RoutingPolicy)
class RoutingPolicyAdmin(admin.ModelAdmin):
    list_display = ["channel", "client", "fallback_after_seconds", "last_resort_after_seconds",
                    "offer_timeout_seconds"]  # fmt: skip


@admin.register(AgentState)
class AgentStateAdmin(admin.ModelAdmin):
    list_display = ["agent", "presence", "capacity_call", "capacity_email", "capacity_chat",
                    "idle_since", "heartbeat_at"]  # fmt: skip
    list_filter = ["presence"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """The queue and its SLA events are written by the router, not by hand."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WorkItem)
class WorkItemAdmin(ReadOnlyAdmin):
    list_display = ["id", "client", "channel", "language", "status", "agent", "waiting_since",
                    "due_at"]  # fmt: skip
    list_filter = ["status", "channel", "language", "client"]


@admin.register(SlaEvent)
class SlaEventAdmin(ReadOnlyAdmin):
    list_display = ["client", "metric", "item", "resolution", "kind", "due_at", "recorded_at"]
    list_filter = ["metric", "kind", "client"]


@admin.register(ResolutionClock)
class ResolutionClockAdmin(ReadOnlyAdmin):
    list_display = ["client", "conversation_id", "channel", "started_at", "due_at", "resolved_at"]
    list_filter = ["channel", "client"]
