from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "conversations"

    def ready(self) -> None:
        # Here, not at the top: apps.py is imported before the models are ready.
        from conversations.email_out import email_transmit
        from conversations.erasure import conversations_erase_for_customer
        from conversations.outbound import message_sent, message_undelivered
        from customers.registry import eraser_register
        from outbox import registry

        registry.sender_register("email", email_transmit)
        registry.hook_add(registry.ON_SENT, message_sent)
        registry.hook_add(registry.ON_UNDELIVERED, message_undelivered)
        eraser_register(conversations_erase_for_customer)

        from conversations import email_in

        if _bounced not in email_in.on_bounce:
            email_in.on_bounce.append(_bounced)


def _bounced(*, client, message_id: str, reason: str) -> None:
    """A delivery report about one of our e-mails: the outbox marks it bounced."""
    # Here, not at the top: apps.py is imported before the models are ready.
    from outbox.services import delivery_bounced

    delivery_bounced(client=client, message_external_id=message_id, reason=reason)
