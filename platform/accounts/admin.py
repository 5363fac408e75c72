from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import Count

from accounts.models import Team, User
from audit.admin import ClientSettingsAudited
from languages.admin import AgentSkillInline


@admin.register(User)
class PolydeskUserAdmin(ClientSettingsAudited, UserAdmin):
    """Who may do what is a setting: a portal user's edits go to their client's audit log,
    an agent's to the agency's."""

    list_display = ["username", "email", "role", "client", "team", "language", "is_active"]
    list_select_related = ["client", "team"]
    list_filter = ["role", "serves_every_client", "client", "team", "is_active"]
    fieldsets = [
        *(UserAdmin.fieldsets or ()),
        (
            "Polydesk",
            {
                "fields": [
                    "role",
                    "client",
                    "portal_role",
                    "serves_every_client",
                    "served_clients",
                    "team",
                    "language",
                    "time_zone",
                ]
            },
        ),
    ]
    filter_horizontal = ["served_clients", *UserAdmin.filter_horizontal]
    inlines = [AgentSkillInline]
    add_fieldsets = [
        *UserAdmin.add_fieldsets,
        ("Polydesk", {"fields": ["role", "client", "portal_role", "team", "language"]}),
    ]


class TeamMemberInline(admin.TabularInline):
    """The team's agents (read here; an agent's team is chosen on the agent's page)."""

    model = User
    fk_name = "team"
    fields = ["username", "first_name", "last_name", "is_active"]
    readonly_fields = ["username", "first_name", "last_name", "is_active"]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "lead", "member_count"]
    search_fields = ["name"]
    autocomplete_fields = ["lead"]
    inlines = [TeamMemberInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_total=Count("members"))

    @admin.display(description="agents", ordering="member_total")
    def member_count(self, obj: Team) -> int:
        return obj.member_total  # type: ignore[attr-defined]  # annotated above
