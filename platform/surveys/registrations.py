"""What surveys registers with the rooms below it at start-up (``SurveysConfig.ready()``):
the chat and SMS rating replies (conversations.answers), the customer eraser, exporter and mover."""

from conversations.answers import recogniser_register
from customers.registry import eraser_register, exporter_register, mover_register
from surveys.services import (
    survey_opt_out_move,
    survey_reply_recognise,
    surveys_erase_for_customer,
    surveys_export_for_customer,
)


def registrations_make() -> None:
    """Fill the registries (idempotent: ready() may run more than once in tests)."""
    recogniser_register(survey_reply_recognise)
    eraser_register(surveys_erase_for_customer)
    exporter_register(surveys_export_for_customer)
    mover_register(survey_opt_out_move)
