"""KPI queries for one client and period, computed in the database.

Each query runs in the client's schema (``conversations_conversation``, ...) and joins the
public work queue (``routing_workitem``) by the client's id: the caller must be in the
client's schema (``schema_context``) and pass that client. Definitions: docs/kpis.md.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from billing.document import UNIT_AMOUNT
from billing.selectors import invoice_in_force, invoice_line_description
from core.months import month_bounds
from hours.selectors import client_calendars
from reporting.figures import (
    CALL_DIMENSIONS,
    CSAT_SCORES,
    DAYS_IN_WEEK,
    DIMENSIONS,
    HOURS_IN_DAY,
    NPS_SCORES,
    REPEAT_WINDOW_DAYS,
    SATISFACTION_DIMENSIONS,
    SERVICE_LEVEL_SECONDS,
    CallFigures,
    ContactFigures,
    CostLine,
    CostSection,
    CsatFigures,
    Kpis,
    NpsFigures,
    Period,
    SatisfactionFigures,
    SatisfactionGroup,
    SlaFigures,
)
from reporting.models import KpiSnapshot
from reporting.snapshots import FORMAT_VERSION, kpis_decode
from tenants.models import Client

logger = logging.getLogger(__name__)

# The sorts of a month's percentiles and splits fit in memory instead of spilling to disk
# (the server's default is 4 MB), and no JIT compilation (it costs more than it saves on a
# query that runs once); only for the transaction of the query.
REPORT_WORK_MEM = "SET LOCAL work_mem = '64MB'; SET LOCAL jit = off"

# Contacts of the period with what each KPI needs per row. The business-hours first response
# uses the open periods of the contact's calendar (its customer's country and its language)
# as sorted arrays of starts, lengths and open seconds before each (seconds since the epoch):
# B(t) = open seconds before t, its period found by binary search (width_bucket); the first
# response in business hours is B(answered) - B(arrived).
#
# Each per-row value is computed once: the planner copies a subquery's expressions into every
# place that uses them unless the subquery cannot be merged into its parent, and the window
# (in ``recent``) and ``OFFSET 0`` (in ``located``) are what stop it. Merged, the business
# hours alone evaluated six binary searches and a dozen epoch conversions per row.
_CONTACTS_CTE = """
WITH open_period AS (
    SELECT * FROM unnest(%(cal_country)s::text[], %(cal_language)s::text[],
                         %(cal_start)s::float8[], %(cal_length)s::float8[],
                         %(cal_before)s::float8[]) AS t(country, language, s, len, before)
), cal AS MATERIALIZED (
    SELECT country, language, array_agg(s ORDER BY s) AS s, array_agg(len ORDER BY s) AS len,
           array_agg(before ORDER BY s) AS before
    FROM open_period GROUP BY country, language
), recent AS (
    SELECT conv.channel, conv.language, cu.country, conv.category, conv.created_at,
           conv.first_response_at < %(end)s AS handled,
           -- Resolved at least once before the end: a reopening follows a resolution, and
           -- the row keeps only the latest of each (docs/kpis.md).
           conv.resolved_at < %(end)s OR (conv.reopen_count > 0 AND conv.reopened_at < %(end)s)
               OR conv.merged_at < %(end)s AS resolved,
           conv.reopen_count > 0 AND conv.reopened_at < %(end)s AS reopened,
           -- Seconds since the epoch as float8 (date_part; extract() would give slower
           -- numerics).
           date_part('epoch', conv.created_at) AS arrived,
           CASE WHEN conv.first_response_at < %(end)s
                THEN date_part('epoch', conv.first_response_at) END AS answered,
           -- Merged away while open (never resolved, or reopened since): settled by the
           -- merge; else at its latest resolution (docs/kpis.md, "Merged conversations").
           date_part('epoch', CASE
               WHEN conv.merged_at < %(end)s
                AND (conv.resolved_at IS NULL OR conv.reopened_at >= conv.resolved_at)
               THEN conv.merged_at
               WHEN conv.resolved_at < %(end)s THEN conv.resolved_at END) AS settled,
           lag(conv.created_at) OVER (PARTITION BY conv.customer_id
                                      ORDER BY conv.created_at, conv.id) AS previous_at
    FROM conversations_conversation conv
    JOIN customers_customer cu ON cu.id = conv.customer_id
    WHERE conv.created_at >= %(lookback)s AND conv.created_at < %(end)s AND NOT conv.automatic
      AND NOT conv.started_by_agent AND NOT conv.proactive AND NOT conv.spam
), located AS (
    SELECT r.channel, r.language, r.country, r.category, r.handled, r.resolved, r.reopened,
           r.previous_at >= r.created_at - make_interval(days => %(repeat_days)s) AS repeat,
           r.answered - r.arrived AS frt, r.settled - r.arrived AS resolution,
           r.arrived, r.answered, cal.s, cal.len, cal.before,
           CASE WHEN r.handled THEN coalesce(width_bucket(r.arrived, cal.s), 0) END
               AS arrived_in,
           CASE WHEN r.handled THEN coalesce(width_bucket(r.answered, cal.s), 0) END
               AS answered_in
    FROM recent r
    LEFT JOIN cal ON cal.country = r.country AND cal.language = r.language
    WHERE r.created_at >= %(start)s
    OFFSET 0
), contact AS (
    -- Byte-order ("C") keys: the splits' sorts need no language rules, and run faster.
    SELECT channel COLLATE "C" AS channel, language COLLATE "C" AS language,
           country COLLATE "C" AS country, category COLLATE "C" AS category,
           handled, resolved, reopened, repeat, frt, resolution,
           (CASE WHEN answered_in = 0 THEN 0 ELSE before[answered_in] + least(
                greatest(answered - s[answered_in], 0), len[answered_in]) END)
         - (CASE WHEN arrived_in = 0 THEN 0 ELSE before[arrived_in] + least(
                greatest(arrived - s[arrived_in], 0), len[arrived_in]) END) AS business_frt
    FROM located
)
"""

_GROUPED = """
SELECT {groups},
       count(*),
       count(*) FILTER (WHERE handled),
       percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY frt),
       percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY business_frt),
       count(*) FILTER (WHERE resolved),
       count(*) FILTER (WHERE reopened),
       count(*) FILTER (WHERE repeat),
       percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY resolution)
FROM contact
GROUP BY GROUPING SETS ({sets})
"""

# Each promise is met, missed or not applicable (docs/kpis.md, "SLA met"). Its answer is the
# item's recorded response; an item closed without one takes the conversation's first answer
# if that fell while the item was waiting (a reply recorded on the conversation only). Missed:
# a breach recorded, answered after the due time, or left unanswered past it (still open, or
# closed after it). Not applicable: closed unanswered before its due time (the customer
# closed it, resolved without a reply), or an automatic or spam conversation. Every comparison is
# written so that a missing time never leaves the outcome NULL (uncounted).
SLA_QUERY = """
WITH breached AS (
    SELECT DISTINCT item_id FROM routing_slaevent
    WHERE client_id = %(client_id)s AND kind = 'breach' AND item_id IS NOT NULL
      AND due_at >= %(start)s AND due_at < %(due_before)s
), promise AS (
    SELECT w.channel COLLATE "C" AS channel, w.language COLLATE "C" AS language,
           cu.country COLLATE "C" AS country, conv.category COLLATE "C" AS category,
           CASE
               WHEN coalesce(conv.automatic OR conv.spam, false) THEN 'na'
               WHEN b.item_id IS NOT NULL THEN 'missed'
               WHEN a.answered IS NOT NULL THEN
                   CASE WHEN a.answered <= w.due_at THEN 'met' ELSE 'missed' END
               WHEN w.status IN ('waiting', 'offered', 'assigned') THEN 'missed'
               WHEN w.closed_at > w.due_at THEN 'missed'
               ELSE 'na'
           END AS outcome
    FROM routing_workitem w
    LEFT JOIN breached b ON b.item_id = w.id
    LEFT JOIN conversations_conversation conv ON conv.id = w.source_id
    LEFT JOIN customers_customer cu ON cu.id = conv.customer_id
    CROSS JOIN LATERAL (
        SELECT coalesce(w.responded_at, CASE
            WHEN w.status NOT IN ('waiting', 'offered', 'assigned')
             AND conv.first_response_at >= w.waiting_since
             AND conv.first_response_at <= w.closed_at THEN conv.first_response_at
        END) AS answered
    ) a
    WHERE w.client_id = %(client_id)s AND w.source_kind = 'conversation'
      AND w.due_at >= %(start)s AND w.due_at < %(due_before)s
), fine AS (
    -- One hash per promise on the four keys together, then the splits over these few
    -- groups: the five grouping sets over every promise hashed each row five times (about
    -- half of the query's time at 100,000 promises).
    SELECT channel, language, country, category,
           count(*) FILTER (WHERE outcome <> 'na') AS due,
           count(*) FILTER (WHERE outcome = 'met') AS met,
           count(*) FILTER (WHERE outcome = 'na') AS not_applicable
    FROM promise
    GROUP BY channel, language, country, category
)
SELECT GROUPING(channel), GROUPING(language), GROUPING(country), GROUPING(category),
       channel, language, country, category,
       coalesce(sum(due), 0)::bigint, coalesce(sum(met), 0)::bigint,
       coalesce(sum(not_applicable), 0)::bigint
FROM fine
GROUP BY GROUPING SETS ((), (channel), (language), (country), (category))
"""

# What arrived, for the volume charts: conversations by their channel, and calls that did not
# become a conversation (a voicemail or a callback request is counted once, as its
# conversation), as channel "call".
_ARRIVALS = """
WITH arrival AS (
    SELECT created_at AS at, channel FROM conversations_conversation
    WHERE created_at >= %(start)s AND created_at < %(end)s AND NOT automatic
      AND NOT started_by_agent AND NOT proactive AND NOT spam
    UNION ALL
    SELECT ringing_at, 'call' FROM voice_call
    WHERE ringing_at >= %(start)s AND ringing_at < %(end)s AND conversation_id IS NULL
)
"""

# Arrivals per local hour and channel: the daily volume and the heat map are both sums of
# these (one pass over the month instead of one each). On the night the clocks go back, the
# two local 02:00-03:00 hours fall into the same row, as both count in hour 2.
_ARRIVALS_BY_HOUR = (
    _ARRIVALS
    + """
SELECT date_trunc('hour', at AT TIME ZONE %(tz)s), channel, count(*)
FROM arrival
GROUP BY 1, 2
"""
)

# Calls that rang in the period, split by language, country and topic. Speed of answer is
# queued -> answered; handle time the talk seconds written when the call ended.
_CALLS = """
WITH call AS (
    SELECT language COLLATE "C" AS language, country COLLATE "C" AS country,
           topic COLLATE "C" AS topic, outcome, csat, nps, talk_seconds,
           queued_at IS NOT NULL AS queued,
           queued_at IS NOT NULL AND answered_at IS NOT NULL AS answered,
           date_part('epoch', answered_at - queued_at) AS speed
    FROM voice_call
    WHERE ringing_at >= %(start)s AND ringing_at < %(end)s
)
SELECT GROUPING(language), GROUPING(country), GROUPING(topic), language, country, topic,
       count(*),
       count(*) FILTER (WHERE queued),
       count(*) FILTER (WHERE answered),
       count(*) FILTER (WHERE answered AND speed <= %(target)s),
       count(*) FILTER (WHERE queued AND outcome = 'abandoned'),
       count(*) FILTER (WHERE outcome = 'voicemail'),
       count(*) FILTER (WHERE outcome = 'callback'),
       avg(speed) FILTER (WHERE answered),
       avg(talk_seconds) FILTER (WHERE answered),
       {answers}
FROM call
GROUP BY GROUPING SETS ((), (language), (country), (topic))
""".replace(
    "{answers}",
    ", ".join(
        [f"count(*) FILTER (WHERE csat = {score})" for score in CSAT_SCORES]
        + [f"count(*) FILTER (WHERE nps = {score})" for score in NPS_SCORES]
    ),
)

# The first of the NPS counts in a row of _CALLS (after the CSAT counts).
_NPS_COLUMN = 15 + len(CSAT_SCORES)

_CALENDAR_SCOPES = """
SELECT DISTINCT cu.country, conv.language
FROM conversations_conversation conv JOIN customers_customer cu ON cu.id = conv.customer_id
WHERE conv.created_at >= %(start)s AND conv.created_at < %(end)s
  AND conv.first_response_at < %(end)s
"""


def _calendar_params(
    client: Client, period: Period, params: dict[str, Any]
) -> dict[str, list[Any]]:
    """The open periods of every (country, language) calendar the period's contacts use,
    each with the open seconds before it, as parallel arrays for the query."""
    with connection.cursor() as cursor:
        cursor.execute(_CALENDAR_SCOPES, params)
        scopes: list[tuple[str, str]] = cursor.fetchall()
    arrays: dict[str, list[Any]] = {
        "cal_country": [],
        "cal_language": [],
        "cal_start": [],
        "cal_length": [],
        "cal_before": [],
    }
    calendars = client_calendars(client, scopes=scopes)
    # Scopes that come to the same calendar share its open periods, computed once.
    periods: dict[int, list[tuple[datetime, datetime]]] = {}
    for scope in scopes:
        calendar = calendars[scope]
        if id(calendar) not in periods:
            periods[id(calendar)] = calendar.open_periods(period.start, period.end)
        before = 0.0
        for start, end in periods[id(calendar)]:
            arrays["cal_country"].append(scope[0])
            arrays["cal_language"].append(scope[1])
            length = (end - start).total_seconds()
            arrays["cal_start"].append(start.timestamp())
            arrays["cal_length"].append(length)
            arrays["cal_before"].append(before)
            before += length
    return arrays


def _dimension_of(flags: tuple[int, ...]) -> str | None:
    """The dimension a GROUPING SETS row is grouped by (None: the total row)."""
    grouped = [name for name, flag in zip(DIMENSIONS, flags, strict=True) if flag == 0]
    return grouped[0] if grouped else None


def _period_params(client: Client, period: Period) -> dict[str, Any]:
    return {
        "client_id": client.pk,
        "tz": client.time_zone,
        "start": period.start.astimezone(UTC),
        "end": period.end.astimezone(UTC),
        # 7 x 24 hours before the start, as the query's window (aware arithmetic on the
        # local start would count 7 wall-clock days, an hour short over a change to summer
        # time).
        "lookback": period.start.astimezone(UTC) - timedelta(days=REPEAT_WINDOW_DAYS),
        "repeat_days": REPEAT_WINDOW_DAYS,
    }


def contacts_query(*, totals_only: bool = False) -> str:
    """The SQL of the contact KPIs: the totals, and unless ``totals_only`` each split."""
    if totals_only:
        groups, sets = "1, 1, 1, 1, NULL, NULL, NULL, NULL", "()"
    else:
        groups = (
            "GROUPING(channel), GROUPING(language), GROUPING(country), GROUPING(category),"
            " channel, language, country, category"
        )
        sets = "(), (channel), (language), (country), (category)"
    return _CONTACTS_CTE + _GROUPED.format(groups=groups, sets=sets)


def contacts_query_params(*, client: Client, period: Period) -> dict[str, Any]:
    """The parameters of ``contacts_query`` (reads the calendars the period's contacts use)."""
    params = _period_params(client, period)
    return params | _calendar_params(client, period, params)


def contact_figures_for_period(
    *, client: Client, period: Period, totals_only: bool = False
) -> tuple[ContactFigures, dict[str, list[tuple[str, ContactFigures]]]]:
    """Contact KPIs for the period (client's schema): the totals and each split."""
    params = contacts_query_params(client=client, period=period)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(REPORT_WORK_MEM)
        cursor.execute(contacts_query(totals_only=totals_only), params)
        rows = cursor.fetchall()
    totals = _empty_contacts()
    by: dict[str, list[tuple[str, ContactFigures]]] = {name: [] for name in DIMENSIONS}
    for row in rows:
        calendar_frt, business_frt = row[10] or (None, None), row[11] or (None, None)
        resolution = row[15] or (None, None)
        figures = ContactFigures(
            received=row[8],
            handled=row[9],
            first_response_median=calendar_frt[0],
            first_response_p90=calendar_frt[1],
            first_response_business_median=business_frt[0],
            first_response_business_p90=business_frt[1],
            resolved=row[12],
            reopened=row[13],
            repeat=row[14],
            resolution_median=resolution[0],
            resolution_p90=resolution[1],
        )
        dimension = _dimension_of(row[0:4])
        if dimension is None:
            totals = figures
        else:
            by[dimension].append((row[4 + DIMENSIONS.index(dimension)] or "", figures))
    for rows_of_dimension in by.values():
        rows_of_dimension.sort(key=lambda pair: (-pair[1].received, pair[0]))
    return totals, by


def _empty_contacts() -> ContactFigures:
    return ContactFigures(
        received=0,
        handled=0,
        first_response_median=None,
        first_response_p90=None,
        first_response_business_median=None,
        first_response_business_p90=None,
        resolved=0,
        reopened=0,
        repeat=0,
    )


def sla_query_params(
    *, client: Client, period: Period, now: datetime | None = None
) -> dict[str, Any]:
    """The parameters of ``SLA_QUERY``: promises due in the period, up to now."""
    params = _period_params(client, period)
    params["due_before"] = min(period.end, now or timezone.now()).astimezone(UTC)
    return params


def sla_figures_for_period(
    *, client: Client, period: Period, now: datetime | None = None
) -> tuple[SlaFigures, dict[str, list[tuple[str, SlaFigures]]]]:
    """First-response promises due in the period (up to now): met, missed and not applicable
    (client's schema)."""
    params = sla_query_params(client=client, period=period, now=now)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(REPORT_WORK_MEM)
        cursor.execute(SLA_QUERY, params)
        rows = cursor.fetchall()
    totals = SlaFigures(due=0, met=0, not_applicable=0)
    by: dict[str, list[tuple[str, SlaFigures]]] = {name: [] for name in DIMENSIONS}
    for row in rows:
        figures = SlaFigures(due=row[8], met=row[9], not_applicable=row[10])
        dimension = _dimension_of(row[0:4])
        if dimension is None:
            totals = figures
        else:
            by[dimension].append((row[4 + DIMENSIONS.index(dimension)] or "", figures))
    for rows_of_dimension in by.values():
        rows_of_dimension.sort(key=lambda pair: (-pair[1].due, pair[0]))
    return totals, by


def arrivals_for_period(
    *, client: Client, period: Period
) -> tuple[list[tuple[date, dict[str, int]]], list[list[int]]]:
    """The daily volume ([(local day, {channel: contacts received})] for every day of the
    period) and the heat map (contacts received per local weekday, Monday = 0, and hour)."""
    per_day: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    grid = [[0] * HOURS_IN_DAY for _ in range(DAYS_IN_WEEK)]
    with connection.cursor() as cursor:
        cursor.execute(_ARRIVALS_BY_HOUR, _period_params(client, period))
        for local_hour, channel, count in cursor.fetchall():
            per_day[local_hour.date()][channel] += count
            grid[local_hour.weekday()][local_hour.hour] += count
    daily = [(day, dict(per_day.get(day, {}))) for day in period.days]
    return daily, grid


def daily_volume_for_period(*, client: Client, period: Period) -> list[tuple[date, dict[str, int]]]:
    """[(local day, {channel: contacts received})] for every day of the period."""
    return arrivals_for_period(client=client, period=period)[0]


def heatmap_for_period(*, client: Client, period: Period) -> list[list[int]]:
    """Contacts received per local weekday (Monday = 0) and hour."""
    return arrivals_for_period(client=client, period=period)[1]


def call_figures_for_period(
    *, client: Client, period: Period
) -> tuple[CallFigures | None, dict[str, list[tuple[str, CallFigures]]]]:
    """Call KPIs for the calls that rang in the period (client's schema): the totals (None:
    no call at all) and each split of CALL_DIMENSIONS, most calls first."""
    params = _period_params(client, period) | {"target": SERVICE_LEVEL_SECONDS}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(REPORT_WORK_MEM)
        cursor.execute(_CALLS, params)
        rows = cursor.fetchall()
    totals: CallFigures | None = None
    by: dict[str, list[tuple[str, CallFigures]]] = {name: [] for name in CALL_DIMENSIONS}
    for row in rows:
        figures = CallFigures(
            received=row[6],
            queued=row[7],
            answered=row[8],
            answered_within_target=row[9],
            target_seconds=SERVICE_LEVEL_SECONDS,
            abandoned=row[10],
            voicemails=row[11],
            callbacks=row[12],
            speed_of_answer_average=None if row[13] is None else float(row[13]),
            handle_time_average=None if row[14] is None else float(row[14]),
            csat=CsatFigures(answers=dict(zip(CSAT_SCORES, row[15:_NPS_COLUMN], strict=True))),
            nps=NpsFigures(answers=dict(zip(NPS_SCORES, row[_NPS_COLUMN:], strict=True))),
        )
        grouped = [name for name, flag in zip(CALL_DIMENSIONS, row[0:3], strict=True) if not flag]
        if not grouped:
            totals = figures if figures.received else None
        else:
            by[grouped[0]].append((row[3 + CALL_DIMENSIONS.index(grouped[0])] or "", figures))
    for rows_of_dimension in by.values():
        rows_of_dimension.sort(key=lambda pair: (-pair[1].received, pair[0]))
    return totals, by


def kpis_for_period(*, client: Client, period: Period, now: datetime | None = None) -> Kpis:
    """Every KPI of the client for the period (call it in the client's schema)."""
    totals, by = contact_figures_for_period(client=client, period=period)
    sla, sla_by = sla_figures_for_period(client=client, period=period, now=now)
    calls, calls_by = call_figures_for_period(client=client, period=period)
    daily, heatmap = arrivals_for_period(client=client, period=period)
    return Kpis(
        period=period,
        totals=totals,
        by=by,
        sla=sla,
        sla_by=sla_by,
        daily=daily,
        heatmap=heatmap,
        calls=calls,
        calls_by=calls_by,
        csat=calls.csat if calls is not None and calls.csat.count else None,
        nps=calls.nps if calls is not None and calls.nps.count else None,
        satisfaction=satisfaction_figures_for_period(client=client, period=period),
        satisfaction_by_team=satisfaction_by_team_for_period(client=client, period=period),
    )


def cost_section_for_month(*, client: Client, month: date) -> CostSection | None:
    """The month's invoice in force, line by line (labels in the active language); None
    when the month has no invoice standing (not issued yet, or credited). A line of part of
    the month carries its days; a language surcharge is named by its languages."""
    invoice = invoice_in_force(client=client, month=month)
    if invoice is None:
        return None
    whole_month = month_bounds(invoice.period)
    lines = []
    for line in invoice.lines.order_by("position"):
        partial = (line.starts_on, line.ends_on) != whole_month
        lines.append(
            CostLine(
                label=invoice_line_description(line=line),
                quantity=line.quantity,
                unit=str(line.unit_label),
                amount=line.amount,
                percent=line.percent,
                first_day=line.starts_on if partial else None,
                last_day=line.ends_on - timedelta(days=1) if partial else None,
                quantity_is_money=line.unit == UNIT_AMOUNT,
            )
        )
    return CostSection(
        invoice_number=invoice.number, currency=invoice.currency, lines=lines, total=invoice.total
    )


# The conversation survey's answers given in the period (surveys.Survey.rated_at), by score
# of both questions (an NPS answer follows a rating, and counts in the rating's month), in
# total and by channel, language (the survey's) and category (the conversation's topic).
_SATISFACTION = """
SELECT GROUPING(s.channel), GROUPING(s.language), GROUPING(conv.category),
       s.channel COLLATE "C", s.language COLLATE "C", conv.category COLLATE "C",
       {scores}
FROM surveys_survey s JOIN conversations_conversation conv ON conv.id = s.conversation_id
WHERE s.rating IS NOT NULL AND s.rated_at >= %(start)s AND s.rated_at < %(end)s
GROUP BY GROUPING SETS ((), (s.channel), (s.language), (conv.category))
"""
_SURVEYS_SENT = """
SELECT count(*), count(*) FILTER (WHERE rating IS NOT NULL) FROM surveys_survey
WHERE state = 'sent' AND created_at >= %(start)s AND created_at < %(end)s
"""
# Both surveys' answers by the team of the agent who handled the matter (docs/kpis.md,
# "Satisfaction by team"): a conversation's assignee (the agent who last answered, or who
# resolved it unanswered), a call's agent; the agent's team as it is now, "" for none.
_SATISFACTION_BY_TEAM = """
WITH answer AS (
    SELECT conv.assignee_id AS agent_id, s.rating AS csat, s.nps
    FROM surveys_survey s JOIN conversations_conversation conv ON conv.id = s.conversation_id
    WHERE s.rating IS NOT NULL AND s.rated_at >= %(start)s AND s.rated_at < %(end)s
    UNION ALL
    SELECT agent_id, csat, nps FROM voice_call
    WHERE ringing_at >= %(start)s AND ringing_at < %(end)s
      AND (csat IS NOT NULL OR nps IS NOT NULL)
)
SELECT coalesce(t.name, '') COLLATE "C", {scores}
FROM answer a
LEFT JOIN accounts_user u ON u.id = a.agent_id
LEFT JOIN accounts_team t ON t.id = u.team_id
GROUP BY 1
"""


def _score_columns(csat: str, nps: str) -> str:
    """The count of each CSAT score, then of each NPS score (CSAT_SCORES, NPS_SCORES)."""
    return ", ".join(
        [f"count(*) FILTER (WHERE {csat} = {n})" for n in CSAT_SCORES]
        + [f"count(*) FILTER (WHERE {nps} = {n})" for n in NPS_SCORES]
    )


def _satisfaction_group(counts: tuple[int, ...]) -> SatisfactionGroup:
    """A group from its CSAT then NPS counts (as _score_columns lists them)."""
    split = len(CSAT_SCORES)
    return SatisfactionGroup(
        csat=CsatFigures(answers=dict(zip(CSAT_SCORES, counts[:split], strict=True))),
        nps=NpsFigures(answers=dict(zip(NPS_SCORES, counts[split:], strict=True))),
    )


def satisfaction_figures_for_period(
    *, client: Client, period: Period
) -> SatisfactionFigures | None:
    """The conversation survey of the period (client's schema): the answers given in it by
    score, in total and by SATISFACTION_DIMENSIONS, and the surveys sent in it with how many
    of them are answered; None when no survey was sent or answered in the period."""
    params = _period_params(client, period)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_SURVEYS_SENT, params)
        sent, answered_of_sent = cursor.fetchone()
        cursor.execute(_SATISFACTION.format(scores=_score_columns("s.rating", "s.nps")), params)
        rows = cursor.fetchall()
    totals = _satisfaction_group((0,) * (len(CSAT_SCORES) + len(NPS_SCORES)))
    by: dict[str, list[tuple[str, SatisfactionGroup]]] = {
        name: [] for name in SATISFACTION_DIMENSIONS
    }
    for row in rows:
        figures = _satisfaction_group(row[6:])
        grouped = [
            name for name, flag in zip(SATISFACTION_DIMENSIONS, row[0:3], strict=True) if not flag
        ]
        if not grouped:
            totals = figures
        else:
            value = row[3 + SATISFACTION_DIMENSIONS.index(grouped[0])] or ""
            by[grouped[0]].append((value, figures))
    for rows_of_dimension in by.values():
        rows_of_dimension.sort(key=lambda pair: (-pair[1].csat.count, pair[0]))
    if not sent and not totals.csat.count:
        return None
    return SatisfactionFigures(
        sent=sent,
        answered_of_sent=answered_of_sent,
        totals=totals.csat,
        by={name: [(v, g.csat) for v, g in groups] for name, groups in by.items()},
        nps_totals=totals.nps,
        nps_by={name: [(v, g.nps) for v, g in groups] for name, groups in by.items()},
    )


def satisfaction_by_team_for_period(
    *, client: Client, period: Period
) -> list[tuple[str, SatisfactionGroup]]:
    """CSAT and NPS of the conversation survey (answers given in the period) and of the
    calls' keypad survey (calls that rang in it) by the handling agent's team, most answers
    first ("" = no team); empty without answers (client's schema)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _SATISFACTION_BY_TEAM.format(scores=_score_columns("a.csat", "a.nps")),
            _period_params(client, period),
        )
        rows = [(team, _satisfaction_group(counts)) for team, *counts in cursor.fetchall()]
    # "No team" last: the teams are what the reader compares.
    return sorted(
        rows, key=lambda pair: (pair[0] == "", -pair[1].csat.count, -pair[1].nps.count, pair[0])
    )


@dataclass(frozen=True)
class StoredKpis:
    """A month's stored figures and when they were computed."""

    kpis: Kpis
    computed_at: datetime


def kpi_snapshot_get(*, month: date) -> StoredKpis | None:
    """The stored figures of a month (client's schema); None when none are stored, or when
    the row is of another FORMAT_VERSION or cannot be decoded (logged: the caller recomputes
    and replaces it)."""
    row = (
        KpiSnapshot.objects.filter(month=month)
        .values_list("format_version", "figures", "computed_at")
        .first()
    )
    if row is None:
        return None
    version, figures, computed_at = row
    if version != FORMAT_VERSION:
        logger.info(
            "KPI figures of %s: format %s, not %s; recomputed", month, version, FORMAT_VERSION
        )
        return None
    try:
        return StoredKpis(kpis=kpis_decode(figures), computed_at=computed_at)
    except ValueError:
        logger.warning("KPI figures of %s cannot be decoded; recomputed", month, exc_info=True)
        return None
    version, figures = row
    if version != FORMAT_VERSION:
        logger.info(
            "KPI figures of %s: format %s, not %s; recomputed", month, version, FORMAT_VERSION
        )
        return None
    try:
        return kpis_decode(figures)
    except ValueError:
        logger.warning("KPI figures of %s cannot be decoded; recomputed", month, exc_info=True)
        return None
