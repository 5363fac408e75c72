"""Survey settings and answers in the client's admin (its own domain, /admin/)."""

from django.contrib import admin

from audit.admin import ClientAdminAudited
from audit.models import AuditEvent
from content.admin import content_admin_site
from surveys.models import Survey, SurveyOptOut, SurveySettings
from surveys.services import survey_settings_get, survey_settings_update


@admin.register(SurveySettings, site=content_admin_site)
class SurveySettingsAdmin(ClientAdminAudited):
    audit_action = AuditEvent.Action.CLIENT_SETTINGS_CHANGED
    fields = ["enabled", "delay_minutes", "reply_window_hours", "link_valid_days"]
    list_display = ["__str__", "enabled", "delay_minutes", "reply_window_hours", "link_valid_days"]

    def has_add_permission(self, request):
        return False  # one row, made on first use

    def changelist_view(self, request, extra_context=None):
        survey_settings_get()  # the row exists before anyone edits it
        return super().changelist_view(request, extra_context)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # Through the service: turning surveys on counts from now.
        survey_settings_update(
            enabled=obj.enabled,
            delay_minutes=obj.delay_minutes,
            reply_window_hours=obj.reply_window_hours,
            link_valid_days=obj.link_valid_days,
        )


@admin.register(Survey, site=content_admin_site)
class SurveyAdmin(ClientAdminAudited):
    list_display = ["conversation", "channel", "language", "state", "rating", "nps", "rated_at"]
    list_filter = ["state", "channel", "rating"]
    readonly_fields = [f.name for f in Survey._meta.fields]

    def has_add_permission(self, request):
        return False

    # A deleted survey would be sent again by the next sweep; the customer's answer is theirs.
    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SurveyOptOut, site=content_admin_site)
class SurveyOptOutAdmin(ClientAdminAudited):
    """Who asked for no more surveys; only the customer takes it back (their survey page)."""

    list_display = ["customer", "created_at"]
    readonly_fields = [f.name for f in SurveyOptOut._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
