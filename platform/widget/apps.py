from django.apps import AppConfig


class WidgetConfig(AppConfig):
    name = "widget"
    verbose_name = "Chat widget"

    def ready(self) -> None:
        # Here, not at the top: the registrations import models, not loaded yet when this
        # module is.
        from widget.deflection import deflection_register
        from widget.registrations import registrations_make

        registrations_make()
        deflection_register()
