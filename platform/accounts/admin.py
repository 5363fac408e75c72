from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from accounts.models import User
from languages.admin import AgentSkillInline


@admin.register(User)
class PolydeskUserAdmin(UserAdmin):
    list_display = ["username", "email", "role", "client", "language", "is_active"]
    list_filter = ["role", "client", "is_active"]
    fieldsets = [
        *(UserAdmin.fieldsets or ()),
        ("Polydesk", {"fields": ["role", "client", "served_clients", "language", "time_zone"]}),
    ]
    filter_horizontal = ["served_clients", *UserAdmin.filter_horizontal]
    inlines = [AgentSkillInline]
    add_fieldsets = [
        *UserAdmin.add_fieldsets,
        ("Polydesk", {"fields": ["role", "client", "language"]}),
    ]
