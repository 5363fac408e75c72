from django.apps import AppConfig


class TelephonyConfig(AppConfig):
    name = "telephony"

    def ready(self) -> None:
        from customers.registry import eraser_register
        from outbox import registry
        from telephony.erasure import calls_erase_for_customer
        from telephony.services import sms_transmit

        registry.sender_register("sms", sms_transmit)
        eraser_register(calls_erase_for_customer)
