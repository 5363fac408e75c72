"""A client's customer-facing texts. Each translated field has one column per catalog
language (``body_cs``, ``body_sk``, ...), added by django-modeltranslation."""

from django.db import models


class CannedReply(models.Model):
    """A ready answer an agent inserts into a reply (a "macro")."""

    key = models.SlugField(max_length=64, unique=True, help_text="e.g. delivery-delay")
    # Blank here: which languages must be filled depends on the client (its default
    # language at least, checked by the admin form); each language has its own column.
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    category = models.CharField(max_length=64, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["category", "key"]
        verbose_name_plural = "canned replies"

    def __str__(self) -> str:
        return self.key


class FaqArticle(models.Model):
    slug = models.SlugField(max_length=100, unique=True)
    question = models.CharField(max_length=300, blank=True)
    answer = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    published = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = "FAQ article"

    def __str__(self) -> str:
        return self.slug


class MessageTemplate(models.Model):
    """Automatic messages; placeholders like {expected_answer} are filled when sent."""

    class Kind(models.TextChoices):
        ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement of a new contact"
        AFTER_HOURS = "after_hours", "Outside business hours"
        SURVEY_INVITATION = "survey_invitation", "Satisfaction survey invitation"

    kind = models.CharField(max_length=32, choices=Kind.choices, unique=True)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)

    class Meta:
        ordering = ["kind"]

    def __str__(self) -> str:
        return self.get_kind_display()


class Category(models.Model):
    """The name of a category code in each language: a conversation's category
    (``Conversation.category``) or a call's topic (the IVR option's ``topic``) is stored as a
    code ("delivery", "orders"); reports and pages show it by this name."""

    code = models.SlugField(max_length=64, unique=True, help_text="e.g. delivery")
    name = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.code
