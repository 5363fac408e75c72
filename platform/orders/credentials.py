"""A shop connection's credentials, encrypted at rest with Fernet (``cryptography``).

The key is derived from the ``ORDERS_CREDENTIALS_KEY`` setting, or from ``SECRET_KEY`` when
that is empty (development): docs/operations.md, "Shop credentials". Changing the key makes
the stored credentials unreadable; the connection then answers "the shop did not answer"
with the reason until an admin enters them again.
"""

import base64
import hashlib
import json

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def credentials_fernet() -> Fernet:
    """The Fernet of the configured key (any length of secret: hashed to Fernet's 32 bytes)."""
    secret = settings.ORDERS_CREDENTIALS_KEY or settings.SECRET_KEY
    digest = hashlib.sha256(b"polydesk-orders-credentials:" + secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def credentials_encrypt(values: dict[str, str]) -> str:
    """``values`` as one encrypted token (text, for a TextField)."""
    return credentials_fernet().encrypt(json.dumps(values).encode()).decode()


def credentials_decrypt(token: str) -> dict[str, str]:
    """The values of ``token``; {} for none. ValueError when it cannot be read (another key)."""
    if not token:
        return {}
    try:
        return json.loads(credentials_fernet().decrypt(token.encode()))
    except InvalidToken as error:
        raise ValueError("the stored credentials cannot be read with the current key") from error
