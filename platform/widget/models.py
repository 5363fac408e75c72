"""The chat widget on the client's shop site (tenant schema): the client's settings for it,
and one chat session per conversation started from it.

The customer's browser holds a signed token naming the session (widget.tokens); no cookie of
ours is set on the shop's domain. ``seq`` counts the changes the customer's widget must
fetch (an agent's reply, the agent typing, the chat's end): the live process
(widget.live) answers a waiting widget as soon as it grows (widget.signals).
"""

from django.contrib.postgres.fields import ArrayField
from django.db import models


class WidgetSettings(models.Model):
    """The client's widget: off until a manager turns it on and names the shop's origins."""

    enabled = models.BooleanField(default=False)
    # The shop sites allowed to call the widget's API from a browser (CORS), each a scheme,
    # host and optional port ("https://shop.example"), no path.
    allowed_origins = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    colour = models.CharField(max_length=7, default="#1f5f99")
    suggest_articles = models.BooleanField(default=True)
    order_status = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "widget settings"

    def __str__(self) -> str:
        return "widget settings"


class ChatSession(models.Model):
    """A conversation started from the widget (channel ``chat``)."""

    conversation = models.OneToOneField(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="chat_session"
    )
    # Random, part of the customer's token: a new key withdraws every token given before.
    key = models.CharField(max_length=32)
    # The widget's own random id in the shop's localStorage (no personal data): ties the
    # visitor's self-service answers to a chat they start afterwards (helpcenter).
    visitor = models.CharField(max_length=64, blank=True)
    origin = models.CharField(max_length=200, blank=True)
    page_url = models.CharField(max_length=500, blank=True)
    seq = models.BigIntegerField(default=0)
    agent_typing_until = models.DateTimeField(null=True, blank=True)
    customer_typing_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    # The customer pressed "End chat" (widget.services.chat_end); a message they write
    # afterwards opens the conversation again and clears it.
    ended_at = models.DateTimeField(null=True, blank=True)
    # The newest message the customer's widget has fetched: a reply after it is unread.
    seen_message_id = models.BigIntegerField(null=True, blank=True)
    # The e-mail copy of the unread replies waiting to go (an outbox delivery), and the newest
    # reply it carries: withdrawn when the widget fetches that reply first (widget.services).
    copy_delivery_id = models.BigIntegerField(null=True, blank=True)
    copy_through_message_id = models.BigIntegerField(null=True, blank=True)
    # Transcripts e-mailed so far: at most widget.services.MAX_TRANSCRIPTS per chat.
    transcripts_sent = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [
            # The outbox asks, for each e-mail copy it sends, whose copy it is.
            models.Index(
                fields=["copy_delivery_id"],
                name="chatsession_copy_delivery",
                condition=models.Q(copy_delivery_id__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"chat {self.conversation_id}"
