from django.apps import AppConfig


class OrderUpdatesConfig(AppConfig):
    name = "order_updates"
    verbose_name = "Order updates"

    def ready(self) -> None:
        # Here, not at the top: the registrations import models, which need the app registry.
        from order_updates.registrations import registrations_make

        registrations_make()
