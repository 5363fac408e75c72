from django.contrib import admin

from languages.models import AgentSkill, Language, LanguageFallback


class FallbackInline(admin.TabularInline):
    model = LanguageFallback
    fk_name = "language"
    extra = 1
    autocomplete_fields = ["fallback"]


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "native_name",
        "english_name",
        "tts_voice",
        "voice_fallback",
        "countries",
        "active",
    ]
    list_filter = ["active"]
    search_fields = ["code", "english_name", "native_name"]
    inlines = [FallbackInline]

    def has_delete_permission(self, request, obj=None) -> bool:
        # Skills, clients and content refer to languages: switch one off instead.
        return False


class AgentSkillInline(admin.TabularInline):
    model = AgentSkill
    extra = 1
    autocomplete_fields = ["language"]
