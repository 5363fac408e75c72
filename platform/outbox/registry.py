"""What the outbox needs from the channels above it, filled at start-up (AppConfig.ready).

The outbox sits below conversations and telephony: it keeps the delivery state and drives
the sending, and the channels tell it how to transmit and what a sent or undelivered
message means for them (the SLA's first response, billing, an alert to the owner).
"""

from collections.abc import Callable
from typing import Any

# channel -> transmit(*, client, delivery) -> the provider's answer (an SMTP reply, a
# MessageSid). Runs in the client's schema, outside any transaction; raises
# outbox.errors.TemporaryFailure or PermanentFailure. "email":
# conversations.email_out.email_transmit; "sms": telephony.sms_out.sms_transmit.
SENDERS: dict[str, Callable[..., str]] = {}

# Called with client=, delivery=, at= in its own short transaction right after the mark
# (once per delivery: effects_applied_at), in the client's schema.
ON_SENT: list[Callable[..., Any]] = []

# Called with client=, delivery=, reason= when a delivery failed for good or bounced (once
# per such change), in the same transaction, in the client's schema.
ON_UNDELIVERED: list[Callable[..., Any]] = []


# Called with client=, delivery=, now= in the client's schema just before a delivery is
# transmitted (a retry too); a time returned means "not before then": the delivery goes back
# to the queue until that time, the attempt not counted. order_updates: an order update's
# SMS never leaves in the client's quiet hours.
HOLDS: list[Callable[..., Any]] = []


# Called with client=, delivery= in the client's schema just before a delivery is
# transmitted; a non-empty reason means "no longer needed": the delivery is withdrawn with
# that reason, nothing sent. widget: the e-mail copy of a chat reply the customer has read
# in the chat meanwhile.
WITHDRAWS: list[Callable[..., str]] = []


# Channels whose deliveries are no customer's message (a webhook delivery to the client's
# own systems): their row names no message (``Delivery.webhook_delivery_id`` instead), the
# message hooks above and the supervisor wall skip them, and they may keep a retry
# schedule of their own.
OWN_CHANNELS: set[str] = set()

# channel -> seconds to wait after the 1st, 2nd, ... failed attempt; failed for good after
# len(schedule) + 1 attempts. Channels without one use OUTBOX_RETRY_* and OUTBOX_MAX_ATTEMPTS.
RETRY_SCHEDULES: dict[str, tuple[float, ...]] = {}


def sender_register(channel: str, transmit: Callable[..., str]) -> None:
    SENDERS[channel] = transmit


def own_channel_register(
    channel: str, transmit: Callable[..., str], *, retry_schedule: tuple[float, ...]
) -> None:
    """A channel that is no customer's message (see ``OWN_CHANNELS``)."""
    SENDERS[channel] = transmit
    OWN_CHANNELS.add(channel)
    RETRY_SCHEDULES[channel] = retry_schedule


def hook_add(hooks: list[Callable[..., Any]], hook: Callable[..., Any]) -> None:
    if hook not in hooks:  # ready() may run twice (tests, autoreload)
        hooks.append(hook)
