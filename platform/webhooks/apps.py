from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        # Here, not at the top: apps.py is imported before the models are ready.
        from webhooks.registrations import registrations_make

        registrations_make()
