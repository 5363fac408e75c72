"""The agency's admin: the audit log read-only (its pages are on the desk and the portals),
and the mixin that records a client's settings edited in the admin."""

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from audit.models import AuditEvent
from audit.services import audit_record


def _fields(message: Any) -> list[str]:
    """The field names in Django's change message (``[{"changed": {"fields": [...]}}]``)."""
    names: list[str] = []
    for part in message if isinstance(message, list) else []:
        for what in part.values():
            names.extend(str(name) for name in what.get("fields", []))
    return names


class ClientSettingsAudited(admin.ModelAdmin):
    """For a model with a ``client``: each add, change and delete in the admin goes to that
    client's audit log as a settings change, in the admin's save transaction."""

    def _record(self, request: HttpRequest, obj: Model, change: str, message: Any = None) -> None:
        audit_record(
            action=AuditEvent.Action.CLIENT_SETTINGS_CHANGED,
            request=request,
            client=getattr(obj, "client", None),
            object_type=obj._meta.model_name or "",
            object_id=obj.pk,
            label=str(obj)[:200],
            details={"change": change, "fields": _fields(message)},
        )

    def log_addition(self, request, obj, message):  # type: ignore[no-untyped-def]
        self._record(request, obj, "added")
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):  # type: ignore[no-untyped-def]
        self._record(request, obj, "changed", message)
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):  # type: ignore[no-untyped-def]
        for obj in queryset:
            self._record(request, obj, "deleted")
        return super().log_deletions(request, queryset)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the database refuses changes anyway; the pages are /desk/audit and a
    portal's /audit/."""

    list_display = ["at", "actor_name", "client", "action", "object_type", "object_id", "site"]
    list_filter = ["action"]
    search_fields = ["actor_name", "object_id", "object_label"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
