"""IVR menus, voice settings and calls in the client's admin (its own domain, /admin/)."""

from django.contrib import admin

from audit.admin import ClientAdminAudited
from audit.models import AuditEvent
from content.admin import ClientLanguagesAdmin, content_admin_site
from telephony.voice.models import Call, Menu, NumberMenu, Option, OutboundCall, VoiceSettings


class OptionInline(admin.TabularInline):
    model = Option
    fk_name = "menu"
    extra = 1

    def get_fields(self, request, obj=None):
        messages = [f"message_{code}" for code in request.tenant.languages]
        return [
            "key",
            "action",
            "target",
            "topic",
            "language",
            "transfer_to",
            *messages,
            "position",
        ]


@admin.register(Menu, site=content_admin_site)
class MenuAdmin(ClientLanguagesAdmin):
    translated = ("prompt",)
    untranslated = ("key", "name", "language_choice", "max_retries", "timeout_seconds")
    list_display = ["key", "name", "language_choice"]
    inlines = [OptionInline]


@admin.register(NumberMenu, site=content_admin_site)
class NumberMenuAdmin(ClientAdminAudited):
    audit_action = AuditEvent.Action.CLIENT_SETTINGS_CHANGED
    list_display = ["number", "menu"]


@admin.register(VoiceSettings, site=content_admin_site)
class VoiceSettingsAdmin(ClientAdminAudited):
    audit_action = AuditEvent.Action.CLIENT_SETTINGS_CHANGED
    list_display = [
        "after_hours",
        "offer_exit_after_seconds",
        "survey",
        "survey_nps",
        "record_calls",
    ]


class TwilioRecordAdmin(ClientAdminAudited):
    """Rows written from Twilio's webhooks only: read, never added or changed by hand."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a return call deleted before its end is reported would go unbilled


@admin.register(Call, site=content_admin_site)
class CallAdmin(TwilioRecordAdmin):
    list_display = [
        "ringing_at",
        "from_number",
        "to_number",
        "language",
        "topic",
        "outcome",
        "wait_seconds",
        "talk_seconds",
        "csat",
        "nps",
        "price",
        "price_currency",
    ]
    list_filter = ["outcome", "language", "topic"]
    search_fields = ["call_sid", "from_number"]
    date_hierarchy = "ringing_at"


@admin.register(OutboundCall, site=content_admin_site)
class OutboundCallAdmin(TwilioRecordAdmin):
    """Return calls: the customer's leg is what the client is billed for."""

    list_display = [
        "started_at",
        "call",
        "agent",
        "status",
        "answered_at",
        "talk_seconds",
        "price",
        "price_currency",
        "error",
    ]
    list_filter = ["status"]
    list_select_related = ["call", "agent"]
    search_fields = ["agent_call_sid", "customer_call_sid", "call__call_sid"]
    date_hierarchy = "started_at"
