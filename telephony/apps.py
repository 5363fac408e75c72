from django.apps import AppConfig


class TelephonyConfig(AppConfig):
    name = "telephony"

    def ready(self) -> None:
        from outbox import registry
        from telephony.services import sms_transmit

        registry.sender_register("sms", sms_transmit)
