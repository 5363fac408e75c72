from django.apps import AppConfig


class LanguagesConfig(AppConfig):
    name = "languages"

    def ready(self) -> None:
        from languages import signals  # noqa: F401 - connects the receivers
