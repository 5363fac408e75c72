"""A new password forgets every browser the user had remembered (accounts.two_factor)."""

from typing import Any

from django.db.models.signals import post_save

from accounts.models import User
from accounts.two_factor import remembered_browsers_revoke_all


def password_changed(sender: Any, instance: User, created: bool, **_: Any) -> None:
    # Django's ``set_password`` keeps the new raw password in ``_password`` until the save
    # that stores it has run (the password validators' ``password_changed`` reads it).
    if not created and getattr(instance, "_password", None) is not None:
        remembered_browsers_revoke_all(user=instance, reason="password changed")


def receivers_connect() -> None:
    post_save.connect(password_changed, sender=User, dispatch_uid="accounts-password-changed")
