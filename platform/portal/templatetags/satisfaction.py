"""The dashboard's satisfaction section: ``{% satisfaction_section kpis %}``.

CSAT and NPS of every channel side by side (the conversation survey of e-mail, chat and SMS,
and the calls' keypad survey), then the conversation survey by language and by category,
then both surveys by the handling agent's team.
"""

from django import template
from django.utils import translation
from django.utils.translation import gettext as _

from content.selectors import category_names
from core.formats import Formats
from reporting.figures import (
    CSAT_SCORES,
    Kpis,
    SatisfactionGroup,
    channels_with_calls,
    satisfaction_all_channels,
)

register = template.Library()


@register.inclusion_tag("portal/_satisfaction.html")
def satisfaction_section(kpis: Kpis) -> dict:
    language = translation.get_language() or "en"
    fmt = Formats(language, "UTC", "EUR", names=category_names(language=language))
    survey = kpis.satisfaction
    by_channel = channels_with_calls(survey, kpis.calls)
    if survey is None and not by_channel and not kpis.satisfaction_by_team:
        return {"tables": [], "scores": CSAT_SCORES}
    channel_rows = _rows(fmt, "channel", by_channel)
    total = satisfaction_all_channels(survey, kpis.calls)
    if len(by_channel) > 1 and total is not None:  # the PDF's headline CSAT and NPS
        channel_rows.append(
            (_("All channels"), total, [total.csat.answers[s] for s in CSAT_SCORES])
        )
    tables = [("channel", _("Satisfaction by channel"), channel_rows)]
    if survey is not None:
        tables += [
            (
                "language",
                _("Satisfaction by language"),
                _rows(fmt, "language", survey.groups("language")),
            ),
            (
                "category",
                _("Satisfaction by category"),
                _rows(fmt, "category", survey.groups("category")),
            ),
        ]
    if kpis.satisfaction_by_team:
        tables.append(
            ("team", _("Satisfaction by team"), _rows(fmt, "team", kpis.satisfaction_by_team))
        )
    sent_line = (
        _("Surveys sent after resolved conversations: %(sent)s, response rate %(rate)s")
        % {"sent": fmt.number(survey.sent), "rate": fmt.percent(survey.response_rate)}
        if survey is not None
        else ""
    )
    # NPS columns only in a month with NPS answers (like the call summary's NPS rows).
    with_nps = any(group.nps.count for _code, group in by_channel + kpis.satisfaction_by_team)
    return {
        "tables": tables,
        "scores": CSAT_SCORES,
        "sent_line": sent_line,
        "with_nps": with_nps,
        "columns": len(CSAT_SCORES) + (6 if with_nps else 4),
    }


def _rows(
    fmt: Formats, dimension: str, pairs: list[tuple[str, SatisfactionGroup]]
) -> list[tuple[str, SatisfactionGroup, list[int]]]:
    return [
        (fmt.value_label(dimension, code), group, [group.csat.answers[s] for s in CSAT_SCORES])
        for code, group in pairs
    ]
