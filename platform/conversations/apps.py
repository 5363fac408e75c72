from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "conversations"

    def ready(self) -> None:
        from anymail.signals import inbound

        from conversations.email_in import anymail_inbound_received

        inbound.connect(anymail_inbound_received, dispatch_uid="polydesk-inbound-email")
