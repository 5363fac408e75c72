from django.apps import AppConfig


class TelephonyConfig(AppConfig):
    name = "telephony"

    def ready(self) -> None:
        # Here, not at the top: apps.py is imported before the models are ready.
        from telephony.registrations import registrations_make

        registrations_make()
