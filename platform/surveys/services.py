"""Writes of the satisfaction surveys, in the client's schema.

A conversation resolved by an agent or after the customer's silence gets one survey on its
own channel, ``delay_minutes`` after its (last) resolution, when the client has surveys on:
e-mail with one-click rating links, chat and SMS with a short "reply 1-5" question. The
beat sweep decides; the question goes out through the outbox like every other message.
"""

import re
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.services import agent_rating_record
from content.models import MessageTemplate
from content.selectors import translation_for
from conversations.email_out import outbound_email_queue
from conversations.models import Conversation, Message
from core.events import webhook_event_emit
from customers.models import Customer
from outbox.models import Delivery
from outbox.services import delivery_handed_over, delivery_queue
from surveys.links import survey_url
from surveys.models import NPS_ANSWERS, RATINGS, Survey, SurveyOptOut, SurveySettings
from tenants.current import schema_name_current
from tenants.models import Client
from webhooks.payloads import survey_data

# The channels asked after a resolution (a call has its keypad survey; an API contact is the
# shop's own system).
SURVEYED_CHANNELS = ("email", "chat", "sms")
# The sweep looks back this far: a resolution older than that (the beat was down for a
# week) is no longer worth asking about.
LOOKBACK = timedelta(days=7)
# A chat or SMS reply that is just one digit 1-5 (a full stop or spaces around it allowed).
_RATING_REPLY = re.compile(r"^\s*([1-5])\s*[.!]?\s*$")


def survey_settings_get(*, now: datetime | None = None) -> SurveySettings:
    """The client's survey settings, made with the defaults on first use."""
    found, _created = SurveySettings.objects.get_or_create(
        pk=1, defaults={"enabled_since": now or timezone.now()}
    )
    return found


@transaction.atomic
def survey_settings_update(
    *,
    enabled: bool,
    delay_minutes: int,
    reply_window_hours: int,
    link_valid_days: int,
    now: datetime | None = None,
) -> SurveySettings:
    """Change the client's settings; turning surveys on counts from now (no survey for what
    was resolved while they were off)."""
    now = now or timezone.now()
    current = survey_settings_get(now=now)
    current = SurveySettings.objects.select_for_update().get(pk=current.pk)
    if enabled and not current.enabled:
        current.enabled_since = now
    current.enabled, current.delay_minutes = enabled, delay_minutes
    current.reply_window_hours, current.link_valid_days = reply_window_hours, link_valid_days
    current.save()
    return current


def surveys_due_send(*, client: Client, now: datetime | None = None, limit: int = 500) -> int:
    """Send the surveys whose delay has passed (beat, every few minutes, in the client's
    schema); returns how many went out or were decided against."""
    if schema_name_current() != client.schema_name:
        raise RuntimeError("surveys_due_send runs in the client's schema")
    now = now or timezone.now()
    chosen = survey_settings_get(now=now)
    if not chosen.enabled:
        return 0
    due = (
        Conversation.objects.filter(
            status=Conversation.Status.RESOLVED,
            automatic=False,
            proactive=False,
            channel__in=SURVEYED_CHANNELS,
            resolved_at__lte=now - timedelta(minutes=chosen.delay_minutes),
            resolved_at__gte=max(chosen.enabled_since, now - LOOKBACK),
            survey__isnull=True,
        )
        .order_by("resolved_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(
        survey_send(client=client, conversation_id=pk, now=now) is not None for pk in list(due)
    )


@transaction.atomic
def survey_send(
    *, client: Client, conversation_id: int, now: datetime | None = None
) -> Survey | None:
    """Decide the conversation's survey once: sent (the question written with its outbox
    delivery, same transaction) or skipped with the reason. None when it is not for a
    survey (not resolved now, automatic, another channel) or already decided."""
    now = now or timezone.now()
    conversation = (
        Conversation.objects.select_for_update(of=("self",))
        .select_related("customer")
        .get(pk=conversation_id)
    )
    if (
        conversation.status != Conversation.Status.RESOLVED
        or conversation.automatic
        or conversation.proactive
        or conversation.spam
        or conversation.channel not in SURVEYED_CHANNELS
        or Survey.objects.filter(conversation=conversation).exists()  # decided (row locked)
    ):
        return None
    reason = _skip_reason(client, conversation)
    survey = Survey.objects.create(
        conversation=conversation,
        channel=conversation.channel,
        language=conversation.language,
        state=Survey.State.SKIPPED if reason else Survey.State.SENT,
        skipped_reason=reason,
        created_at=now,
    )
    if not reason:
        survey.message = _question_write(client, conversation, survey, now)
        survey.save(update_fields=["message"])
    return survey


def _skip_reason(client: Client, conversation: Conversation) -> str:
    customer: Customer = conversation.customer
    if customer.erased_at is not None:
        return gettext_noop("The customer was erased.")
    if SurveyOptOut.objects.filter(customer=customer).exists():
        return gettext_noop("The customer asked for no more surveys.")
    if conversation.channel == "email" and not customer.email:
        return gettext_noop("The customer has no e-mail address.")
    if conversation.channel == "sms" and not customer.phone:
        return gettext_noop("The customer has no phone number.")
    undeliverable = Delivery.objects.filter(
        client=client,
        conversation_id=conversation.pk,
        state__in=[Delivery.State.BOUNCED, Delivery.State.FAILED],
    ).exclude(kind=Delivery.Kind.FORWARD)  # a forward went to someone else
    if undeliverable.exists():
        return gettext_noop("An earlier message to the customer did not arrive.")
    return ""


def _question_write(
    client: Client, conversation: Conversation, survey: Survey, now: datetime
) -> Message:
    with translation.override(conversation.language):
        if conversation.channel == "email":
            subject, body = _email_text(client, conversation, survey)
            return outbound_email_queue(
                client=client, conversation=conversation, body=body, subject=subject, automatic=True
            )
        text = _(
            "How satisfied were you with our help? Reply with one digit from 1 (very "
            "dissatisfied) to 5 (very satisfied)."
        )
    message = Message.objects.create(
        conversation=conversation,
        direction=Message.Direction.OUTBOUND,
        channel=conversation.channel,
        body_text=f"{client.name}: {text}",
        created_at=now,
    )
    if conversation.channel == "sms":  # through Twilio, by the outbox
        delivery_queue(client=client, message=message, kind=Delivery.Kind.AUTOMATIC, now=now)
    else:  # chat: read by the shop's widget through the JSON API, like every chat reply
        delivery_handed_over(client=client, message=message, kind=Delivery.Kind.AUTOMATIC, at=now)
    return message


def rating_labels() -> dict[int, str]:
    """The five answers in the active language, best first as the e-mail lists them."""
    return {
        5: _("Very satisfied"),
        4: _("Satisfied"),
        3: _("Neither satisfied nor dissatisfied"),
        2: _("Dissatisfied"),
        1: _("Very dissatisfied"),
    }


def _email_text(client: Client, conversation: Conversation, survey: Survey) -> tuple[str, str]:
    """The client's survey template in the customer's language (or its fallback), else
    our own words; then one link for each rating (call in the customer's language)."""
    page = survey_url(client=client, survey=survey)
    values = _Placeholders(
        survey_link=page, shop_name=client.name, customer_name=conversation.customer.name
    )
    template = MessageTemplate.objects.filter(kind=MessageTemplate.Kind.SURVEY_INVITATION).first()
    body = template and translation_for(template, "body", conversation.language)
    subject = template and translation_for(template, "subject", conversation.language)
    if body:
        intro = _filled(body.text, values)
    else:
        intro = _(
            "Thank you for contacting %(shop)s. How satisfied were you with our help? One "
            "click is enough:"
        ) % {"shop": client.name}
    lines = [
        f"{rating} = {label}: {survey_url(client=client, survey=survey, rating=rating)}"
        for rating, label in rating_labels().items()
    ]
    after = _(
        "After your rating, the page also asks how likely you are to recommend %(shop)s to a "
        "friend (optional)."
    ) % {"shop": client.name}
    stop = _('No more of these questions? Press "No more surveys" on this page: %(page)s') % {
        "page": page
    }
    text = "\n".join([intro, "", _("Rate with one click:"), *lines, "", after, "", stop])
    return (_filled(subject.text, values) if subject else _("How did we do?")), text


class _Placeholders(dict[str, str]):
    """Unknown placeholders stay as written: a typo in a template must not stop the mail."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _filled(text: str, values: _Placeholders) -> str:
    try:
        filled = text.format_map(values)
    except (ValueError, IndexError, AttributeError):  # stray braces: as written
        return text
    # An empty placeholder (a customer known only by an address) leaves no "Hello , ,".
    return re.sub(r",+", ",", re.sub(r"[ \t]+([,.!?;:])", r"\1", filled))


@transaction.atomic
def survey_opt_out(*, survey_id: int, now: datetime | None = None) -> SurveyOptOut:
    """The survey's customer asks for no more surveys (once; asking again changes nothing)."""
    survey = Survey.objects.select_related("conversation").get(pk=survey_id)
    opt_out, _created = SurveyOptOut.objects.get_or_create(
        customer_id=survey.conversation.customer_id,
        defaults={"created_at": now or timezone.now(), "survey": survey},
    )
    return opt_out


def survey_opt_out_move(*, source: Customer, target: Customer) -> None:
    """A customer merged into another (customers.services.customer_merge): the person asked
    for no more surveys under either record, so the target keeps that (its own row first)."""
    moved = SurveyOptOut.objects.filter(customer=source)
    if SurveyOptOut.objects.filter(customer=target).exists():
        moved.delete()
    else:
        moved.update(customer=target)


def survey_opt_in(*, survey_id: int) -> bool:
    """The survey's customer takes the opt-out back; True when there was one."""
    survey = Survey.objects.select_related("conversation").get(pk=survey_id)
    deleted, _by_model = SurveyOptOut.objects.filter(
        customer_id=survey.conversation.customer_id
    ).delete()
    return deleted > 0


@transaction.atomic
def survey_rate(*, survey_id: int, rating: int, via: str, now: datetime | None = None) -> Survey:
    """The customer's rating (1-5); a later one replaces it (they changed their mind, or a
    double click). Raises ValidationError for another value."""
    if rating not in RATINGS:
        raise ValidationError({"rating": "A rating is 1, 2, 3, 4 or 5."})
    survey = Survey.objects.select_for_update().get(pk=survey_id, state=Survey.State.SENT)
    # A changed rating keeps the first one's time: the month it counts in (and whose report
    # may have gone out) stays the same.
    survey.rated_at = survey.rated_at or now or timezone.now()
    survey.rating, survey.answered_via = rating, via
    survey.save(update_fields=["rating", "rated_at", "answered_via"])
    # The agent's own figures read ratings from the public schema (docs/kpis.md, "Per agent").
    client = Client.objects.get(schema_name=schema_name_current())
    conversation = Conversation.objects.only("assignee_id").get(pk=survey.conversation_id)
    agent_id = survey_agent_id(client=client, conversation=conversation)
    if agent_id is not None:
        agent_rating_record(
            agent_id=agent_id,
            client_id=client.pk,
            channel=survey.channel,
            conversation_id=survey.conversation_id,
            rating=rating,
            rated_at=survey.rated_at,
        )
    webhook_event_emit(client, "survey.answered", survey_data(survey))
    return survey


def survey_agent_id(*, client: Client, conversation: Conversation) -> int | None:
    """The agent a rating of the conversation counts for: its assignee (the agent who last
    answered, or who resolved it unanswered), the same agent whose team the client's figures
    count it for (reporting's satisfaction by team), so the two never disagree."""
    return conversation.assignee_id


def agent_ratings_copy(*, client: Client) -> int:
    """Copy every rating of this client's surveys to the public schema for its agent (the
    ratings given before the copy was written on rating); run inside the client's schema.
    Idempotent; returns how many were copied."""
    copied = 0
    rated = Survey.objects.filter(rating__isnull=False).select_related("conversation")
    for survey in rated.order_by("pk").iterator():
        agent_id = survey_agent_id(client=client, conversation=survey.conversation)
        if agent_id is None or survey.rating is None or survey.rated_at is None:
            continue
        agent_rating_record(
            agent_id=agent_id,
            client_id=client.pk,
            channel=survey.channel,
            conversation_id=survey.conversation_id,
            rating=survey.rating,
            rated_at=survey.rated_at,
        )
        copied += 1
    return copied


@transaction.atomic
def survey_recommend(*, survey_id: int, nps: int) -> Survey:
    """The customer's answer to "how likely are you to recommend us" (0-10), after their
    rating; a later one replaces it. Raises ValidationError for another value or before a
    rating."""
    if nps not in NPS_ANSWERS:
        raise ValidationError({"nps": "An answer is a whole number from 0 to 10."})
    survey = Survey.objects.select_for_update().get(pk=survey_id, state=Survey.State.SENT)
    if survey.rating is None:
        raise ValidationError({"nps": "The rating comes first."})
    survey.nps = nps
    survey.save(update_fields=["nps"])
    return survey


@transaction.atomic
def survey_comment(*, survey_id: int, comment: str, now: datetime | None = None) -> Survey:
    """The customer's words after their rating (replacing earlier ones; empty removes)."""
    comment = comment.replace("\x00", "").strip()[:5000]
    survey = Survey.objects.select_for_update().get(pk=survey_id, state=Survey.State.SENT)
    survey.comment, survey.commented_at = comment, (now or timezone.now()) if comment else None
    survey.save(update_fields=["comment", "commented_at"])
    return survey


def survey_reply_recognise(
    *, client: Client, conversation: Conversation, text: str, now: datetime
) -> bool:
    """A chat or SMS reply of one digit 1-5 within the client's window after the question:
    the rating of the conversation's survey (registered with conversations.answers)."""
    match = _RATING_REPLY.match(text)
    if match is None:
        return False
    survey = (
        Survey.objects.select_for_update()
        .filter(conversation=conversation, state=Survey.State.SENT, channel__in=["chat", "sms"])
        .first()
    )
    if survey is None:
        return False
    window = timedelta(hours=survey_settings_get(now=now).reply_window_hours)
    if now > survey.created_at + window:
        return False
    # Reopened since the question: the agent may have asked "parcel 1 or 2?"; the digit
    # answers them, and is filed as a message that reopens the conversation.
    if conversation.reopened_at is not None and conversation.reopened_at >= survey.created_at:
        return False
    survey_rate(survey_id=survey.pk, rating=int(match.group(1)), via=Survey.Via.REPLY, now=now)
    return True


def surveys_export_for_customer(*, customer: Customer, archive: object) -> dict[str, object]:
    """The customer's survey answers and their "no more surveys" (registered exporter)."""
    surveys = Survey.objects.filter(conversation__customer=customer).order_by("created_at", "pk")
    opt_out = SurveyOptOut.objects.filter(customer=customer).first()
    return {
        "surveys": [
            {
                "conversation_id": survey.conversation_id,
                "channel": survey.channel,
                "asked_at": survey.created_at,
                "rating": survey.rating,
                "nps": survey.nps,
                "comment": survey.comment,
                "rated_at": survey.rated_at,
                "commented_at": survey.commented_at,
            }
            for survey in surveys
        ],
        "survey_opt_out": {"since": opt_out.created_at} if opt_out else None,
    }


def surveys_erase_for_customer(*, customer: Customer) -> None:
    """The customer's own words in their surveys go (registered eraser); the score stays,
    like the conversation's counts and times, for the client's statistics."""
    Survey.objects.filter(conversation__customer=customer).update(comment="", commented_at=None)
