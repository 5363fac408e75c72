from django.apps import AppConfig


class TelephonyConfig(AppConfig):
    name = "telephony"

    def ready(self) -> None:
        # Here, not at the top: apps.py is imported before the models are ready.
        from customers.registry import eraser_register
        from outbox import registry
        from telephony.erasure import calls_erase_for_customer
        from telephony.sms_out import sms_transmit

        registry.sender_register("sms", sms_transmit)
        eraser_register(calls_erase_for_customer)
