"""Creating users: agency staff and client-portal users; their sessions' sweep."""

from datetime import datetime

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import AgentRating, AgentSettings, Team, User
from tenants.models import Client


@transaction.atomic
def user_ensure(
    *,
    username: str,
    password: str,
    role: str,
    email: str = "",
    client: Client | None = None,
    language: str = "",
    first_name: str = "",
    last_name: str = "",
    portal_role: str = User.PortalRole.VIEWER,
) -> User:
    """Create the user, or update role/client/password of an existing one (idempotent);
    ``portal_role``: a client portal user's, viewer (least) unless said."""
    if role == User.Role.CLIENT and client is None:
        raise ValidationError({"client": "A client portal user needs a client."})
    if role != User.Role.CLIENT and client is not None:
        raise ValidationError({"client": "Only client portal users belong to a client."})
    user, _ = User.objects.get_or_create(username=username)
    user.role = role
    user.client = client
    user.email = email
    user.language = language
    user.first_name = first_name
    user.last_name = last_name
    user.portal_role = portal_role
    user.is_staff = user.is_superuser = role == User.Role.ADMIN
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def team_ensure(*, name: str, members: list[User], lead: User | None = None) -> Team:
    """Create the team (or update its lead) and make ``members`` its agents (idempotent);
    an agent moved here leaves their former team."""
    if any(member.role == User.Role.CLIENT for member in [*members, lead] if member):
        raise ValidationError({"members": "Client portal users are in no team."})
    team, _ = Team.objects.update_or_create(name=name, defaults={"lead": lead})
    User.objects.filter(pk__in=[member.pk for member in members]).update(team=team)
    return team


def user_language_set(*, user: User, language: str) -> None:
    """The user's own interface language, one of the UI catalogs' (settings.LANGUAGES)."""
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationError({"language": f"{language[:20]!r} is not an interface language."})
    user.language = language
    user.save(update_fields=["language"])


NOTIFICATION_FIELDS = (
    "call_sound",
    "call_desktop",
    "chat_sound",
    "chat_desktop",
    "queue_sound",
    "queue_desktop",
)


def agent_settings_get(*, agent: User) -> AgentSettings:
    """The agent's desk preferences (the defaults until they change one; nothing written)."""
    return AgentSettings.objects.filter(agent=agent).first() or AgentSettings(agent=agent)


def agent_settings_update(*, agent: User, language: str, notifications: set[str]) -> None:
    """The agent's own interface language ("" follows the browser) and the notifications
    they want (names of ``NOTIFICATION_FIELDS``; the others are switched off)."""
    if language and language not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationError({"language": f"{language[:20]!r} is not an interface language."})
    unknown = notifications - set(NOTIFICATION_FIELDS)
    if unknown:
        raise ValidationError({"notifications": f"Unknown: {', '.join(sorted(unknown))[:80]}."})
    with transaction.atomic():
        agent.language = language
        agent.save(update_fields=["language"])
        AgentSettings.objects.update_or_create(
            agent=agent, defaults={name: name in notifications for name in NOTIFICATION_FIELDS}
        )


def agent_rating_record(
    *,
    agent_id: int,
    client_id: int,
    channel: str,
    conversation_id: int,
    rating: int,
    rated_at: datetime,
) -> None:
    """A customer's rating of a conversation, for its agent's figures (a later rating of the
    same conversation replaces it, keeping the first one's time, as the survey does)."""
    if not User.objects.filter(pk=agent_id).exists():  # users are referenced without a key
        return
    AgentRating.objects.update_or_create(
        client_id=client_id,
        conversation_id=conversation_id,
        defaults={"agent_id": agent_id, "channel": channel, "rating": rating},
        create_defaults={
            "agent_id": agent_id,
            "channel": channel,
            "rating": rating,
            "rated_at": rated_at,
        },
    )


def sessions_expired_clear() -> int:
    """Delete the sign-in sessions past their expiry (public schema); how many went."""
    expired = Session.objects.filter(expire_date__lt=timezone.now())
    count, _by_model = expired.delete()
    return count
