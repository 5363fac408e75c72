from django.apps import AppConfig


class WidgetConfig(AppConfig):
    name = "widget"
    verbose_name = "Chat widget"

    def ready(self) -> None:
        # Imported here: the module reads the widget's models, loaded only by now.
        from widget.deflection import deflection_register

        deflection_register()
