from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "desk"
    verbose_name = "Agent desk"

    def ready(self) -> None:
        # Here, not at the top: apps.py is imported before the models are ready.
        from customers.registry import eraser_register
        from desk.erasure import screen_pops_forget_for_customer

        eraser_register(screen_pops_forget_for_customer)
