"""Two factors (docs/decisions.md, "Two factors"): an authenticator app's TOTP device
(django-otp's otp_totp) and ten single-use recovery codes (otp_static), who must have them,
and the browsers remembered for 30 days after a code.

Recovery codes are kept as the first 16 hex digits of their SHA-256 (the column of
otp_static holds 16 characters): a code has 60 random bits, so the database alone does not
give them back. django-otp checks a code against the same digest and deletes it when used.
"""

import hashlib
import secrets
from datetime import timedelta

import segno
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import RememberedBrowser, User
from audit.models import AuditEvent
from audit.services import audit_record
from tenants.models import Client

RECOVERY_CODES = 10
# 12 characters of 32 (no 0/O, 1/I/L): 60 random bits, read out as xxxx-xxxx-xxxx.
RECOVERY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RECOVERY_LENGTH = 12
REMEMBER_DAYS = 30
APP_DEVICE_NAME = "authenticator app"
RECOVERY_DEVICE_NAME = "recovery codes"


def two_factor_required(user: User) -> bool:
    """Agency admins and supervisors (``is_staff``) always; a client's portal users when
    their client asks for it; agents may choose."""
    if user.is_agency_admin or user.is_staff:
        return True
    return bool(user.is_client_user and user.client and user.client.portal_two_factor_required)


def totp_device_of(user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if they have one."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def two_factor_enrolled(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _code_digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()[:16]


def _normalised(code: str) -> str:
    return "".join(code.split()).replace("-", "").upper()


def totp_enrolment_start(*, user: User) -> TOTPDevice:
    """The unconfirmed device an enrolment page shows (the same one until it is confirmed,
    so reloading the page does not change the QR code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def totp_qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// URI as an inline SVG QR code, drawn here (no image service)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, border=2)


def totp_secret_base32(device: TOTPDevice) -> str:
    """The key as an authenticator app asks for it when typed in (RFC 4648 base32)."""
    return device.config_url.split("secret=", 1)[1].split("&", 1)[0]


def totp_secret_grouped(device: TOTPDevice) -> str:
    """The base32 key in groups of four, easier to type (apps ignore the spaces)."""
    secret = totp_secret_base32(device)
    return " ".join(secret[start : start + 4] for start in range(0, len(secret), 4))


def _recovery_codes_replace(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        for _ in range(RECOVERY_CODES)
    ]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=_code_digest(code)) for code in codes
    )
    return [f"{code[:4]}-{code[4:8]}-{code[8:]}" for code in codes]


@transaction.atomic
def totp_enrolment_confirm(
    *, user: User, device: TOTPDevice, code: str, request: HttpRequest | None = None
) -> list[str] | None:
    """Confirm the device with a code from the app: it replaces any earlier app (and then
    every remembered browser is forgotten), and ten new recovery codes are issued
    (returned, to be shown once). None: the code was wrong. The caller has checked a code
    of the earlier app, if any (``two_factor_enrol``)."""
    if device.user_id != user.pk or device.confirmed:
        return None
    if not device.verify_token(_normalised(code)):
        return None
    replaced = TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).exists()
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _recovery_codes_replace(user)
    if replaced:
        remembered_browsers_revoke_all(user=user, reason="app replaced")
    audit_record(
        action=AuditEvent.Action.TWO_FACTOR_ENROLLED,
        actor=user,
        client=user.client,
        object_type="user",
        object_id=user.pk,
        label=user.username,
        details={"replaced": True} if replaced else None,
        request=request,
    )
    return codes


def two_factor_verify(*, user: User, code: str, request: HttpRequest | None = None) -> str | None:
    """Check a code: six digits against the app (a code of a time step already used is
    refused), anything else as a recovery code (deleted once used). The kind that passed,
    "app" or "recovery", or None."""
    typed = _normalised(code)
    if not typed:
        return None
    if len(typed) == 6 and typed.isdigit():  # a recovery code is 12 characters
        device = totp_device_of(user)
        return "app" if device is not None and device.verify_token(typed) else None
    with transaction.atomic():
        device = StaticDevice.objects.filter(user=user, confirmed=True).first()
        if device is None or not device.verify_token(_code_digest(typed)):
            return None
        audit_record(
            action=AuditEvent.Action.RECOVERY_CODE_USED,
            actor=user,
            client=user.client,
            object_type="user",
            object_id=user.pk,
            label=user.username,
            details={"left": device.token_set.count()},
            request=request,
        )
    return "recovery"


@transaction.atomic
def recovery_codes_regenerate(*, user: User, request: HttpRequest | None = None) -> list[str]:
    """Ten new recovery codes; the old ones stop working."""
    codes = _recovery_codes_replace(user)
    audit_record(
        action=AuditEvent.Action.RECOVERY_CODES_REGENERATED,
        actor=user,
        client=user.client,
        object_type="user",
        object_id=user.pk,
        label=user.username,
        request=request,
    )
    return codes


@transaction.atomic
def two_factor_remove(
    *, user: User, request: HttpRequest | None = None, reason: str = "by the user"
) -> None:
    """Remove the app, the recovery codes and every remembered browser of the user."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    remembered_browsers_revoke_all(user=user)
    audit_record(
        action=AuditEvent.Action.TWO_FACTOR_REMOVED,
        actor=None if request is None else request.user,
        client=user.client,
        object_type="user",
        object_id=user.pk,
        label=user.username,
        details={"reason": reason},
        request=request,
    )


# --- remembered browsers ------------------------------------------------------------------


# The first name found in a User-Agent header wins (Edge and Opera also say "Chrome",
# Chrome also says "Safari"; Android also says "Linux").
BROWSER_NAMES = [
    ("Edg", "Edge"),
    ("OPR", "Opera"),
    ("Firefox", "Firefox"),
    ("Chrome", "Chrome"),
    ("Safari", "Safari"),
]
SYSTEM_NAMES = [
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
]


def browser_label(user_agent: str) -> str:
    """ "Firefox on Windows": what the list of remembered browsers shows."""
    browser = next((name for key, name in BROWSER_NAMES if key in user_agent), "")
    system = next((name for key, name in SYSTEM_NAMES if key in user_agent), "")
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or user_agent[:60]


@transaction.atomic
def remembered_browser_add(*, user: User, request: HttpRequest) -> RememberedBrowser:
    """Remember this browser for ``REMEMBER_DAYS`` (the view sets its cookie)."""
    now = timezone.now()
    browser = RememberedBrowser.objects.create(
        user=user,
        label=browser_label(request.META.get("HTTP_USER_AGENT", ""))[:200],
        site=request.get_host().lower()[:253],
        created_at=now,
        expires_at=now + timedelta(days=REMEMBER_DAYS),
    )
    audit_record(
        action=AuditEvent.Action.BROWSER_REMEMBERED,
        actor=user,
        client=user.client,
        object_type="browser",
        object_id=browser.pk,
        label=browser.label[:200],
        request=request,
    )
    return browser


def remembered_browser_use(*, user: User, browser_id: int) -> bool:
    """True when the browser is one the user remembered, not revoked nor expired (and
    note its use)."""
    now = timezone.now()
    used = RememberedBrowser.objects.filter(
        pk=browser_id, user=user, revoked_at__isnull=True, expires_at__gt=now
    ).update(last_used_at=now)
    return used == 1


def remembered_browsers_of(user: User) -> list[RememberedBrowser]:
    """The user's browsers still remembered, newest first."""
    return list(
        RememberedBrowser.objects.filter(
            user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()
        ).order_by("-created_at")
    )


@transaction.atomic
def remembered_browser_revoke(*, user: User, browser_id: int, request: HttpRequest) -> bool:
    """Forget one of the user's browsers; False if it is not theirs or already forgotten."""
    revoked = RememberedBrowser.objects.filter(
        pk=browser_id, user=user, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    if revoked:
        audit_record(
            action=AuditEvent.Action.BROWSER_FORGOTTEN,
            actor=user,
            client=user.client,
            object_type="browser",
            object_id=browser_id,
            request=request,
        )
    return bool(revoked)


@transaction.atomic
def remembered_browsers_revoke_all(*, user: User, reason: str = "factor removed") -> int:
    """Forget every browser of the user (a password change, the factor removed)."""
    revoked = RememberedBrowser.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if revoked:
        audit_record(
            action=AuditEvent.Action.BROWSER_FORGOTTEN,
            client=user.client,
            object_type="user",
            object_id=user.pk,
            label=user.username,
            details={"browsers": revoked, "reason": reason},
        )
    return revoked


@transaction.atomic
def client_two_factor_require(*, client: Client, required: bool, request: HttpRequest) -> bool:
    """Whether the client's portal users must have two factors (they enrol at their next
    sign-in); False when nothing changed."""
    if client.portal_two_factor_required == required:
        return False
    client.portal_two_factor_required = required
    client.save(update_fields=["portal_two_factor_required"])
    audit_record(
        action=AuditEvent.Action.CLIENT_SETTINGS_CHANGED,
        request=request,
        client=client,
        object_type="client",
        object_id=client.pk,
        label=client.name,
        details={"fields": ["portal_two_factor_required"], "portal_two_factor_required": required},
    )
    return True


def totp_device_with_key(*, user: User, key_hex: str) -> TOTPDevice:
    """A confirmed app with a known key (the demo's, printed next to its logins), kept
    as it is when it already has that key (idempotent)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True, key=key_hex).first()
    if device is not None:
        return device
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, key=key_hex, confirmed=True)
