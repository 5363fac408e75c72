"""Demo: the satisfaction survey's answers on the history's e-mail, chat and SMS
conversations, so that every demo portal and report shows CSAT beside the calls'."""

import random
from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone
from django_tenants.utils import schema_context

from conversations.models import Conversation
from demo.cast import DEMO_CLIENTS
from surveys.models import Survey
from surveys.services import SURVEYED_CHANNELS, agent_ratings_copy, survey_settings_get
from tenants.models import Client

# What satisfied and unhappy customers wrote, by language (a few answers carry a comment).
COMMENTS = {
    "cs": ["Rychlé a ochotné jednání, děkuji.", "Odpověď přišla až druhý den."],
    "sk": ["Veľmi rýchla pomoc, ďakujem.", "Musel som písať dvakrát."],
    "pl": ["Szybka i miła obsługa.", "Czekałem za długo na odpowiedź."],
    "de": ["Schnelle und freundliche Hilfe, danke.", "Die Antwort kam erst am nächsten Tag."],
    "hu": ["Gyors és kedves segítség, köszönöm.", "Túl sokat kellett várni a válaszra."],
    "ro": ["Ajutor rapid și amabil, mulțumesc.", "Am așteptat prea mult un răspuns."],
    "en": ["Quick and friendly help, thank you.", "The answer took a day to come."],
}
# The share of customers who answer, and how the answers spread over 1-5.
RESPONSE_RATE = 0.45
RATING_WEIGHTS = {5: 46, 4: 28, 3: 12, 2: 8, 1: 6}
# The e-mail page's second question (0-10), answered by most who rated; by their rating.
NPS_SHARE = 0.7
NPS_BY_RATING = {5: [8, 9, 10, 10], 4: [7, 8, 9], 3: [5, 6, 7], 2: [2, 4, 6], 1: [0, 1, 3]}


def seed_surveys(log: Callable[[str], None]) -> None:
    """Surveys on the resolved history conversations of each demo client (sent an hour
    after the resolution), answered by some customers: by link on e-mail, by a digit on chat
    and SMS. Idempotent: a conversation with a survey keeps it."""

    now = timezone.now()
    for client in Client.objects.clients().filter(slug__in=[d.slug for d in DEMO_CLIENTS]):
        rng = random.Random(f"surveys-{client.slug}")  # noqa: S311 - repeatable demo data
        # Its own sequence: the NPS answers leave the ratings and comments as they were.
        nps_rng = random.Random(f"survey-nps-{client.slug}")  # noqa: S311 - demo data
        answered = 0
        with schema_context(client.schema_name):
            settings = survey_settings_get(now=now - timedelta(days=40))
            resolved = Conversation.objects.filter(
                status=Conversation.Status.RESOLVED,
                automatic=False,
                channel__in=SURVEYED_CHANNELS,
                resolved_at__isnull=False,
                survey__isnull=True,
            ).order_by("pk")
            for conversation in resolved:
                assert conversation.resolved_at is not None  # filtered above
                sent_at = conversation.resolved_at + timedelta(minutes=settings.delay_minutes)
                if sent_at > now:
                    continue  # the live sweep sends it
                survey = Survey(
                    conversation=conversation,
                    channel=conversation.channel,
                    language=conversation.language,
                    state=Survey.State.SENT,
                    created_at=sent_at,
                )
                rated_at = sent_at + timedelta(minutes=rng.uniform(3, 600))
                if rng.random() < RESPONSE_RATE and rated_at < now:
                    survey.rating = rng.choices(
                        list(RATING_WEIGHTS), weights=list(RATING_WEIGHTS.values())
                    )[0]
                    survey.rated_at = rated_at
                    email = conversation.channel == "email"
                    survey.answered_via = Survey.Via.LINK if email else Survey.Via.REPLY
                    if email and nps_rng.random() < NPS_SHARE:
                        survey.nps = nps_rng.choice(NPS_BY_RATING[survey.rating])
                    if email and rng.random() < 0.3:
                        happy, unhappy = COMMENTS.get(conversation.language, COMMENTS["en"])
                        survey.comment = happy if survey.rating >= 4 else unhappy
                        survey.commented_at = rated_at + timedelta(minutes=1)
                    answered += 1
                survey.save()
            agent_ratings_copy(client=client)  # the agents' own figures
        log(f"surveys of {client.slug}: {answered} answered")
