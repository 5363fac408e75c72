"""The ``data`` of each webhook event: ids and the fields a shop's system needs, JSON-ready
(docs/how-to.md, "Receive webhooks"). Plain functions of the rooms' objects, so that the
room emitting an event needs one call (``core.events.webhook_event_emit``)."""

from datetime import datetime
from typing import Any


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def conversation_data(conversation: Any) -> dict[str, Any]:
    customer = conversation.customer
    return {
        "conversation_id": conversation.pk,
        "channel": conversation.channel,
        "subject": conversation.subject,
        "language": conversation.language,
        "status": conversation.status,
        "created_at": _time(conversation.created_at),
        "resolved_at": _time(conversation.resolved_at),
        "customer": {
            "id": customer.pk,
            "name": customer.name,
            "email": customer.email,
            "phone": customer.phone,
        },
    }


def message_data(message: Any) -> dict[str, Any]:
    return {
        "message_id": message.pk,
        "conversation_id": message.conversation_id,
        "customer_id": message.conversation.customer_id,
        "direction": message.direction,
        "channel": message.channel,
        "text": message.body_text,
        "created_at": _time(message.created_at),
    }


def call_data(call: Any) -> dict[str, Any]:
    return {
        "call_id": call.pk,
        "call_sid": call.call_sid,
        "customer_id": call.customer_id,
        "from_number": call.from_number,
        "to_number": call.to_number,
        "language": call.language,
        "outcome": call.outcome,
        "ringing_at": _time(call.ringing_at),
        "answered_at": _time(call.answered_at),
        "completed_at": _time(call.completed_at),
        "wait_seconds": call.wait_seconds,
        "talk_seconds": call.talk_seconds,
    }


def survey_data(survey: Any) -> dict[str, Any]:
    return {
        "survey_id": survey.pk,
        "conversation_id": survey.conversation_id,
        "customer_id": survey.conversation.customer_id,
        "channel": survey.channel,
        "rating": survey.rating,
        "nps": survey.nps,
        "answered_via": survey.answered_via,
        "rated_at": _time(survey.rated_at),
    }
