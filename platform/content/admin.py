"""Editing a client's content on the client's own domain (/admin/), by agency admins.

A separate admin site: on a client's domain only that client's content is shown, in the
client's languages side by side, with the missing translations listed."""

import contextlib

from django import forms
from django.conf import settings
from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from modeltranslation.admin import TranslationAdmin

from audit.admin import ClientAdminAudited
from audit.selectors import client_admin_recent
from content.models import (
    CannedReply,
    Category,
    FaqArticle,
    FaqCategory,
    MessageTemplate,
    ReplySettings,
)
from content.placeholders import PLACEHOLDER_NAMES, SIGNATURE_NAMES, placeholders_unknown_names
from content.selectors import missing_languages
from core.channels import Channel
from languages.catalog import CATALOG


class ContentAdminSite(admin.AdminSite):
    site_header = "Client content"
    site_title = "Client content"

    def each_context(self, request):
        context = super().each_context(request)
        context["site_header"] = f"{request.tenant.name}: content"
        return context

    def index(self, request, extra_context=None):
        # "Recent actions" from the client's audit log, where this admin records its edits
        # (ClientAdminAudited), not from Django's admin log, which it no longer writes.
        return super().index(
            request, {"client_recent": self.recent_actions(request), **(extra_context or {})}
        )

    def recent_actions(self, request) -> list[dict]:
        models = {
            model_admin.audit_object_type(): model
            for model, model_admin in self._registry.items()
            if isinstance(model_admin, ClientAdminAudited)
        }
        actions = []
        for event in client_admin_recent(client_id=request.tenant.pk, actor_id=request.user.pk):
            model = models.get(event.object_type)
            change = event.details.get("change", "changed")
            url = ""
            if model is not None and change != "deleted":
                with contextlib.suppress(NoReverseMatch):
                    url = reverse(
                        f"{self.name}:{model._meta.app_label}_{model._meta.model_name}_change",
                        args=[event.object_id],
                    )
            actions.append(
                {
                    "change": change,
                    "label": event.object_label or event.object_id,
                    "url": url,
                    "kind": model._meta.verbose_name if model is not None else event.object_type,
                }
            )
        return actions


content_admin_site = ContentAdminSite(name="content_admin")


class ClientLanguagesAdmin(ClientAdminAudited, TranslationAdmin):
    """One fieldset per language the client serves; the default language is required."""

    translated: tuple[str, ...] = ()
    untranslated: tuple[str, ...] = ()
    # The translated fields whose placeholders must be known names (a typo such as
    # {ordr_number} is refused here, not found by the agent when sending), and which names.
    placeholder_fields: tuple[str, ...] = ()
    placeholder_names: tuple[str, ...] = PLACEHOLDER_NAMES
    # The client's default language must be filled in (not for an optional text).
    default_language_required = True

    class Media:
        css = {"all": ["content/side-by-side.css"]}

    def get_fieldsets(self, request, obj=None):
        fieldsets = [(None, {"fields": list(self.untranslated)})]
        for code in request.tenant.languages:
            name = CATALOG[code].native_name if code in CATALOG else code
            fieldsets.append(
                (
                    f"{name} ({code})",
                    {
                        "fields": [f"{field}_{code}" for field in self.translated],
                        "classes": ["polydesk-language"],
                    },
                )
            )
        return fieldsets

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        required = [
            f"{field}_{request.tenant.default_language}"
            for field in self.translated
            if self.default_language_required
        ]
        checked = [
            f"{field}_{code}"
            for field in self.placeholder_fields
            for code in settings.MODELTRANSLATION_LANGUAGES
        ]
        names = self.placeholder_names

        class ClientLanguagesForm(form):
            def clean(self):
                cleaned = super().clean()
                for name in required:
                    if name in self.fields and not cleaned.get(name):
                        self.add_error(
                            name,
                            forms.ValidationError("Required in the client's default language."),
                        )
                for name in checked:
                    unknown = placeholders_unknown_names(cleaned.get(name) or "", names)
                    if name in self.fields and unknown:
                        self.add_error(
                            name,
                            forms.ValidationError(
                                f"Unknown placeholder(s): {', '.join(unknown)}. "
                                f"Known: {', '.join('{' + n + '}' for n in names)}."
                            ),
                        )
                return cleaned

        return ClientLanguagesForm

    def get_list_display(self, request):
        languages = list(request.tenant.languages)

        @admin.display(description="missing translations")
        def missing(obj) -> str:
            return ", ".join(missing_languages(obj, self.translated, languages)) or "—"

        return [*super().get_list_display(request), missing]


@admin.register(CannedReply, site=content_admin_site)
class CannedReplyAdmin(ClientLanguagesAdmin):
    translated = ("title", "body")
    placeholder_fields = ("body",)
    untranslated = ("key", "category", "active")
    list_display = ["key", "category", "active"]
    list_filter = ["active", "category"]
    search_fields = ["key"]


@admin.register(FaqCategory, site=content_admin_site)
class FaqCategoryAdmin(ClientLanguagesAdmin):
    translated = ("name",)
    untranslated = ("slug", "position")
    list_display = ["slug", "position"]


@admin.register(FaqArticle, site=content_admin_site)
class FaqArticleAdmin(ClientLanguagesAdmin):
    translated = ("question", "answer")
    untranslated = ("slug", "category", "position", "published")
    list_display = ["slug", "category", "position", "published"]
    list_filter = ["category", "published"]


@admin.register(MessageTemplate, site=content_admin_site)
class MessageTemplateAdmin(ClientLanguagesAdmin):
    translated = ("subject", "body")
    untranslated = ("kind",)
    list_display = ["kind"]


@admin.register(Category, site=content_admin_site)
class CategoryAdmin(ClientLanguagesAdmin):
    translated = ("name",)
    untranslated = ("code",)
    list_display = ["code"]
    search_fields = ["code"]


@admin.register(ReplySettings, site=content_admin_site)
class ReplySettingsAdmin(ClientLanguagesAdmin):
    translated = ("signature",)
    untranslated = ("signature_channels", "order_number_pattern")
    placeholder_fields = ("signature",)
    placeholder_names = SIGNATURE_NAMES
    default_language_required = False
    list_display = ["__str__", "order_number_pattern"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "signature_channels":
            return forms.TypedMultipleChoiceField(
                choices=[c for c in Channel.choices if c[0] != Channel.CALL],
                widget=forms.CheckboxSelectMultiple,
                required=False,
                label="Signature on",
                help_text=db_field.help_text,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def has_add_permission(self, request):
        return not ReplySettings.objects.exists()  # one row per client
