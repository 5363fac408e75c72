"""The language catalog, fallbacks and agent skills (public schema)."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q


class Language(models.Model):
    code = models.CharField(primary_key=True, max_length=8, help_text="ISO 639-1, e.g. cs")
    english_name = models.CharField(max_length=64)
    native_name = models.CharField(max_length=64)
    tts_language = models.CharField(
        "speech locale", max_length=16, blank=True, help_text="for Twilio <Say>, e.g. cs-CZ"
    )
    tts_voice = models.CharField(
        "voice",
        max_length=64,
        blank=True,
        help_text="Twilio voice, e.g. Google.cs-CZ-Standard-A; empty when there is none",
    )
    voice_fallback = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="With no voice: speak this language instead (its prompt text and voice). "
        "Empty: only recorded prompts are played.",
    )
    countries = ArrayField(
        models.CharField(max_length=2),
        default=list,
        blank=True,
        help_text="where it is spoken (ISO 3166-1); their public holidays apply",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(voice_fallback=F("code")), name="language_voice_fallback_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.native_name} ({self.code})"


class LanguageFallback(models.Model):
    """When ``language`` is missing (an agent, a translation), try ``fallback``, in order."""

    language = models.ForeignKey(Language, on_delete=models.CASCADE, related_name="fallbacks")
    fallback = models.ForeignKey(Language, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["language", "position", "fallback"]
        constraints = [
            models.UniqueConstraint(fields=["language", "fallback"], name="fallback_once"),
            models.CheckConstraint(condition=~Q(fallback=F("language")), name="fallback_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.language_id} → {self.fallback_id}"


class AgentSkill(models.Model):
    class Proficiency(models.TextChoices):
        NATIVE = "native", "Native"
        FLUENT = "fluent", "Fluent"
        BASIC = "basic", "Basic"

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="skills"
    )
    language = models.ForeignKey(Language, on_delete=models.PROTECT, related_name="skills")
    proficiency = models.CharField(max_length=8, choices=Proficiency.choices)

    class Meta:
        ordering = ["agent", "language"]
        constraints = [
            models.UniqueConstraint(fields=["agent", "language"], name="one_skill_per_language"),
        ]

    def __str__(self) -> str:
        return f"{self.agent} · {self.language_id} ({self.proficiency})"


class CatalogMessage(models.Model):
    """One interface message in one language as its catalog ships it, with its review state.

    The catalogs (platform/locale/<code>/LC_MESSAGES/django.po) are the source: these rows
    mirror them (``languages.services.catalog_messages_sync``, run on deploy), so that the
    agency sees what a speaker has reviewed and a speaker on staff can review in place. A
    review is kept in the catalog as a translator comment ("Reviewed: name, date") by
    ``manage.py catalog_reviews_export``; a translation that changes after its review is
    "written" again.
    """

    class State(models.TextChoices):
        WRITTEN = "written", "Written, not reviewed"
        REVIEWED = "reviewed", "Reviewed by a speaker"
        CHANGE_PROPOSED = "change_proposed", "Change proposed by a speaker"

    language = models.ForeignKey(Language, on_delete=models.CASCADE, related_name="messages")
    context = models.CharField(max_length=200, blank=True)
    source = models.TextField(help_text="the English text (for a plural message, its singular)")
    source_plural = models.TextField(blank=True)
    # The catalog's translation; a plural message has one text per plural form.
    forms = ArrayField(models.TextField())
    where = models.CharField(max_length=300, blank=True, help_text="the first place it is used")
    state = models.CharField(max_length=16, choices=State.choices, default=State.WRITTEN)
    proposal = ArrayField(
        models.TextField(),
        default=list,
        blank=True,
        help_text="a speaker's corrected text (one per plural form)",
    )
    reviewer_name = models.CharField(max_length=150, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "interface translation"
        ordering = ["language", "source"]
        constraints = [
            models.UniqueConstraint(
                fields=["language", "context", "source"], name="catalog_message_once"
            ),
        ]
        indexes = [models.Index(fields=["language", "state"])]

    def __str__(self) -> str:
        return f"{self.language_id}: {self.source[:60]}"
