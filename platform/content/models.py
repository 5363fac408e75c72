"""A client's customer-facing texts. Each translated field has one column per catalog
language (``body_cs``, ``body_sk``, ...), added by django-modeltranslation."""

import regex
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models

from core.channels import Channel


def signature_channels_default() -> list[str]:
    return [Channel.EMAIL.value]


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


class FaqCategory(models.Model):
    """A section of the help center ("Orders", "Returns"): its articles are shown under it."""

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=100, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = "FAQ category"
        verbose_name_plural = "FAQ categories"

    def __str__(self) -> str:
        return self.slug


class FaqArticle(models.Model):
    slug = models.SlugField(max_length=100, unique=True)
    category = models.ForeignKey(
        FaqCategory, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
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
        # Proactive order updates (order_updates): an e-mail (subject and body) and a short
        # SMS per kind of the shop's order event. Without one, the built-in text is sent.
        ORDER_SHIPPED = "order_shipped", "Order update: shipped (e-mail)"
        ORDER_SHIPPED_SMS = "order_shipped_sms", "Order update: shipped (SMS)"
        ORDER_DELAYED = "order_delayed", "Order update: delayed (e-mail)"
        ORDER_DELAYED_SMS = "order_delayed_sms", "Order update: delayed (SMS)"
        ORDER_OUT_FOR_DELIVERY = "order_out_for_delivery", "Order update: out for delivery (e-mail)"
        ORDER_OUT_FOR_DELIVERY_SMS = (
            "order_out_for_delivery_sms",
            ("Order update: out for delivery (SMS)"),
        )
        ORDER_DELIVERED = "order_delivered", "Order update: delivered (e-mail)"
        ORDER_DELIVERED_SMS = "order_delivered_sms", "Order update: delivered (SMS)"
        ORDER_RETURN_RECEIVED = "order_return_received", "Order update: return received (e-mail)"
        ORDER_RETURN_RECEIVED_SMS = (
            "order_return_received_sms",
            ("Order update: return received (SMS)"),
        )
        ORDER_REFUND_SENT = "order_refund_sent", "Order update: refund sent (e-mail)"
        ORDER_REFUND_SENT_SMS = "order_refund_sent_sms", "Order update: refund sent (SMS)"

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


# The longest an order-number search may take on one conversation (the desk's item page
# waits for it): the ``regex`` library stops a pattern that backtracks past this.
ORDER_PATTERN_SECONDS = 0.05

# Long texts on which a pattern with nested repetition, such as (\d+)+x, backtracks for ages.
_PATTERN_PROBES = ("1" * 5000 + "!", "a" * 5000 + "!", " " * 5000 + "!", "A-" * 2500 + "!")


def order_pattern_compile(value: str) -> regex.Pattern[str]:
    """The pattern compiled by ``regex`` (the syntax of Python's ``re``), which can stop a
    search after a time (``ORDER_PATTERN_SECONDS``)."""
    return regex.compile(value)


def validate_order_number_pattern(value: str) -> None:
    """A regular expression that compiles, cannot match an empty text, has at most one group
    and searches long texts in time."""
    try:
        pattern = order_pattern_compile(value)
    except regex.error as error:
        raise ValidationError(f"Not a regular expression: {error}.") from None
    if pattern.fullmatch(""):
        raise ValidationError("The pattern matches an empty text; it must match an order number.")
    if pattern.groups > 1:
        raise ValidationError("Use at most one group: the order number itself.")
    try:
        for probe in _PATTERN_PROBES:
            pattern.findall(probe, timeout=ORDER_PATTERN_SECONDS * 4)
    except TimeoutError:
        raise ValidationError(
            "The pattern takes too long on a long text (nested repetition such as (\\d+)+);"
            " write it without repeating a repeated group."
        ) from None


class ReplySettings(models.Model):
    """How the client's e-mails from the desk end and what its order numbers look like: one
    row per client schema (``singleton``)."""

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    # Appended to agents' messages on ``signature_channels``, in the conversation's
    # language (or its fallback); may use {shop_name}, {agent_name}, {agent_full_name}.
    signature = models.TextField(blank=True)
    signature_channels = ArrayField(
        models.CharField(max_length=8, choices=Channel.choices),
        default=signature_channels_default,
        blank=True,
        help_text="channels whose agents' messages end with the signature (e-mail by default; "
        "an SMS or chat usually goes without)",
    )
    order_number_pattern = models.CharField(
        max_length=200,
        blank=True,
        validators=[validate_order_number_pattern],
        help_text=r"a regular expression for the client's order numbers, e.g. \b20\d{2}-\d{4}\b "
        "(with one group: the part in it is the number); {order_number} is filled with the "
        "one number found in the conversation's subject and customer's messages",
    )

    class Meta:
        verbose_name = "reply settings"
        verbose_name_plural = "reply settings"
        constraints = [
            models.CheckConstraint(condition=models.Q(singleton=True), name="reply_settings_one")
        ]

    def __str__(self) -> str:
        return "Reply settings"
