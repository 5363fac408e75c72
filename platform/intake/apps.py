from django.apps import AppConfig


class IntakeConfig(AppConfig):
    """Write-ahead intake of inbound mail: the original first, with a receipt, then filing."""

    name = "intake"

    def ready(self) -> None:
        # Here, not at the top: apps.py is imported before the models are ready.
        from anymail.signals import inbound

        from customers.registry import eraser_register
        from intake.erasure import receipts_erase_for_customer
        from intake.services import anymail_inbound_received

        inbound.connect(anymail_inbound_received, dispatch_uid="polydesk-inbound-email")
        eraser_register(receipts_erase_for_customer)
