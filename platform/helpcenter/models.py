"""Answers customers found themselves (tenant schema): a help article opened from the widget's
suggestions or the help center, an order's status shown by the widget. A visitor who then
starts no chat within FOLLOW_UP (helpcenter.services) counts as a contact deflected
(docs/kpis.md)."""

from django.db import models


class SelfServiceAnswer(models.Model):
    class Kind(models.TextChoices):
        ARTICLE = "article", "Help article"
        ORDER_STATUS = "order_status", "Order status"

    class Source(models.TextChoices):
        WIDGET = "widget", "Chat widget"
        HELP_CENTER = "help_center", "Help center"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    source = models.CharField(max_length=16, choices=Source.choices)
    # The widget's random id (or the help center's), no personal data.
    visitor = models.CharField(max_length=64)
    language = models.CharField(max_length=8)
    article = models.ForeignKey(
        "content.FaqArticle", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    # When the same visitor started a chat within FOLLOW_UP after it: not deflected.
    chat_started_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["visitor", "-created_at"], name="selfservice_visitor")]

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d %H:%M}"
