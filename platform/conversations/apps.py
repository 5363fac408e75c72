from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "conversations"

    def ready(self) -> None:
        # Here, not at the top: apps.py is imported before the models are ready.
        from conversations.registrations import registrations_make

        registrations_make()
