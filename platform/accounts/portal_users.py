"""A client's managers run its portal users themselves: invite (by e-mail, viewer or
manager), resend an invitation, change a role, remove. Each change is audited in its own
transaction; the client always keeps an active manager, and a manager never removes or
demotes themself.

An invitation creates an inactive user with no usable password and mails a link to set one,
on the client's own portal (``accounts/invitation/<uid>/<token>/``). The token is Django's
password-reset token with its own salt: it expires with ``PASSWORD_RESET_TIMEOUT`` and dies
when the password changes (setting it, or a resend, which makes a new unusable one).
Removing a user deactivates them: their sessions end at once (an inactive user is signed
out on their next request), and they stay in the database, so the audit log names them."""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import MaxLengthValidator, validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from audit.models import AuditEvent
from audit.services import audit_record
from tenants.models import Client

ROLE_NAMES = {
    User.PortalRole.VIEWER: gettext_lazy("Viewer"),
    User.PortalRole.MANAGER: gettext_lazy("Manager"),
}


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """A reset token with a salt of its own: a password-reset link is no invitation."""

    key_salt = "accounts.portal_users.InvitationTokenGenerator"


invitation_tokens = InvitationTokenGenerator()


def portal_users_of(*, client: Client) -> QuerySet[User]:
    """The client's portal users, active and invited (the removed are left out)."""
    return User.objects.filter(
        role=User.Role.CLIENT, client=client, removed_at__isnull=True
    ).order_by("username")


def _locked_users(client: Client) -> list[User]:
    """Every portal user of the client, locked in one order: two managers changing roles
    at once cannot both leave the other as the last one."""
    return list(
        User.objects.select_for_update()
        .filter(role=User.Role.CLIENT, client=client, removed_at__isnull=True)
        .order_by("pk")
    )


def _active_managers(users: list[User]) -> list[User]:
    return [u for u in users if u.is_active and u.portal_role == User.PortalRole.MANAGER]


def _target(users: list[User], user_id: int) -> User:
    target = next((user for user in users if user.pk == user_id), None)
    if target is None:
        raise User.DoesNotExist(f"no portal user {user_id} of this client")
    return target


def _record(request: HttpRequest, user: User, change: str, **details: str) -> None:
    audit_record(
        action=AuditEvent.Action.CLIENT_SETTINGS_CHANGED,
        request=request,
        object_type="portal_user",
        object_id=user.pk,
        label=user.username,
        details={"change": change, **details},
    )


def invitation_link(*, user: User, portal_url: str) -> str:
    """The link that sets the invited user's password, on ``portal_url`` (the client's own
    portal, ``https://host``)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse(
        "invitation_accept",
        urlconf=settings.ROOT_URLCONF,  # the portals' URLs, whichever site builds the link
        kwargs={"uidb64": uid, "token": invitation_tokens.make_token(user)},
    )
    return portal_url.rstrip("/") + path


def _invitation_mail(*, user: User, client: Client, link: str, inviter: str) -> EmailMessage:
    """The invitation in the client's language (the invited have chosen none yet)."""
    with translation.override(client.default_language):
        subject = _("Your access to the %(client)s portal") % {"client": client.name}
        body = _(
            "Hello,\n\n%(inviter)s invites you to the support portal of %(client)s as "
            "%(role)s.\nSet your password with this link (valid for %(days)s days):\n\n"
            "%(link)s\n\nYour user name: %(username)s\n"
        ) % {
            "inviter": inviter,
            "client": client.name,
            "role": str(ROLE_NAMES[User.PortalRole(user.portal_role)]).lower(),
            "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
            "link": link,
            "username": user.username,
        }
    return EmailMessage(subject=subject, body=body, to=[user.email])


def _send_on_commit(*, user: User, client: Client, portal_url: str, inviter: str) -> None:
    """Sent once the invitation is committed, as password-reset mail is sent (directly, not
    through the customers' outbox); a failed send is logged and the manager resends."""

    def send() -> None:
        link = invitation_link(user=user, portal_url=portal_url)
        _invitation_mail(user=user, client=client, link=link, inviter=inviter).send()

    transaction.on_commit(send, robust=True)


def _inviter(actor: AbstractBaseUser | AnonymousUser) -> str:
    full = actor.get_full_name() if isinstance(actor, User) else ""
    return full or actor.get_username()


# The address is also the user name, which holds fewer characters than an e-mail field.
MAX_INVITE_ADDRESS = User._meta.get_field("username").max_length or 150


def _address_taken(email: str) -> bool:
    return User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists()


def _address_taken_error() -> ValidationError:
    return ValidationError({"email": _("This address already has an account. Choose another one.")})


def portal_user_invite(
    *, client: Client, email: str, role: str, request: HttpRequest, portal_url: str
) -> User:
    """Create the inactive user ``email`` (also their user name) with ``role`` and mail them
    the link; an address or user name already in use anywhere is refused, as is one longer
    than a user name may be."""
    email = email.strip().lower()
    validate_email(email)
    try:
        MaxLengthValidator(MAX_INVITE_ADDRESS)(email)
    except ValidationError as error:
        raise ValidationError({"email": error.messages}) from None
    if role not in ROLE_NAMES:
        raise ValidationError({"role": _("Choose viewer or manager.")})
    with transaction.atomic():
        if _address_taken(email):
            raise _address_taken_error()
        user = User(
            username=email,
            email=email,
            role=User.Role.CLIENT,
            client=client,
            portal_role=role,
            is_active=False,
            invited_at=timezone.now(),
        )
        user.set_unusable_password()
        try:
            # Nothing locks the address between the check and here: an invitation of the
            # same address committed meanwhile meets the unique user name instead.
            with transaction.atomic():
                user.save()
        except IntegrityError:
            raise _address_taken_error() from None
        _record(request, user, "invited", role=role)
        _send_on_commit(
            user=user, client=client, portal_url=portal_url, inviter=_inviter(request.user)
        )
    return user


def portal_user_invitation_resend(
    *, client: Client, user_id: int, request: HttpRequest, portal_url: str
) -> User:
    """A new link for an invited user; the links sent before stop working."""
    with transaction.atomic():
        user = _target(_locked_users(client), user_id)
        if not user.is_invited:
            raise ValidationError(_("This user has already accepted the invitation."))
        user.invited_at = timezone.now()
        user.set_unusable_password()  # a new hash: the earlier tokens no longer match
        user.save(update_fields=["invited_at", "password"])
        _record(request, user, "invitation_resent")
        _send_on_commit(
            user=user, client=client, portal_url=portal_url, inviter=_inviter(request.user)
        )
    return user


def portal_user_role_set(*, client: Client, user_id: int, role: str, request: HttpRequest) -> User:
    """Make the user a viewer or a manager; not oneself, and never the last manager."""
    if role not in ROLE_NAMES:
        raise ValidationError({"role": _("Choose viewer or manager.")})
    with transaction.atomic():
        users = _locked_users(client)
        user = _target(users, user_id)
        if user.pk == request.user.pk:
            raise ValidationError(_("You cannot change your own role."))
        if user.portal_role == role:
            return user
        if _active_managers(users) == [user]:
            raise ValidationError(_("The portal must keep at least one manager."))
        user.portal_role = role
        user.save(update_fields=["portal_role"])
        _record(request, user, "role_changed", role=role)
    return user


def portal_user_remove(*, client: Client, user_id: int, request: HttpRequest) -> User:
    """Deactivate the user (their sessions end at once; they stay for the audit log); not
    oneself, and never the last manager."""
    with transaction.atomic():
        users = _locked_users(client)
        user = _target(users, user_id)
        if user.pk == request.user.pk:
            raise ValidationError(_("You cannot remove yourself."))
        if _active_managers(users) == [user]:
            raise ValidationError(_("The portal must keep at least one manager."))
        user.is_active = False
        user.removed_at = timezone.now()
        # A new password hash ends every session at once as well (Django checks a session's
        # hash of it on each request), and a pending invitation's link with it.
        user.set_unusable_password()
        user.save(update_fields=["is_active", "removed_at", "password"])
        _record(request, user, "removed")
    return user


def invitation_open(*, user: User, client: Client) -> bool:
    """The user is invited to ``client``'s portal and has not accepted yet (a link opened on
    another client's host is no invitation there)."""
    return user.client_id == client.pk and user.is_invited


def invitation_accept(
    *, user_id: int, client: Client, token: str | None, password: str, request: HttpRequest
) -> User:
    """The invited user sets their password and is in, if the invitation is still open:
    the user row is locked and the invitation checked again (a manager may have removed
    them, or resent it, since the form was shown); otherwise it is refused."""
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id).first()
        if (
            user is None
            or not invitation_open(user=user, client=client)
            or not invitation_tokens.check_token(user, token)
        ):
            raise ValidationError(
                _("This invitation is no longer valid. Ask your portal's manager to send it again.")
            )
        user.set_password(password)
        user.is_active = True
        user.save(update_fields=["password", "is_active"])
        audit_record(
            action=AuditEvent.Action.CLIENT_SETTINGS_CHANGED,
            actor=user,
            request=request,
            object_type="portal_user",
            object_id=user.pk,
            label=user.username,
            details={"change": "invitation_accepted"},
        )
    return user
