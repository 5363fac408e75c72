"""Reads of the satisfaction surveys (client's schema)."""

from surveys.models import Survey


def survey_of_conversation(*, conversation_id: int) -> Survey | None:
    """The conversation's survey (sent or skipped, with its answer), None when none yet."""
    return Survey.objects.filter(conversation_id=conversation_id).first()
