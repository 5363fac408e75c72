"""Outbound SMS: the outbox's sender for the SMS channel (registered in telephony's
AppConfig.ready). Its e-mail counterpart is conversations.email_out; what a sent or
undelivered message means for a conversation is conversations.outbound, for every channel.
"""

from conversations.models import Message
from outbox.errors import PermanentFailure, TemporaryFailure
from telephony.models import PhoneNumber
from telephony.twilio_api import TwilioApiError, TwilioUnavailable, message_create


def sms_transmit(*, client, delivery) -> str:
    """The outbox's SMS sender: an agent's SMS reply (in the client's schema) from the
    client's SMS number for the customer's country (else any of its SMS numbers), through
    Twilio's REST API; returns the MessageSid. Twilio unreachable, 429 and 5xx are
    temporary failures; any other refusal (an invalid number, 4xx) is permanent."""
    message = Message.objects.select_related("conversation__customer").get(pk=delivery.message_pk)
    customer = message.conversation.customer
    if not customer.phone:
        raise PermanentFailure("The customer has no phone number.")
    numbers = {
        n.country: n.number
        for n in PhoneNumber.objects.filter(client=client, sms=True).order_by("-number")
    }
    sender = numbers.get(customer.country) or next(iter(numbers.values()), None)
    if sender is None:
        raise PermanentFailure(f"The client {client.slug} has no SMS number.")
    try:
        return message_create(to=customer.phone, from_=sender, body=message.body_text)
    except TwilioUnavailable as error:
        raise TemporaryFailure(str(error)) from error
    except TwilioApiError as error:
        raise PermanentFailure(str(error)) from error
