from django import forms
from django.contrib import admin
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.text import Truncator

from languages.catalog_check import placeholders
from languages.models import AgentSkill, CatalogMessage, Language, LanguageFallback


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
        "interface_reviewed",
        "active",
    ]
    list_filter = ["active"]
    search_fields = ["code", "english_name", "native_name"]
    inlines = [FallbackInline]

    def has_delete_permission(self, request, obj=None) -> bool:
        # Skills, clients and content refer to languages: switch one off instead.
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                interface_messages=Count("messages"),
                interface_reviews=Count(
                    "messages", filter=Q(messages__state=CatalogMessage.State.REVIEWED)
                ),
            )
        )

    @admin.display(description="Interface reviewed by a speaker")
    def interface_reviewed(self, language: Language) -> str:
        total = getattr(language, "interface_messages", 0)
        if not total:
            return "English: the source" if language.code == "en" else "no catalog"
        return f"{getattr(language, 'interface_reviews', 0)} of {total}"


class AgentSkillInline(admin.TabularInline):
    model = AgentSkill
    extra = 1
    autocomplete_fields = ["language"]


PLURAL_SEPARATOR = "\n---\n"


class CatalogMessageForm(forms.ModelForm):
    """A speaker's review: the text is right, or here is a better one."""

    right = forms.BooleanField(label="The translation is right (mark it reviewed)", required=False)
    better = forms.CharField(
        label="Better translation",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text="Leave empty when the translation is right. A plural message: one text per "
        "plural form, in the catalog's order, separated by a line with three dashes (---). "
        "Keep every placeholder, such as %(counter)s or {name}, as it is.",
    )

    class Meta:
        model = CatalogMessage
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.proposal:
            self.initial["better"] = PLURAL_SEPARATOR.join(self.instance.proposal)

    def clean(self):
        cleaned = super().clean()
        better = (cleaned.get("better") or "").replace("\r\n", "\n").strip("\n")
        if not better and not cleaned.get("right"):
            raise forms.ValidationError("Mark the translation right, or write a better one.")
        if better:
            proposal = better.split(PLURAL_SEPARATOR)
            if len(proposal) != len(self.instance.forms):
                raise forms.ValidationError(
                    {"better": f"Write {len(self.instance.forms)} forms, one per plural form."}
                )
            sources = [self.instance.source, self.instance.source_plural or self.instance.source]
            allowed = {p for source in sources for p in placeholders(source)}
            for text in proposal:
                if extra := set(placeholders(text)) - allowed:
                    raise forms.ValidationError(
                        {"better": f"Not in the English text: {', '.join(sorted(extra))}."}
                    )
            kept = {p for text in proposal for p in placeholders(text)}
            if lost := allowed - kept:
                raise forms.ValidationError(
                    {"better": f"Keep the placeholders: {', '.join(sorted(lost))}."}
                )
            cleaned["proposal"] = proposal if proposal != self.instance.forms else []
        return cleaned


@admin.register(CatalogMessage)
class CatalogMessageAdmin(admin.ModelAdmin):
    """Review of the interface translations by speakers on staff: agency admins see every
    language; staff with a native or fluent skill review their own languages."""

    form = CatalogMessageForm
    list_display = ["language", "short_source", "short_translation", "state", "reviewer"]
    list_filter = ["state", "language"]
    search_fields = ["source", "forms__0"]
    list_per_page = 50
    readonly_fields = [
        "language",
        "source",
        "source_plural",
        "translation",
        "where",
        "state",
        "reviewer",
        "reviewed_at",
    ]
    fields = [*readonly_fields, "right", "better"]
    actions = ["mark_reviewed"]
    change_list_template = "admin/languages/catalogmessage/change_list.html"

    @admin.display(description="English")
    def short_source(self, row: CatalogMessage) -> str:
        return Truncator(row.source).chars(70)

    @admin.display(description="Translation")
    def short_translation(self, row: CatalogMessage) -> str:
        return Truncator(" | ".join(row.forms)).chars(70)

    @admin.display(description="Translation")
    def translation(self, row: CatalogMessage) -> str:
        return PLURAL_SEPARATOR.join(row.forms)

    @admin.display(description="Reviewed by")
    def reviewer(self, row: CatalogMessage) -> str:
        if user := row.reviewed_by:
            return user.get_full_name() or user.get_username()
        return row.reviewer_name

    def reviewable_languages(self, request) -> set[str] | None:
        """None: every language (an agency admin)."""
        user = request.user
        if user.is_superuser or getattr(user, "role", "") == "admin":
            return None
        return set(
            AgentSkill.objects.filter(
                agent_id=user.pk,
                proficiency__in=[AgentSkill.Proficiency.NATIVE, AgentSkill.Proficiency.FLUENT],
            ).values_list("language_id", flat=True)
        )

    def get_queryset(self, request):
        rows = super().get_queryset(request).select_related("reviewed_by")
        languages = self.reviewable_languages(request)
        return rows if languages is None else rows.filter(language_id__in=languages)

    def has_module_permission(self, request) -> bool:
        return (
            request.user.is_active
            and request.user.is_staff
            and (
                self.reviewable_languages(request) is None
                or bool(self.reviewable_languages(request))
            )
        )

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        if not (request.user.is_active and request.user.is_staff):
            return False
        languages = self.reviewable_languages(request)
        if languages is None:
            return True
        return obj.language_id in languages if obj is not None else bool(languages)

    def has_add_permission(self, request) -> bool:
        return False  # the catalogs are the source: rows come from catalog_messages_sync

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj: CatalogMessage, form, change) -> None:
        proposal = form.cleaned_data.get("proposal") or []
        obj.proposal = proposal
        obj.state = (
            CatalogMessage.State.CHANGE_PROPOSED if proposal else CatalogMessage.State.REVIEWED
        )
        obj.reviewed_by = request.user
        obj.reviewer_name = request.user.get_full_name() or request.user.get_username()
        obj.reviewed_at = timezone.now()
        super().save_model(request, obj, form, change)

    @admin.action(description="Mark the selected translations reviewed (by me)")
    def mark_reviewed(self, request, queryset) -> None:
        allowed = self.reviewable_languages(request)
        if allowed is not None:
            queryset = queryset.filter(language_id__in=allowed)
        count = queryset.update(
            state=CatalogMessage.State.REVIEWED,
            proposal=[],
            reviewed_by=request.user,
            reviewer_name=request.user.get_full_name() or request.user.get_username(),
            reviewed_at=timezone.now(),
        )
        self.message_user(request, f"{count} translations marked reviewed.")

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "review_summary": self.summary(request)}
        return super().changelist_view(request, extra_context=extra_context)

    def summary(self, request) -> list[dict]:
        """Per language: messages, reviewed, proposed, written, and the share reviewed."""
        counts = (
            self.get_queryset(request)
            .values("language_id")
            .annotate(
                total=Count("id"),
                reviewed=Count("id", filter=Q(state=CatalogMessage.State.REVIEWED)),
                proposed=Count("id", filter=Q(state=CatalogMessage.State.CHANGE_PROPOSED)),
            )
            .order_by("language_id")
        )
        return [
            {
                **row,
                "written": row["total"] - row["reviewed"] - row["proposed"],
                "share": f"{100 * row['reviewed'] / row['total']:.1f} %"
                if row["reviewed"]
                else "none yet",
            }
            for row in counts
        ]
