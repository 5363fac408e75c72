"""Creating users: agency staff and client-portal users; their sessions' sweep."""

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Team, User
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
) -> User:
    """Create the user, or update role/client/password of an existing one (idempotent)."""
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


def sessions_expired_clear() -> int:
    """Delete the sign-in sessions past their expiry (public schema); how many went."""
    expired = Session.objects.filter(expire_date__lt=timezone.now())
    count, _by_model = expired.delete()
    return count
