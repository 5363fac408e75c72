"""SLA as the client reads it on the dashboard (portal.tables, fed by the KPI figures): met,
missed and not applicable shown apart, in the summary and per split, adding up; first response
and resolution time per channel."""

from datetime import date
from decimal import Decimal

from django.utils import translation

from core.formats import Formats
from portal.tables import dimension_table, summary_table
from reporting.figures import ContactFigures, Kpis, Period, SlaFigures

OCTOBER = Period.month(year=2026, month=10, time_zone="Europe/Prague")


def _contacts(received: int, resolution_median: float | None) -> ContactFigures:
    return ContactFigures(
        received=received,
        handled=received,
        first_response_median=3600,
        first_response_p90=7200,
        first_response_business_median=1800,
        first_response_business_p90=5400,
        resolved=received,
        reopened=0,
        repeat=0,
        resolution_median=resolution_median,
        resolution_p90=resolution_median,
    )


# E-mail: 7 promises met, 2 missed, 1 not applicable; SMS received nothing this month but
# one promise of September's SMS came due (missed): its row is shown, or the rows would not
# add up to the summary.
KPIS = Kpis(
    period=OCTOBER,
    totals=_contacts(10, 86400),
    by={"channel": [("email", _contacts(10, 86400))], "language": [], "country": []},
    sla=SlaFigures(due=10, met=7, not_applicable=1),
    sla_by={
        "channel": [
            ("email", SlaFigures(due=9, met=7, not_applicable=1)),
            ("sms", SlaFigures(due=1, met=0)),
        ]
    },
    daily=[(date(2026, 10, 1), {})],
    heatmap=[[0] * 24 for _ in range(7)],
)


def test_the_summary_shows_met_missed_and_not_applicable_apart():
    with translation.override("en"):
        rows = {row[0]: row[1] for row in summary_table(KPIS).rows}
    assert rows["SLA met"] == Decimal("0.7000")  # 7 met of 10 met or missed
    assert (
        rows["SLA promises met"],
        rows["SLA promises missed"],
        rows["SLA promises not applicable"],
    ) == (7, 3, 1)
    assert rows["Resolution time, median"] == 86400


def test_each_channel_row_has_its_promises_and_the_rows_add_up():
    with translation.override("en"):
        table = dimension_table(KPIS, "channel", Formats("en", "Europe/Prague", "EUR"))
    labels = [column.export_label for column in table.columns]
    rows = [dict(zip(labels, row, strict=True)) for row in table.rows]
    assert [row["By channel"] for row in rows] == ["E-mail", "SMS"]
    email, sms = rows
    assert email["First response: Median"] == 3600
    assert email["First response: p90, business hours"] == 5400
    assert email["Resolution: Median"] == 86400
    assert (email["SLA promises: Met"], email["SLA promises: Missed"]) == (7, 2)
    assert email["SLA promises: Not applicable"] == 1
    assert (sms["Received"], sms["SLA promises: Missed"], sms["SLA promises: SLA met"]) == (0, 1, 0)
    assert sum(row["SLA promises: Missed"] for row in rows) == KPIS.sla.missed


def test_grouped_columns_get_one_heading_each_above_them():
    with translation.override("en"):
        table = dimension_table(KPIS, "channel", Formats("en", "Europe/Prague", "EUR"))
    assert table.groups() == [
        ("", 3),  # the split's name, received, handled
        ("First response", 4),
        ("Resolution", 2),
        ("", 2),  # reopened, repeat
        ("SLA promises", 4),
    ]
    assert sum(span for _heading, span in table.groups()) == len(table.columns)
