from django.contrib import admin

from routing.models import AgentState, RoutingPolicy, WorkItem


@admin.register(RoutingPolicy)
class RoutingPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "channel",
        "client",
        "fallback_after_seconds",
        "last_resort_after_seconds",
        "offer_timeout_seconds",
    ]


@admin.register(AgentState)
class AgentStateAdmin(admin.ModelAdmin):
    list_display = [
        "agent",
        "presence",
        "capacity_call",
        "capacity_email",
        "capacity_chat",
        "idle_since",
        "heartbeat_at",
    ]
    list_filter = ["presence"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """The queue is written by the router, not by hand."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WorkItem)
class WorkItemAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "client",
        "channel",
        "language",
        "status",
        "agent",
        "waiting_since",
        "due_at",
    ]
    list_filter = ["status", "channel", "language", "client"]
