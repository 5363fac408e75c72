"""ASGI entry point of the chat widget's live process (``uvicorn --factory
config.live:application``, the Procfile's ``live``; widget.live). Django is set up for its
settings (the database, the tokens' signing key, the translations); no request goes through
Django's synchronous stack."""

import os

import django

from config import env
from config.deployment import deployment_refuse
from widget.live import LiveApp, conninfo_from_settings


def application() -> LiveApp:
    """uvicorn's factory: the live application on the settings' database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    # Outside development, refuse to run with the development key (it signs the widget's
    # tokens), DEBUG on a public host, the embedded database or no broker (one line each).
    deployment_refuse()
    return LiveApp(
        conninfo=conninfo_from_settings(),
        waiters_per_address=env.live_waiters_per_address(),
    )
