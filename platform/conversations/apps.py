from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "conversations"

    def ready(self) -> None:
        from anymail.signals import inbound

        from conversations.email_in import anymail_inbound_received

        inbound.connect(anymail_inbound_received, dispatch_uid="polydesk-inbound-email")

        from conversations.email_out import email_transmit
        from conversations.outbound import message_sent, message_undelivered
        from outbox import registry

        registry.sender_register("email", email_transmit)
        registry.hook_add(registry.ON_SENT, message_sent)
        registry.hook_add(registry.ON_UNDELIVERED, message_undelivered)
