"""Authenticator apps for tests: a confirmed TOTP device and the code it shows now (the
next time step's when this one was used already: a code is good once)."""

import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User


def totp_device_for(user: User) -> TOTPDevice:
    """The user's confirmed authenticator app (made now when they have none)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test app", confirmed=True)


def totp_code(key_hex: str, *, last_t: int = -1, at: float | None = None) -> str:
    """The six digits an app with ``key_hex`` shows at ``at`` (now), or at the next step
    when ``last_t`` (the device's last used step) is not behind."""
    totp = TOTP(bytes.fromhex(key_hex), step=30, t0=0, digits=6)
    totp.time = at if at is not None else time.time()
    if totp.t() <= last_t:
        totp.time += 30 * (last_t + 1 - totp.t())
    return f"{totp.token():06d}"


def code_of(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return totp_code(device.key, last_t=device.last_t)
