"""The KPI oracle (tests/support/kpis.py) fed from a client's schema and compared with the
SQL's figures: the rows as the oracle reads them, the oracle's whole month, and the list of
figures where the two differ."""

import math
from collections.abc import Callable
from dataclasses import asdict
from typing import Any
from zoneinfo import ZoneInfo

from conversations.models import Conversation
from reporting.figures import Kpis, Period
from surveys.models import Survey
from telephony.voice.models import Call
from tests.support import kpis as oracle


def schema_rows() -> tuple[list[oracle.ContactRow], list[oracle.CallRow]]:
    """The conversations and calls of the current schema as plain rows."""
    contacts = [
        oracle.ContactRow(
            id=row["id"],
            customer_id=row["customer_id"],
            channel=row["channel"],
            language=row["language"],
            country=row["customer__country"],
            category=row["category"],
            automatic=row["automatic"],
            started_by_agent=row["started_by_agent"],
            proactive=row["proactive"],
            spam=row["spam"],
            created_at=row["created_at"],
            first_response_at=row["first_response_at"],
            resolved_at=row["resolved_at"],
            reopened_at=row["reopened_at"],
            reopen_count=row["reopen_count"],
            merged_at=row["merged_at"],
        )
        for row in Conversation.objects.values(
            "id",
            "customer_id",
            "channel",
            "language",
            "customer__country",
            "category",
            "automatic",
            "started_by_agent",
            "proactive",
            "spam",
            "created_at",
            "first_response_at",
            "resolved_at",
            "reopened_at",
            "reopen_count",
            "merged_at",
        )
    ]
    calls = [
        oracle.CallRow(
            language=call.language,
            country=call.country,
            topic=call.topic,
            ringing_at=call.ringing_at,
            queued_at=call.queued_at,
            answered_at=call.answered_at,
            outcome=call.outcome,
            talk_seconds=call.talk_seconds,
            csat=call.csat,
            nps=call.nps,
            became_conversation=call.conversation_id is not None,
            team=call.agent.team.name if call.agent and call.agent.team else "",
        )
        for call in Call.objects.select_related("agent__team")
    ]
    return contacts, calls


def schema_surveys() -> list[oracle.SurveyRow]:
    """The conversation surveys of the current schema as plain rows."""
    return [
        oracle.SurveyRow(
            channel=survey.channel,
            language=survey.language,
            category=survey.conversation.category,
            team=(
                assignee.team.name
                if (assignee := survey.conversation.assignee) and assignee.team
                else ""
            ),
            state=survey.state,
            created_at=survey.created_at,
            rating=survey.rating,
            rated_at=survey.rated_at,
            nps=survey.nps,
        )
        for survey in Survey.objects.select_related("conversation__assignee__team")
    ]


def expected_figures(
    contacts: list[oracle.ContactRow],
    calls: list[oracle.CallRow],
    *,
    surveys: list[oracle.SurveyRow],
    period: Period,
    zone: ZoneInfo,
    business_seconds: Callable[[oracle.ContactRow], float],
) -> dict[str, Any]:
    """The oracle's month, in the shape of actual_figures."""
    start, end = period.start, period.end
    totals, by = oracle.contact_figures(
        contacts, start=start, end=end, business_seconds=business_seconds
    )
    call_totals, calls_by = oracle.call_figures(calls, start=start, end=end)
    arrived = oracle.arrivals(contacts, calls, start=start, end=end)
    csat = call_totals.csat if call_totals is not None and call_totals.csat.count else None
    nps = call_totals.nps if call_totals is not None and call_totals.nps.count else None
    return plain(
        {
            "totals": totals,
            "by": by,
            "daily": oracle.daily_volume(arrived, start=start, end=end, zone=zone),
            "heatmap": oracle.heatmap(arrived, zone=zone),
            "calls": call_totals,
            "calls_by": calls_by,
            "csat": csat,
            "nps": nps,
            "satisfaction": oracle.satisfaction_figures(surveys, start=start, end=end),
            "satisfaction_by_team": oracle.satisfaction_by_team(
                surveys, calls, start=start, end=end
            ),
        }
    )


def actual_figures(kpis: Kpis) -> dict[str, Any]:
    """The SQL's month (every figure but "SLA met", which has its own oracle)."""
    return plain(
        {
            "totals": kpis.totals,
            "by": kpis.by,
            "daily": kpis.daily,
            "heatmap": kpis.heatmap,
            "calls": kpis.calls,
            "calls_by": kpis.calls_by,
            "csat": kpis.csat,
            "nps": kpis.nps,
            "satisfaction": kpis.satisfaction,
            "satisfaction_by_team": kpis.satisfaction_by_team,
        }
    )


def plain(value: Any) -> Any:
    """Dataclasses as dicts and tuples as lists, so that figures compare item by item."""
    if hasattr(value, "__dataclass_fields__"):
        return plain(asdict(value))
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def differences(actual: Any, expected: Any, path: str = "") -> list[str]:
    """Every figure where the SQL and the oracle differ: "path: SQL x != oracle y"."""
    if isinstance(actual, dict) and isinstance(expected, dict):
        return [
            line
            for key in sorted(actual.keys() | expected.keys(), key=str)
            for line in differences(actual.get(key), expected.get(key), f"{path}.{key}")
        ]
    if isinstance(actual, list) and isinstance(expected, list) and len(actual) == len(expected):
        return [
            line
            for n, (a, e) in enumerate(zip(actual, expected, strict=True))
            for line in differences(a, e, f"{path}[{n}]")
        ]
    # The SQL sums and interpolates in another order than Python, in float8 seconds.
    close = isinstance(actual, float) and isinstance(expected, float)
    if close and math.isclose(actual, expected, rel_tol=1e-9, abs_tol=1e-3):
        return []
    return [] if actual == expected else [f"{path}: SQL {actual!r} != oracle {expected!r}"]
