"""The tables the portal shows, as plain rows: the page renders them, the CSV export writes
them, so that both always agree."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from core.channels import channel_label
from core.formats import Formats
from reporting.figures import (
    CALL_DIMENSIONS,
    CSAT_SCORES,
    DIMENSIONS,
    HOURS_IN_DAY,
    ContactFigures,
    CostSection,
    Kpis,
    SlaFigures,
)

# A column's kind says how a value is shown and exported: text as it is, count as an integer,
# hours from seconds, percent from a ratio.
# Seconds as whole seconds, score and amount with two decimals, points (NPS) with one.
TEXT, COUNT, HOURS, PERCENT, MIXED = "text", "count", "hours", "percent", "mixed"
SECONDS, SCORE, AMOUNT, POINTS = "seconds", "score", "amount", "points"


@dataclass(frozen=True)
class Previous:
    """The previous month's totals, for the comparison."""

    totals: ContactFigures
    sla: SlaFigures


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = TEXT
    # Columns of one group share a heading above theirs ("SLA promises": met, missed, ...).
    group: str = ""

    @property
    def export_label(self) -> str:
        return f"{self.group}: {self.label}" if self.group else self.label


@dataclass(frozen=True)
class DataTable:
    key: str
    title: str
    columns: list[Column]
    rows: list[list]

    def cells(self) -> list[list[tuple]]:
        """Each row as (value, kind) pairs; a "mixed" column takes the row's last item as its
        kind (the summary: one KPI a row)."""
        result = []
        for row in self.rows:
            if self.columns[-1].kind == MIXED:
                kind = row[-1]
                result.append([(row[0], TEXT), *[(value, kind) for value in row[1:-1]]])
            else:
                result.append(list(zip(row, [c.kind for c in self.columns], strict=True)))
        return result

    def export_rows(self) -> list[list]:
        return [[export_value(value, kind) for value, kind in row] for row in self.cells()]

    def groups(self) -> list[tuple[str, int]]:
        """The headings above the columns as (heading, columns it spans), left to right;
        [] when no column is grouped."""
        if not any(column.group for column in self.columns):
            return []
        spans: list[tuple[str, int]] = []
        for column in self.columns:
            if spans and spans[-1][0] == column.group:
                spans[-1] = (column.group, spans[-1][1] + 1)
            else:
                spans.append((column.group, 1))
        return spans


def dimension_titles() -> dict[str, str]:
    return {
        "channel": _("By channel"),
        "language": _("By language"),
        "country": _("By country"),
        "category": _("By category"),
    }


def summary_table(kpis: Kpis, previous: Previous | None = None) -> DataTable:
    """One KPI a row: this month and, when given, the previous month."""
    t = kpis.totals
    p = previous.totals if previous else None

    def before(attribute: str):
        return getattr(p, attribute) if p else None

    rows = [
        [_("Contacts received"), t.received, before("received"), COUNT],
        [_("Contacts handled"), t.handled, before("handled"), COUNT],
        [
            _("First response, median"),
            t.first_response_median,
            before("first_response_median"),
            HOURS,
        ],
        [
            _("First response, 90th percentile"),
            t.first_response_p90,
            before("first_response_p90"),
            HOURS,
        ],
        [
            _("First response in business hours, median"),
            t.first_response_business_median,
            before("first_response_business_median"),
            HOURS,
        ],
        [
            _("First response in business hours, 90th percentile"),
            t.first_response_business_p90,
            before("first_response_business_p90"),
            HOURS,
        ],
        [_("Resolution rate"), t.resolution_rate, before("resolution_rate"), PERCENT],
        [_("Resolution time, median"), t.resolution_median, before("resolution_median"), HOURS],
        [
            _("Resolution time, 90th percentile"),
            t.resolution_p90,
            before("resolution_p90"),
            HOURS,
        ],
        [_("Reopen rate"), t.reopen_rate, before("reopen_rate"), PERCENT],
        [_("Repeat contacts"), t.repeat_rate, before("repeat_rate"), PERCENT],
        [_("SLA met"), kpis.sla.met_rate, previous.sla.met_rate if previous else None, PERCENT],
        # The counts behind the percentage, kept apart: not applicable is in neither.
        [_("SLA promises met"), kpis.sla.met, previous.sla.met if previous else None, COUNT],
        [
            _("SLA promises missed"),
            kpis.sla.missed,
            previous.sla.missed if previous else None,
            COUNT,
        ],
        [
            _("SLA promises not applicable"),
            kpis.sla.not_applicable,
            previous.sla.not_applicable if previous else None,
            COUNT,
        ],
    ]
    # Each row has its own kind: the value columns are typed per row.
    columns = [Column(""), Column(_("This month"), MIXED), Column(_("Previous month"), MIXED)]
    return DataTable("summary", _("Summary"), columns, rows)


def dimension_table(kpis: Kpis, dimension: str, fmt: Formats) -> DataTable:
    sla = dict(kpis.sla_by.get(dimension, []))
    columns = [
        Column(dimension_titles()[dimension]),
        Column(_("Received"), COUNT),
        Column(_("Handled"), COUNT),
        Column(_("Median"), HOURS, _("First response")),
        Column(_("p90"), HOURS, _("First response")),
        Column(_("Median, business hours"), HOURS, _("First response")),
        Column(_("p90, business hours"), HOURS, _("First response")),
        Column(_("Resolved"), PERCENT, _("Resolution")),
        Column(_("Median"), HOURS, _("Resolution")),
        Column(_("Reopened"), PERCENT),
        Column(_("Repeat"), PERCENT),
        Column(_("SLA met"), PERCENT, _("SLA promises")),
        Column(_("Met"), COUNT, _("SLA promises")),
        Column(_("Missed"), COUNT, _("SLA promises")),
        Column(_("Not applicable"), COUNT, _("SLA promises")),
    ]
    no_promises = SlaFigures(due=0, met=0, not_applicable=0)
    rows = [
        [
            fmt.value_label(dimension, code),
            f.received,
            f.handled,
            f.first_response_median,
            f.first_response_p90,
            f.first_response_business_median,
            f.first_response_business_p90,
            f.resolution_rate,
            f.resolution_median,
            f.reopen_rate,
            f.repeat_rate,
            sla.get(code, no_promises).met_rate,
            sla.get(code, no_promises).met,
            sla.get(code, no_promises).missed,
            sla.get(code, no_promises).not_applicable,
        ]
        for code, f in kpis.by.get(dimension, [])
    ]
    # Promises due this month in a group that received no contact this month (promises of
    # older conversations): shown too, so that the rows add up to the summary's counts.
    received = {code for code, _f in kpis.by.get(dimension, [])}
    for code, promises in kpis.sla_by.get(dimension, []):
        if code not in received:
            label = fmt.value_label(dimension, code)
            counts = [promises.met, promises.missed, promises.not_applicable]
            rows.append([label, 0, 0, *[None] * 8, promises.met_rate, *counts])
    return DataTable(dimension, dimension_titles()[dimension], columns, rows)


def daily_table(kpis: Kpis) -> DataTable:
    channels = sorted({channel for _day, counts in kpis.daily for channel in counts})
    columns = [Column(_("Day")), *[Column(channel_label(c), COUNT) for c in channels]]
    rows = [[day.isoformat(), *[counts.get(c, 0) for c in channels]] for day, counts in kpis.daily]
    return DataTable("daily", _("Daily volume per channel"), columns, rows)


def heatmap_table(kpis: Kpis, fmt: Formats) -> DataTable:
    from babel.dates import get_day_names

    names = get_day_names("abbreviated", locale=fmt.locale)
    columns = [Column(_("Day")), *[Column(f"{hour:02d}", COUNT) for hour in range(HOURS_IN_DAY)]]
    rows = [[names[weekday], *row] for weekday, row in enumerate(kpis.heatmap)]
    return DataTable("heatmap", _("Busiest hours"), columns, rows)


def calls_table(kpis: Kpis) -> DataTable:
    """The month's call KPIs, CSAT and NPS, one a row (empty without calls; CSAT and NPS
    only with answers)."""
    rows: list[list] = []
    c, csat, nps = kpis.calls, kpis.csat, kpis.nps
    if c is not None:
        rows = [
            [_("Calls received"), c.received, COUNT],
            [_("Calls queued for an agent"), c.queued, COUNT],
            [_("Calls answered"), c.answered, COUNT],
            [_("Average speed of answer"), c.speed_of_answer_average, SECONDS],
            [
                _("Service level (answered within %(seconds)s s)") % {"seconds": c.target_seconds},
                c.service_level,
                PERCENT,
            ],
            [_("Abandonment rate"), c.abandonment_rate, PERCENT],
            [_("Average handle time"), c.handle_time_average, SECONDS],
            [_("Voicemails"), c.voicemails, COUNT],
            [_("Callback requests"), c.callbacks, COUNT],
        ]
    if csat is not None:
        rows += [
            [_("CSAT, average score (1-5)"), csat.average, SCORE],
            [_("Satisfied callers (4-5)"), csat.satisfied_rate, PERCENT],
        ]
        rows += [
            [_("Survey answers: %(score)s") % {"score": score}, csat.answers[score], COUNT]
            for score in CSAT_SCORES
        ]
    if nps is not None:
        rows += [
            [_("NPS (-100 to 100)"), nps.score, POINTS],
            [_("NPS answers"), nps.count, COUNT],
            [_("Promoters (9-10)"), nps.promoters, COUNT],
            [_("Passives (7-8)"), nps.passives, COUNT],
            [_("Detractors (0-6)"), nps.detractors, COUNT],
        ]
    columns = [Column(""), Column(_("This month"), MIXED)]
    return DataTable("calls", _("Phone calls"), columns, rows)


def call_titles() -> dict[str, str]:
    return {
        "language": _("Calls by language"),
        "country": _("Calls by country"),
        "topic": _("Calls by topic"),
    }


def call_dimension_table(kpis: Kpis, dimension: str, fmt: Formats) -> DataTable:
    columns = [
        Column(call_titles()[dimension]),
        Column(_("Calls received"), COUNT),
        Column(_("Calls answered"), COUNT),
        Column(_("Average speed of answer"), SECONDS),
        Column(_("Service level"), PERCENT),
        Column(_("Abandonment rate"), PERCENT),
        Column(_("Average handle time"), SECONDS),
        Column(_("CSAT"), SCORE),
    ]
    rows = [
        [
            fmt.value_label(dimension, code),
            f.received,
            f.answered,
            f.speed_of_answer_average,
            f.service_level,
            f.abandonment_rate,
            f.handle_time_average,
            f.csat.average,
        ]
        for code, f in kpis.calls_by.get(dimension, [])
    ]
    if kpis.nps is not None:  # a month without NPS answers shows no NPS, as the summary
        columns.append(Column(_("NPS"), POINTS))
        for row, (_code, f) in zip(rows, kpis.calls_by.get(dimension, []), strict=True):
            row.append(f.nps.score)
    return DataTable(f"calls-{dimension}", call_titles()[dimension], columns, rows)


def costs_table(costs: CostSection, fmt: Formats) -> DataTable:
    """The invoice's lines and total; amounts in the invoice's currency (named in the
    header). A surcharge's quantity is the amount it is a percentage of."""
    columns = [
        Column(_("Item")),
        Column(_("Quantity billed"), AMOUNT),
        Column(_("Billing unit")),
        Column(_("Amount charged (%(currency)s)") % {"currency": costs.currency}, AMOUNT),
    ]
    rows = [
        [
            line.label,
            line.quantity,
            f"{fmt.number(line.percent)} %" if line.percent is not None else line.unit,
            line.amount,
        ]
        for line in costs.lines
    ]
    rows.append([_("Total cost"), None, "", costs.total])
    return DataTable("costs", _("Costs of the month"), columns, rows)


def dashboard_tables(
    kpis: Kpis, fmt: Formats, previous: Previous | None = None, costs: CostSection | None = None
) -> dict[str, DataTable]:
    tables = {"summary": summary_table(kpis, previous)}
    for dimension in DIMENSIONS:
        tables[dimension] = dimension_table(kpis, dimension, fmt)
    tables["daily"] = daily_table(kpis)
    tables["heatmap"] = heatmap_table(kpis, fmt)
    tables["calls"] = calls_table(kpis)
    for dimension in CALL_DIMENSIONS:
        tables[f"calls-{dimension}"] = call_dimension_table(kpis, dimension, fmt)
    if costs is not None:
        tables["costs"] = costs_table(costs, fmt)
    return tables


def export_value(value, kind: str):
    """A value as the CSV holds it: plain numbers a spreadsheet reads (hours and percent
    with a decimal point), text as it is."""
    if value is None:
        return ""
    if kind == HOURS:
        return f"{Decimal(value) / 3600:.2f}"
    if kind == PERCENT:
        return f"{Decimal(value) * 100:.1f}"
    if kind == SECONDS:
        return f"{Decimal(value):.0f}"
    if kind in (SCORE, AMOUNT):
        return f"{Decimal(value):.2f}"
    if kind == POINTS:
        return f"{Decimal(value):.1f}"
    return value
