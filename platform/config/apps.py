from django.apps import AppConfig


class PolydeskConfig(AppConfig):
    """The project's own system checks (config.deployment); no models."""

    name = "config"
    label = "polydesk_config"

    def ready(self) -> None:
        # Registers the deploy checks; the module reads settings, not loaded at apps.py's import.
        from config import deployment  # noqa: F401
