"""A client's satisfaction surveys of resolved conversations (tenant schema).

One row per conversation at most (a one-to-one field): a survey is decided once, whether it
was sent or skipped, so a reopened and resolved again conversation is never asked twice.
"""

from django.db import models
from django.db.models import Q

# The CSAT scale, the same as the after-call keypad survey (reporting.figures.CSAT_SCORES).
RATINGS = (1, 2, 3, 4, 5)
# The Net Promoter question's scale, as the after-call survey's (reporting.figures.NPS_SCORES).
NPS_ANSWERS = tuple(range(11))


class SurveySettings(models.Model):
    """The client's survey choices (one row, made on first use)."""

    enabled = models.BooleanField(
        default=True, help_text="ask customers to rate resolved e-mail, chat and SMS conversations"
    )
    delay_minutes = models.PositiveIntegerField(
        default=60, help_text="how long after the resolution the survey goes out"
    )
    reply_window_hours = models.PositiveIntegerField(
        default=72, help_text="chat and SMS: how long a reply of one digit 1-5 counts as a rating"
    )
    link_valid_days = models.PositiveIntegerField(
        default=30, help_text="e-mail: how long the rating links work"
    )
    # Conversations resolved before the surveys were (last) turned on are never asked: turning
    # them on must not mail every customer of the past week at once.
    enabled_since = models.DateTimeField()

    class Meta:
        verbose_name_plural = "survey settings"
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="survey_settings_one_row")]

    def __str__(self) -> str:
        return "Survey settings"


class Survey(models.Model):
    class State(models.TextChoices):
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Not sent"

    class Via(models.TextChoices):
        LINK = "link", "Rating link (e-mail)"
        REPLY = "reply", "Reply with a digit (chat, SMS)"

    conversation = models.OneToOneField(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="survey"
    )
    channel = models.CharField(max_length=8)
    language = models.CharField(max_length=8)
    state = models.CharField(max_length=8, choices=State.choices)
    # Why it was not sent (no address on the channel, the customer erased, ...).
    skipped_reason = models.CharField(max_length=200, blank=True)
    # The question as written into the conversation (its outbox delivery says if it left).
    message = models.ForeignKey(
        "conversations.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    answered_via = models.CharField(max_length=8, choices=Via.choices, blank=True)
    # How likely the customer is to recommend the shop (0-10): the e-mail page's optional
    # second question, answered after the rating (so it counts in the rating's month).
    nps = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)
    commented_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="survey_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(nps__isnull=True) | Q(nps__gte=0, nps__lte=10, rating__isnull=False),
                name="survey_nps_0_to_10_after_rating",
            ),
        ]
        indexes = [models.Index(fields=["rated_at"], name="survey_rated")]

    def __str__(self) -> str:
        return f"survey of conversation {self.conversation_id}: {self.rating or '-'}"


class SurveyOptOut(models.Model):
    """A customer who asked for no more satisfaction questions (the link at the foot of the
    survey page): every later survey of theirs is skipped with that reason. Deleted when
    they ask again (the same page)."""

    customer = models.OneToOneField(
        "customers.Customer", on_delete=models.CASCADE, related_name="survey_opt_out"
    )
    created_at = models.DateTimeField()
    # The survey whose page they used (kept when that survey row goes).
    survey = models.ForeignKey(
        Survey, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"no surveys for customer {self.customer_id}"
