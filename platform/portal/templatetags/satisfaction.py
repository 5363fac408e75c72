"""The dashboard's satisfaction section: ``{% satisfaction_section kpis %}``.

CSAT of every channel side by side (the conversation survey of e-mail, chat and SMS, and the
calls' keypad survey), then the conversation survey by language and by category.
"""

from django import template
from django.utils import translation
from django.utils.translation import gettext as _

from core.formats import Formats
from reporting.figures import CSAT_SCORES, CsatFigures, Kpis

register = template.Library()


@register.inclusion_tag("portal/_satisfaction.html")
def satisfaction_section(kpis: Kpis) -> dict:
    fmt = Formats(translation.get_language() or "en", "UTC", "EUR")
    survey, calls = kpis.satisfaction, kpis.csat
    if survey is None and calls is None:
        return {"tables": [], "scores": CSAT_SCORES}
    by_channel = survey.by_channel_with_calls(calls) if survey else [("call", calls)]
    tables = [("channel", _("Satisfaction by channel"), _rows(fmt, "channel", by_channel))]
    if survey is not None:
        tables += [
            (
                "language",
                _("Satisfaction by language"),
                _rows(fmt, "language", survey.by["language"]),
            ),
            (
                "category",
                _("Satisfaction by category"),
                _rows(fmt, "category", survey.by["category"]),
            ),
        ]
    sent_line = (
        _("Surveys sent after resolved conversations: %(sent)s, response rate %(rate)s")
        % {"sent": fmt.number(survey.sent), "rate": fmt.percent(survey.response_rate)}
        if survey is not None
        else ""
    )
    return {"tables": tables, "scores": CSAT_SCORES, "sent_line": sent_line}


def _rows(fmt: Formats, dimension: str, pairs) -> list[tuple[str, CsatFigures, list[int]]]:
    return [
        (fmt.value_label(dimension, code), figures, [figures.answers[s] for s in CSAT_SCORES])
        for code, figures in pairs
        if figures is not None
    ]
