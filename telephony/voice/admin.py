"""IVR menus, voice settings and calls in the client's admin (its own domain, /admin/)."""

from django.contrib import admin

from content.admin import ClientLanguagesAdmin, content_admin_site
from telephony.voice.models import Call, Menu, NumberMenu, Option, VoiceSettings


class OptionInline(admin.TabularInline):
    model = Option
    fk_name = "menu"
    extra = 1

    def get_fields(self, request, obj=None):
        messages = [f"message_{code}" for code in request.tenant.languages]
        return ["key", "action", "target", "topic", "language", "transfer_to", *messages,
                "position"]  # fmt: skip


@admin.register(Menu, site=content_admin_site)
class MenuAdmin(ClientLanguagesAdmin):
    translated = ("prompt",)
    untranslated = ("key", "name", "language_choice", "max_retries", "timeout_seconds")
    list_display = ["key", "name", "language_choice"]
    inlines = [OptionInline]


@admin.register(NumberMenu, site=content_admin_site)
class NumberMenuAdmin(admin.ModelAdmin):
    list_display = ["number", "menu"]


@admin.register(VoiceSettings, site=content_admin_site)
class VoiceSettingsAdmin(admin.ModelAdmin):
    list_display = ["after_hours", "offer_exit_after_seconds", "survey", "record_calls"]


@admin.register(Call, site=content_admin_site)
class CallAdmin(admin.ModelAdmin):
    list_display = ["ringing_at", "from_number", "to_number", "language", "topic", "outcome",
                    "wait_seconds", "talk_seconds", "csat", "price", "price_currency"]  # fmt: skip
    list_filter = ["outcome", "language", "topic"]
    search_fields = ["call_sid", "from_number"]
    date_hierarchy = "ringing_at"

    def has_add_permission(self, request) -> bool:
        return False  # calls come from Twilio only

    def has_change_permission(self, request, obj=None) -> bool:
        return False
