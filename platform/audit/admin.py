"""The agency's admin: the audit log read-only (its pages are on the desk and the portals),
the mixin that records a client's settings edited in the agency's admin, and the one for a
client's own admin (its domain, /admin/), whose History pages read the audit log."""

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import PAGE_VAR
from django.core.paginator import Paginator
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

from audit.models import AuditEvent
from audit.selectors import object_history
from audit.services import audit_record

HISTORY_PAGE = 100  # Django's own History page size


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


class ClientAdminAudited(admin.ModelAdmin):
    """For a client's own admin (its domain, /admin/): each add, change and delete goes to
    the client's audit log, in the admin's save transaction, instead of Django's admin log
    in the client's schema (whose rows point at users in the public schema); the History
    page lists them, with the admin log's rows written before, by deleted users too."""

    audit_action = AuditEvent.Action.CONTENT_CHANGED

    def audit_object_type(self) -> str:
        return self.opts.model_name or ""

    def _record(self, request: HttpRequest, obj: Model, change: str, message: Any = None) -> None:
        audit_record(
            action=self.audit_action,
            request=request,
            object_type=self.audit_object_type(),
            object_id=obj.pk,
            label=str(obj)[:200],
            details={"change": change, "fields": _fields(message)}
            if change == "changed"
            else {"change": change},
        )

    def log_addition(self, request, obj, message):  # type: ignore[no-untyped-def]
        self._record(request, obj, "added")

    def log_change(self, request, obj, message):  # type: ignore[no-untyped-def]
        self._record(request, obj, "changed", message)

    def log_deletions(self, request, queryset):  # type: ignore[no-untyped-def]
        for obj in queryset:
            self._record(request, obj, "deleted")

    def history_view(  # type: ignore[override]
        self, request: HttpRequest, object_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        # Django's view checks the object and the permission, and renders its template
        # with these lines in place of its own (which join the users, and so drop a
        # deleted user's rows, and never see the audit log).
        entries = object_history(
            client_id=request.tenant.pk,  # type: ignore[attr-defined]
            model=self.model,
            object_type=self.audit_object_type(),
            object_id=unquote(object_id),
        )
        paginator = Paginator(entries, HISTORY_PAGE)
        page = paginator.get_page(request.GET.get(PAGE_VAR, 1))
        context = {
            "action_list": page,
            "page_range": paginator.get_elided_page_range(page.number),
            "pagination_required": paginator.count > HISTORY_PAGE,
            **(extra_context or {}),
        }
        return super().history_view(request, object_id, context)


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
