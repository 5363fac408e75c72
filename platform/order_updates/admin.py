"""The client's order update settings and its order events in the client's content admin
(its own domain, /admin/), kept by agency admins. Events are read-only: what the shop sent
and what Polydesk did about it (a held event says why)."""

from django import forms
from django.contrib import admin

from audit.admin import ClientAdminAudited
from content.admin import content_admin_site
from order_updates.models import Kind, OrderEvent, OrderUpdateSettings


@admin.register(OrderUpdateSettings, site=content_admin_site)
class OrderUpdateSettingsAdmin(ClientAdminAudited):
    list_display = ["__str__", "channel", "quiet_from", "quiet_until", "quiet_sunday"]
    fields = ["kinds", "channel", "quiet_from", "quiet_until", "quiet_sunday"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "kinds":
            return forms.TypedMultipleChoiceField(
                choices=Kind.choices,
                widget=forms.CheckboxSelectMultiple,
                required=False,
                label="Order updates sent",
                help_text=db_field.help_text,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def has_add_permission(self, request):
        return not OrderUpdateSettings.objects.exists()  # one row per client


@admin.register(OrderEvent, site=content_admin_site)
class OrderEventAdmin(ClientAdminAudited):
    list_display = ["received_at", "source", "kind", "order_number", "state", "channel"]
    list_filter = ["state", "kind", "source"]
    search_fields = ["order_number", "event_id"]
    readonly_fields = [field.name for field in OrderEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
