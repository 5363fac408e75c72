"""The monthly PDF report as a pure function of plain data (reportlab platypus).

``report_pdf(content)`` takes a ``ReportContent`` (no database, no request) and returns the
PDF's bytes, written in ``content.language``: labels through gettext, dates, numbers and
money through babel (``core.formats``), on the A4 page kit of ``core.pdf`` (embedded fonts,
long tables cut into blocks).
"""

from dataclasses import dataclass
from datetime import datetime

from babel.dates import get_day_names
from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
)

from core.channels import channel_label
from core.formats import Formats
from core.pdf import (
    ACCENT,
    CHANNEL_COLOURS,
    FONT,
    INK,
    MUTED,
    PAGE_WIDTH,
    a4_pdf,
    blocks_of_table,
    escape,
    fonts_register,
    paragraph_styles,
)
from reporting.figures import (
    CALL_DIMENSIONS,
    CSAT_SCORES,
    DIMENSIONS,
    SERVICE_LEVEL_SECONDS,
    CallFigures,
    ContactFigures,
    CostSection,
    CsatFigures,
    Kpis,
    NpsFigures,
    SlaFigures,
)


@dataclass(frozen=True, kw_only=True)
class ReportContent:
    """Everything the report shows, as plain data."""

    client_name: str
    language: str
    time_zone: str
    currency: str
    kpis: Kpis
    previous_totals: ContactFigures | None
    previous_sla: SlaFigures | None
    generated_at: datetime


def _summary_rows(content: ReportContent, fmt: Formats) -> list[list[str]]:
    now, before = content.kpis.totals, content.previous_totals
    sla, sla_before = content.kpis.sla, content.previous_sla
    b = before or ContactFigures(
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
    has_before = before is not None
    rows = [
        [
            _("Contacts received"),
            fmt.number(now.received),
            fmt.number(b.received) if has_before else "—",
            fmt.change_count(now.received, b.received if has_before else None),
        ],
        [
            _("Contacts handled"),
            fmt.number(now.handled),
            fmt.number(b.handled) if has_before else "—",
            fmt.change_count(now.handled, b.handled if has_before else None),
        ],
    ]
    for label, attribute in (
        (_("First response, median"), "first_response_median"),
        (_("First response, 90th percentile"), "first_response_p90"),
        (_("First response in business hours, median"), "first_response_business_median"),
        (_("First response in business hours, 90th percentile"), "first_response_business_p90"),
    ):
        value, previous = getattr(now, attribute), getattr(b, attribute)
        rows.append(
            [label, fmt.hours(value), fmt.hours(previous), fmt.change_hours(value, previous)]
        )
    for label, attribute in (
        (_("Resolution rate"), "resolution_rate"),
        (_("Reopen rate"), "reopen_rate"),
        (_("Repeat contacts"), "repeat_rate"),
    ):
        value, previous = getattr(now, attribute), getattr(b, attribute) if has_before else None
        rows.append(
            [label, fmt.percent(value), fmt.percent(previous), fmt.change_points(value, previous)]
        )
    previous_sla = sla_before.met_rate if sla_before else None
    rows.append(
        [
            _("SLA met"),
            fmt.percent(sla.met_rate),
            fmt.percent(previous_sla),
            fmt.change_points(sla.met_rate, previous_sla),
        ]
    )
    return rows


def _drawing(width: float, height: float) -> Drawing:
    # Without it a drawing starts in reportlab's default Times-Roman (not embedded).
    drawing = Drawing(width, height)
    drawing.initialFontName = FONT
    return drawing


def _daily_chart(kpis: Kpis, fmt: Formats) -> Drawing:
    channels = sorted({channel for _, day in kpis.daily for channel in day})
    drawing = _drawing(PAGE_WIDTH, 190)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 30, 30, PAGE_WIDTH - 130, 145
    chart.data = [[day.get(channel, 0) for _, day in kpis.daily] for channel in channels] or [
        [0] * len(kpis.daily)
    ]
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.categoryNames = [str(day.day) for day, _ in kpis.daily]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 6
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.forceZero = True
    chart.barSpacing, chart.groupSpacing = 0, 2
    for index, channel in enumerate(channels):
        chart.bars[index].fillColor = CHANNEL_COLOURS.get(channel, MUTED)
        chart.bars[index].strokeColor = None
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = PAGE_WIDTH - 90, 170
    legend.fontName, legend.fontSize = FONT, 8
    legend.alignment = "right"
    legend.colorNamePairs = [(CHANNEL_COLOURS.get(c, MUTED), channel_label(c)) for c in channels]
    drawing.add(legend)
    return drawing


def _horizontal_chart(
    pairs: list[tuple[str, float]], *, maximum: float | None = None, colour=ACCENT
) -> Drawing:
    pairs = pairs[:12]
    height = 24 + 16 * max(len(pairs), 1)
    drawing = _drawing(PAGE_WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 130, 12, PAGE_WIDTH - 170, height - 20
    # The first pair on top: reportlab draws the first category at the bottom.
    chart.data = [[value for _, value in reversed(pairs)] or [0]]
    chart.categoryAxis.categoryNames = [label for label, _ in reversed(pairs)] or [""]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    if maximum is not None:
        chart.valueAxis.valueMax = maximum
        chart.valueAxis.valueStep = maximum / 4
    chart.bars[0].fillColor = colour
    chart.bars[0].strokeColor = None
    drawing.add(chart)
    return drawing


def _heatmap(kpis: Kpis, fmt: Formats) -> Drawing:
    cell_w, cell_h, left, bottom = (PAGE_WIDTH - 40) / 24, 14, 36, 14
    drawing = _drawing(PAGE_WIDTH, bottom + 7 * cell_h + 6)
    peak = max((n for row in kpis.heatmap for n in row), default=0) or 1
    day_names = get_day_names("abbreviated", locale=fmt.locale)
    for weekday, row in enumerate(kpis.heatmap):
        y = bottom + (6 - weekday) * cell_h
        drawing.add(String(0, y + 3, day_names[weekday], fontName=FONT, fontSize=7, fillColor=INK))
        for hour, count in enumerate(row):
            shade = colors.linearlyInterpolatedColor(
                colors.HexColor("#f1f4fa"), ACCENT, 0, 1, count / peak
            )
            drawing.add(
                Rect(
                    left + hour * cell_w,
                    y,
                    cell_w - 1,
                    cell_h - 1,
                    fillColor=shade,
                    strokeColor=None,
                )
            )
    for hour in range(0, 24, 3):
        drawing.add(
            String(
                left + hour * cell_w, 2, f"{hour:02d}", fontName=FONT, fontSize=7, fillColor=MUTED
            )
        )
    return drawing


def _dimension_table(content: ReportContent, fmt: Formats, dimension: str) -> list[Table]:
    sla = dict(content.kpis.sla_by.get(dimension, []))
    header = [
        "",
        _("Received"),
        _("Handled"),
        _("Median"),
        _("p90"),
        _("Median, business hours"),
        _("Resolved"),
        _("Reopened"),
        _("Repeat"),
        _("SLA met"),
    ]
    # The whole value, wrapped over as many lines as it needs.
    label_style = ParagraphStyle("label", fontName=FONT, fontSize=8, leading=9.5, textColor=INK)
    rows = []
    for code, f in content.kpis.by.get(dimension, []):
        label = fmt.value_label(dimension, code)
        wrapped = Paragraph(escape(label), label_style)
        met = sla[code].met_rate if code in sla else None
        rows.append(
            [
                wrapped,
                fmt.number(f.received),
                fmt.number(f.handled),
                fmt.hours(f.first_response_median),
                fmt.hours(f.first_response_p90),
                fmt.hours(f.first_response_business_median),
                fmt.percent(f.resolution_rate),
                fmt.percent(f.reopen_rate),
                fmt.percent(f.repeat_rate),
                fmt.percent(met),
            ]
        )
    widths = [56, 46, 42, 40, 40, 60, 46, 46, 46, 44]
    return blocks_of_table(header, rows, widths)


def _definitions() -> list[tuple[str, str]]:
    return [
        (
            _("Contacts received"),
            _(
                "Conversations (e-mail, chat, SMS, API, voicemails and callback requests) that arrived in the month, local time."  # noqa: E501
            ),
        ),
        (
            _("Contacts handled"),
            _("Contacts received in the month that had an agent's first answer before its end."),
        ),
        (
            _("First response"),
            _(
                "Time from arrival to the first answer; median and 90th percentile of the handled contacts."  # noqa: E501
            ),
        ),
        (
            _("First response in business hours"),
            _(
                "The same, counting only your opening hours (public holidays and closures excluded)."  # noqa: E501
            ),
        ),
        (
            _("Resolution rate"),
            _("Contacts received that were resolved before the month's end, of all received."),
        ),
        (_("Reopen rate"), _("Resolved contacts that the customer reopened, of all resolved.")),
        (
            _("Repeat contacts"),
            _("Contacts whose customer had written within the 7 days before, of all received."),
        ),
        (
            _("SLA met"),
            _("First-response promises due in the month that were answered in time, of all due."),
        ),
        (
            _("Busiest hours"),
            _(
                "Contacts and calls received per weekday and hour, local time; a call that became a voicemail or a callback request counts once."  # noqa: E501
            ),
        ),
        (_("Calls received"), _("Inbound calls that rang in the month, whatever their outcome.")),
        (
            _("Average speed of answer"),
            _("Seconds from entering the queue to an agent answering, for answered calls."),
        ),
        (
            _("Service level"),
            _(
                "Calls answered within %(seconds)s s of entering the queue, of all calls queued for an agent."  # noqa: E501
            )
            % {"seconds": SERVICE_LEVEL_SECONDS},
        ),
        (
            _("Abandonment rate"),
            _(
                "Calls whose caller hung up while waiting in the queue, of all calls queued for an agent."  # noqa: E501
            ),
        ),
        (_("Average handle time"), _("Talk seconds of answered calls, on average.")),
        (
            _("CSAT"),
            _("The after-call survey (keys 1-5): the average score and the share of 4 and 5."),
        ),
        (
            _("NPS"),
            _(
                "The after-call question how likely callers are to recommend you (0-10): the share of promoters (9-10) minus the share of detractors (0-6), from -100 to 100."  # noqa: E501
            ),
        ),
    ]


def call_summary_rows(
    calls: CallFigures, csat: CsatFigures | None, fmt: Formats, nps: NpsFigures | None = None
) -> list[list[str]]:
    """The month's call KPIs, CSAT and NPS, one a row (label, value), as the reader sees
    them; CSAT and NPS only with answers."""
    rows = [
        [_("Calls received"), fmt.number(calls.received)],
        [_("Calls queued for an agent"), fmt.number(calls.queued)],
        [_("Calls answered"), fmt.number(calls.answered)],
        [_("Average speed of answer"), fmt.seconds(calls.speed_of_answer_average)],
        [
            _("Service level (answered within %(seconds)s s)") % {"seconds": calls.target_seconds},
            fmt.percent(calls.service_level),
        ],
        [_("Abandonment rate"), fmt.percent(calls.abandonment_rate)],
        [_("Average handle time"), fmt.seconds(calls.handle_time_average)],
        [_("Voicemails"), fmt.number(calls.voicemails)],
        [_("Callback requests"), fmt.number(calls.callbacks)],
    ]
    if csat is not None:
        rows += [
            [_("CSAT, average score (1-5)"), fmt.number(csat.average)],
            [_("Satisfied callers (4-5)"), fmt.percent(csat.satisfied_rate)],
            [
                _("Survey answers 1 / 2 / 3 / 4 / 5"),
                " / ".join(fmt.number(csat.answers[score]) for score in CSAT_SCORES),
            ],
        ]
    if nps is not None:
        rows += [
            [_("NPS (-100 to 100)"), fmt.decimal(nps.score, places=1)],
            [_("NPS answers"), fmt.number(nps.count)],
            [_("Promoters (9-10)"), fmt.number(nps.promoters)],
            [_("Passives (7-8)"), fmt.number(nps.passives)],
            [_("Detractors (0-6)"), fmt.number(nps.detractors)],
        ]
    return rows


def _call_dimension_table(content: ReportContent, fmt: Formats, dimension: str) -> list[Table]:
    # "Calls received" / "Calls answered": in Czech or Slovak a bare "received" reads as
    # "answered" (přijato, prijaté).
    header = [
        "",
        _("Calls received"),
        _("Calls answered"),
        _("Average speed of answer"),
        _("Service level"),
        _("Abandonment rate"),
        _("Average handle time"),
        _("CSAT"),
    ]
    label_style = ParagraphStyle("label", fontName=FONT, fontSize=8, leading=9.5, textColor=INK)
    rows = [
        [
            Paragraph(escape(fmt.value_label(dimension, code)), label_style),
            fmt.number(f.received),
            fmt.number(f.answered),
            fmt.seconds(f.speed_of_answer_average),
            fmt.percent(f.service_level),
            fmt.percent(f.abandonment_rate),
            fmt.seconds(f.handle_time_average),
            fmt.number(f.csat.average),
        ]
        for code, f in content.kpis.calls_by.get(dimension, [])
    ]
    return blocks_of_table(header, rows, [86, 50, 50, 62, 56, 62, 60, 40])


def _calls_section(content: ReportContent, fmt: Formats, styles) -> list:
    calls = content.kpis.calls
    if calls is None:
        return []
    story = [
        Paragraph(_("Phone calls"), styles["h1"]),
        *blocks_of_table(
            ["", _("This month")],
            call_summary_rows(calls, content.kpis.csat, fmt, content.kpis.nps),
            [300, 120],
        ),
    ]
    titles = {
        "language": _("Calls by language"),
        "country": _("Calls by country"),
        "topic": _("Calls by topic"),
    }
    for dimension in CALL_DIMENSIONS:
        if tables := _call_dimension_table(content, fmt, dimension):
            story += [Paragraph(titles[dimension], styles["h2"]), *tables]
    return story


def cost_rows(costs: CostSection, fmt: Formats) -> list[list[str]]:
    """The invoice's lines (label, quantity, unit, amount) and its total, in its currency."""
    rows = []
    for line in costs.lines:
        if line.percent is not None:  # a surcharge: a percentage of an amount
            quantity = fmt.money(line.quantity, costs.currency)
            unit = f"{fmt.number(line.percent)} %"
        else:
            quantity, unit = fmt.number(line.quantity), line.unit
        rows.append([line.label, quantity, unit, fmt.money(line.amount, costs.currency)])
    rows.append([_("Total cost"), "", "", fmt.money(costs.total, costs.currency)])
    return rows


def _costs_section(content: ReportContent, fmt: Formats, styles) -> list:
    costs = content.kpis.costs
    title = Paragraph(_("Costs of the month"), styles["h1"])
    if costs is None:
        return [
            title,
            Paragraph(escape(_("No invoice has been issued for this month yet.")), styles["body"]),
        ]
    label_style = ParagraphStyle("label", fontName=FONT, fontSize=8, leading=9.5, textColor=INK)
    rows = [
        [Paragraph(escape(label), label_style), *rest] for label, *rest in cost_rows(costs, fmt)
    ]
    return [
        title,
        Paragraph(
            escape(_("According to invoice %(number)s") % {"number": costs.invoice_number}),
            styles["muted"],
        ),
        *blocks_of_table(
            ["", _("Quantity billed"), _("Billing unit"), _("Amount charged")],
            rows,
            [196, 86, 80, 110],
        ),
    ]


def satisfaction_section(content: ReportContent, fmt: Formats, styles) -> list:
    """CSAT of every channel side by side (the conversation survey and the calls' keypad
    survey), then the conversation survey by language and category; nothing without
    answers (docs/kpis.md, "Satisfaction on every channel")."""
    survey, calls = content.kpis.satisfaction, content.kpis.csat
    if survey is None and calls is None:
        return []
    header = ["", _("Answers"), _("CSAT, average score (1-5)"), _("Satisfied (4 or 5)"), "1", "2"]
    header += ["3", "4", "5"]
    widths = [110, 50, 70, 70, 32, 32, 32, 32, 32]

    def rows(dimension: str, pairs: list[tuple[str, CsatFigures]]) -> list[list[str]]:
        return [
            [
                fmt.value_label(dimension, code),
                fmt.number(f.count),
                fmt.decimal(f.average, places=2),
                fmt.percent(f.satisfied_rate),
                *(fmt.number(f.answers[score]) for score in CSAT_SCORES),
            ]
            for code, f in pairs
        ]

    channels = survey.by_channel_with_calls(calls) if survey else [("call", calls)]
    # The title, the response rate and the first table on one page.
    head: list = [Paragraph(_("Customer satisfaction"), styles["h1"])]
    if survey is not None:
        sent = _("Surveys sent after resolved conversations: %(sent)s, response rate %(rate)s") % {
            "sent": fmt.number(survey.sent),
            "rate": fmt.percent(survey.response_rate),
        }
        head.append(Paragraph(escape(sent), styles["muted"]))
    head.append(Paragraph(_("Satisfaction by channel"), styles["h2"]))
    table = blocks_of_table(header, rows("channel", [(c, f) for c, f in channels if f]), widths)
    story: list = [KeepTogether(head + table)]
    if survey is None:
        return story
    titles = {
        "language": _("Satisfaction by language"),
        "category": _("Satisfaction by category"),
    }
    for dimension, title in titles.items():
        if survey.by[dimension]:
            story += [
                Paragraph(title, styles["h2"]),
                *blocks_of_table(header, rows(dimension, survey.by[dimension]), widths),
            ]
    return story


def report_story(content: ReportContent) -> list:
    """The report's flowables (call inside the report's language)."""
    fonts_register()
    styles = paragraph_styles()
    fmt = Formats(content.language, content.time_zone, content.currency)
    kpis = content.kpis
    month = fmt.month(kpis.period.start)
    story: list = [
        Spacer(1, 70 * mm),
        Paragraph(escape(_("Monthly report")), styles["title"]),
        Paragraph(escape(content.client_name), styles["subtitle"]),
        Paragraph(escape(month), styles["subtitle"]),
        Spacer(1, 20 * mm),
        Paragraph(
            escape(_("Generated on %(date)s") % {"date": fmt.moment(content.generated_at)}),
            ParagraphStyle("gen", parent=styles["muted"], alignment=TA_CENTER),
        ),
        PageBreak(),
        Paragraph(_("Summary"), styles["h1"]),
    ]
    story += blocks_of_table(
        ["", _("This month"), _("Previous month"), _("Change from last month")],
        _summary_rows(content, fmt),
        [230, 80, 80, 80],
    )
    story += [
        KeepTogether(
            [Paragraph(_("Daily volume per channel"), styles["h2"]), _daily_chart(kpis, fmt)]
        ),
        KeepTogether(
            [
                Paragraph(_("Contacts by language"), styles["h2"]),
                _horizontal_chart(
                    [(fmt.value_label("language", c), f.received) for c, f in kpis.by["language"]]
                ),
            ]
        ),
        KeepTogether([Paragraph(_("Busiest hours"), styles["h2"]), _heatmap(kpis, fmt)]),
        KeepTogether(
            [
                Paragraph(_("SLA met by channel"), styles["h2"]),
                _horizontal_chart(
                    [
                        (channel_label(c), float(f.met_rate * 100))
                        for c, f in kpis.sla_by["channel"]
                        if f.met_rate is not None  # only not-applicable promises: no bar
                    ],
                    maximum=100,
                    colour=colors.HexColor("#2a9d8f"),
                ),
            ]
        ),
        PageBreak(),
    ]
    titles = {
        "channel": _("By channel"),
        "language": _("By language"),
        "country": _("By country"),
        "category": _("By category"),
    }
    for dimension in DIMENSIONS:
        story.append(Paragraph(titles[dimension], styles["h2"]))
        story += _dimension_table(content, fmt, dimension) or [
            Paragraph(escape(_("No contacts in this period.")), styles["muted"])
        ]
    story += _calls_section(content, fmt, styles)
    story += satisfaction_section(content, fmt, styles)
    story += _costs_section(content, fmt, styles)
    story.append(Paragraph(_("Definitions"), styles["h1"]))
    for term, definition in _definitions():
        story.append(Paragraph(f"<b>{escape(term)}</b>: {escape(definition)}", styles["body"]))
    return story


def report_pdf(content: ReportContent) -> bytes:
    """The report as PDF bytes, in the content's language."""
    with translation.override(content.language):
        fmt = Formats(content.language, content.time_zone, content.currency)
        footer = f"{content.client_name} · {fmt.month(content.kpis.period.start)}"
        return a4_pdf(
            report_story(content),
            footer=footer,
            title=f"{_('Monthly report')} · {footer}",
            author="Polydesk",
            language=content.language,
        )
