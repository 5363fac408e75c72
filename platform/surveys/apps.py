from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"

    def ready(self) -> None:
        # Here, not at the top: apps.py is imported before the models are ready.
        from surveys.registrations import registrations_make

        registrations_make()
