"""The monthly PDF report as a pure function of plain data (reportlab platypus).

``report_pdf(content)`` takes a ``ReportContent`` (no database, no request) and returns the
PDF's bytes, written in ``content.language``: labels through gettext, dates, numbers and
money through babel (``core.formats``), on the A4 page kit of ``core.pdf`` (embedded fonts,
long tables cut into blocks).
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_interval, get_day_names
from babel.numbers import format_decimal
from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    Paragraph,
    Table,
)

from billing.document import InvoiceFormats
from core.channels import channel_label
from core.formats import Formats, brackets_unbroken, unbroken
from core.pdf import (
    ACCENT,
    CHANNEL_COLOURS,
    FONT,
    FONT_BOLD,
    INK,
    MUTED,
    PAGE_WIDTH,
    a4_pdf,
    blocks_of_table,
    escape,
    fonts_register,
    paragraph_styles,
    table_style,
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
    SatisfactionGroup,
    SlaFigures,
    channels_with_calls,
    satisfaction_all_channels,
)


@dataclass(frozen=True)
class DeflectionLine:
    """The report's line of the help center and the widget's self-service."""

    deflected: int
    share: Decimal | None  # deflected / (deflected + chats started from the widget)
    previous_deflected: int | None = None
    previous_share: Decimal | None = None
    # Help center reads no chat can be matched to: shown apart, in neither figure above.
    help_center_reads: int = 0
    previous_help_center_reads: int | None = None


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
    # The previous month's CSAT and NPS over every channel (reporting.figures.
    # satisfaction_all_channels) and invoice total, for the headline figures.
    previous_satisfaction: SatisfactionGroup | None = None
    previous_cost_total: Decimal | None = None
    # Category codes (conversation categories, call topics) -> names in the report's
    # language; a code without a name is shown as it is.
    category_names: dict[str, str] = field(default_factory=dict)
    # Contacts deflected by self-service (helpcenter.selectors.deflection_figures) and
    # their share against the widget's chats, this month and the previous one.
    deflection: DeflectionLine | None = None


# The headline's change colours: better, worse, and a change that is neither (volume, cost).
BETTER = colors.HexColor("#1e7f4c")
WORSE = colors.HexColor("#c0392b")
ARROWS = {1: "\u25b2", -1: "\u25bc", 0: "="}


@dataclass(frozen=True, kw_only=True)
class Headline:
    """One headline figure: this month, the previous month and the change between them."""

    label: str
    now: str
    before: str
    change: str  # "—" when either month has no value
    direction: int | None  # 1 up, -1 down, 0 equal (as shown); None: no comparison
    better: int  # 1: up is better, -1: down is better, 0: neither
    note: str = ""


def _direction(difference: Decimal | None, step: str) -> int | None:
    """The sign of a change as shown (rounded to ``step``): +0.0 is no change."""
    if difference is None:
        return None
    shown = (difference / Decimal(step)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return (shown > 0) - (shown < 0)


def _difference(now: float | Decimal | None, before: float | Decimal | None) -> Decimal | None:
    if now is None or before is None:
        return None
    return Decimal(str(now)) - Decimal(str(before))


def _signed(value: Decimal, places: int, fmt: Formats) -> str:
    decimals = "." + "0" * places if places else ""
    pattern = f"+#,##0{decimals};-#,##0{decimals}"
    return format_decimal(value, pattern, locale=fmt.locale)


def _score_headline(
    label: str, now: Decimal | None, before: Decimal | None, *, places: int, fmt: Formats
) -> Headline:
    """A survey score's headline (CSAT, NPS): a higher score is better; a change smaller
    than the last place shown is no change."""
    change = _difference(now, before)
    return Headline(
        label=label,
        now="—" if now is None else fmt.decimal(now, places=places),
        before="—" if before is None else fmt.decimal(before, places=places),
        change="—" if change is None else _signed(change, places, fmt),
        direction=_direction(change, f"{Decimal(1).scaleb(-places):f}"),
        better=1,
    )


def headline_figures(content: ReportContent, fmt: Formats) -> list[Headline]:
    """The first page's figures next to the previous month's, in the reader's language."""
    kpis, before = content.kpis, content.previous_totals
    now = kpis.totals
    sla, sla_before = kpis.sla, content.previous_sla
    rows = [
        Headline(
            label=_("Contacts received"),
            now=fmt.number(now.received),
            before=fmt.number(before.received) if before else "—",
            change=fmt.change_count(now.received, before.received if before else None),
            direction=_direction(
                _difference(now.received, before.received if before else None), "1"
            ),
            better=0,
        )
    ]
    met_before = sla_before.met_rate if sla_before else None
    rows.append(
        Headline(
            label=_("SLA met"),
            now=fmt.percent(sla.met_rate),
            before=fmt.percent(met_before),
            change=fmt.change_points(sla.met_rate, met_before),
            direction=_direction(_difference(sla.met_rate, met_before), "0.001"),
            better=1,
            note=_("%(met)s met, %(missed)s missed, %(not_applicable)s not applicable")
            % {
                "met": fmt.number(sla.met),
                "missed": fmt.number(sla.missed),
                "not_applicable": fmt.number(sla.not_applicable),
            },
        )
    )
    median = now.first_response_median
    median_before = before.first_response_median if before else None
    rows.append(
        Headline(
            label=_("First response, median"),
            now=fmt.hours(median),
            before=fmt.hours(median_before),
            change=fmt.change_hours(median, median_before),
            direction=_direction(_difference(median, median_before), "360"),  # 0.1 h
            better=-1,
        )
    )
    rate, rate_before = now.resolution_rate, before.resolution_rate if before else None
    rows.append(
        Headline(
            label=_("Resolution rate"),
            now=fmt.percent(rate),
            before=fmt.percent(rate_before),
            change=fmt.change_points(rate, rate_before),
            direction=_direction(_difference(rate, rate_before), "0.001"),
            better=1,
        )
    )
    # Every channel's answers together (the conversation survey and the calls' keypad): the
    # satisfaction section's channels added up, not the calls alone.
    total = satisfaction_all_channels(kpis.satisfaction, kpis.calls)
    total_before = content.previous_satisfaction
    csat, csat_before = (g.csat if g and g.csat.count else None for g in (total, total_before))
    if csat is not None or csat_before is not None:
        average = csat.average if csat else None
        average_before = csat_before.average if csat_before else None
        label = _("CSAT, average score (1-5)")
        rows.append(_score_headline(label, average, average_before, places=2, fmt=fmt))
    nps, nps_before = (g.nps if g and g.nps.count else None for g in (total, total_before))
    if nps is not None or nps_before is not None:
        score = nps.score if nps else None
        score_before = nps_before.score if nps_before else None
        label = _("NPS (-100 to 100)")
        rows.append(_score_headline(label, score, score_before, places=1, fmt=fmt))
    costs, cost_before = kpis.costs, content.previous_cost_total
    currency = costs.currency if costs else content.currency
    change = _difference(costs.total if costs else None, cost_before)
    rows.append(
        Headline(
            label=_("Costs of the month"),
            now=fmt.money(costs.total, currency) if costs else "—",
            before="—" if cost_before is None else fmt.money(cost_before, currency),
            change="—"
            if change is None
            else ("+" if change >= 0 else "-") + fmt.money(abs(change), currency),
            direction=_direction(change, "0.01"),
            better=0,
        )
    )
    return rows


def change_colour(figure: Headline) -> colors.Color:
    """Green for a change for the better, red for the worse, grey for neither (or none)."""
    good = (figure.direction or 0) * figure.better
    return BETTER if good > 0 else WORSE if good < 0 else MUTED


def _headline_table(content: ReportContent, fmt: Formats) -> Table:
    label = ParagraphStyle("hl", fontName=FONT, fontSize=9.5, leading=12, textColor=INK)
    note = ParagraphStyle("hn", parent=label, fontSize=7.5, leading=9.5, textColor=MUTED)
    value = ParagraphStyle("hv", parent=label, alignment=TA_RIGHT)
    strong = ParagraphStyle("hs", parent=value, fontName=FONT_BOLD, fontSize=11, leading=13)
    header = ParagraphStyle("hh", parent=note, alignment=TA_RIGHT)
    rows: list[list[object]] = [
        [
            "",
            Paragraph(escape(_("This month")), header),
            Paragraph(escape(_("Previous month")), header),
            Paragraph(escape(_("Change from last month")), header),
        ]
    ]
    for figure in headline_figures(content, fmt):
        text = escape(figure.label)
        if figure.note:
            text += (
                f"<br/><font size=7.5 color='#{MUTED.hexval()[2:]}'>{escape(figure.note)}</font>"
            )
        change = escape(figure.change)
        if figure.direction is not None:
            colour = change_colour(figure).hexval()[2:]
            change = f"<font color='#{colour}'>{ARROWS[figure.direction]} {change}</font>"
        rows.append(
            [
                Paragraph(text, label),
                Paragraph(escape(figure.now), strong),
                Paragraph(escape(figure.before), value),
                Paragraph(change, value),
            ]
        )
    # The change column holds "▼ -16,3 százalékpont" on one line, money up to millions.
    table = Table(rows, colWidths=[176, 100, 96, 108], repeatRows=1, hAlign="LEFT")
    table.setStyle(table_style())
    return table


def _summary_rows(content: ReportContent, fmt: Formats) -> list[list[str]]:
    """The contact figures the headline leaves out, next to the previous month's."""
    now, before = content.kpis.totals, content.previous_totals
    rows = [
        [
            _("Contacts handled"),
            fmt.number(now.handled),
            fmt.number(before.handled) if before else "—",
            fmt.change_count(now.handled, before.handled if before else None),
        ],
    ]
    for label, attribute in (
        (_("First response, 90th percentile"), "first_response_p90"),
        (_("First response in business hours, median"), "first_response_business_median"),
        (_("First response in business hours, 90th percentile"), "first_response_business_p90"),
    ):
        value = getattr(now, attribute)
        previous = getattr(before, attribute) if before else None
        rows.append(
            [label, fmt.hours(value), fmt.hours(previous), fmt.change_hours(value, previous)]
        )
    for label, attribute in (
        (_("Reopen rate"), "reopen_rate"),
        (_("Repeat contacts"), "repeat_rate"),
    ):
        value = getattr(now, attribute)
        previous = getattr(before, attribute) if before else None
        rows.append(
            [label, fmt.percent(value), fmt.percent(previous), fmt.change_points(value, previous)]
        )
    deflection = content.deflection
    if deflection is not None:
        rows.append(
            [
                _("Contacts deflected by self-service"),
                fmt.number(deflection.deflected),
                fmt.number(deflection.previous_deflected),
                fmt.change_count(deflection.deflected, deflection.previous_deflected),
            ]
        )
        rows.append(
            [
                _("Deflected against widget chats"),
                fmt.percent(deflection.share),
                fmt.percent(deflection.previous_share),
                fmt.change_points(deflection.share, deflection.previous_share),
            ]
        )
        rows.append(
            [
                _("Articles read in the help center"),
                fmt.number(deflection.help_center_reads),
                fmt.number(deflection.previous_help_center_reads),
                fmt.change_count(
                    deflection.help_center_reads, deflection.previous_help_center_reads
                ),
            ]
        )
    return rows


def _label_style() -> ParagraphStyle:
    """A table's first column: a label of any length wraps inside its cell instead of
    running under the next column."""
    return ParagraphStyle("label", fontName=FONT, fontSize=8, leading=9.5, textColor=INK)


def _labels_wrapped(rows: list[list[str]]) -> list[list[object]]:
    """Rows of (label, figures...) with the label as a paragraph that wraps."""
    style = _label_style()
    return [[Paragraph(escape(label), style), *rest] for label, *rest in rows]


def _drawing(width: float, height: float) -> Drawing:
    # Without it a drawing starts in reportlab's default Times-Roman (not embedded).
    drawing = Drawing(width, height)
    drawing.initialFontName = FONT
    return drawing


def _daily_chart(kpis: Kpis, fmt: Formats) -> Drawing | None:
    """Contacts per day, stacked by channel; None when the month has none."""
    channels = sorted({channel for _, day in kpis.daily for channel, n in day.items() if n})
    if not channels:
        return None
    names = [channel_label(c) for c in channels]
    # The legend in one column at the right, as wide as its longest name in the language.
    legend_width = max(stringWidth(name, FONT, 8) for name in names) + 20
    drawing = _drawing(PAGE_WIDTH, 190)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.height = 30, 30, 145
    chart.width = PAGE_WIDTH - chart.x - legend_width - 10
    chart.data = [[day.get(channel, 0) for _, day in kpis.daily] for channel in channels]
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
    legend.x, legend.y = PAGE_WIDTH - legend_width, 170
    legend.fontName, legend.fontSize = FONT, 8
    legend.alignment = "right"
    legend.columnMaximum = len(channels)
    legend.colorNamePairs = [
        (CHANNEL_COLOURS.get(c, MUTED), name) for c, name in zip(channels, names, strict=True)
    ]
    drawing.add(legend)
    return drawing


def _horizontal_chart(
    pairs: list[tuple[str, float]], *, maximum: float | None = None, colour=ACCENT
) -> Drawing | None:
    """One bar per pair (the first on top), at most 12; None without pairs."""
    pairs = pairs[:12]
    if not pairs:
        return None
    height = 24 + 16 * max(len(pairs), 1)
    drawing = _drawing(PAGE_WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 130, 12, PAGE_WIDTH - 170, height - 20
    # The first pair on top: reportlab draws the first category at the bottom.
    chart.data = [[value for _, value in reversed(pairs)]]
    chart.categoryAxis.categoryNames = [label for label, _ in reversed(pairs)]
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


HEAT_LOW = colors.HexColor("#f1f4fa")
HEAT_LEGEND_STEPS = 8


def _heat(count: float, low: int, peak: int) -> colors.Color:
    share = (count - low) / (peak - low) if peak > low else 1
    return colors.linearlyInterpolatedColor(HEAT_LOW, ACCENT, 0, 1, share)


def _heatmap(kpis: Kpis, fmt: Formats) -> Drawing | None:
    """Contacts per weekday and hour, shaded from the month's fewest to its most, with the
    scale below; None when the month has none."""
    counts = [n for row in kpis.heatmap for n in row]
    peak = max(counts, default=0)
    if not peak:
        return None
    low = min(counts)
    cell_w, cell_h, left, legend_h = (PAGE_WIDTH - 40) / 24, 14, 36, 22
    bottom = legend_h + 14
    drawing = _drawing(PAGE_WIDTH, bottom + 7 * cell_h + 6)
    day_names = get_day_names("abbreviated", locale=fmt.locale)
    for weekday, row in enumerate(kpis.heatmap):
        y = bottom + (6 - weekday) * cell_h
        drawing.add(String(0, y + 3, day_names[weekday], fontName=FONT, fontSize=7, fillColor=INK))
        for hour, count in enumerate(row):
            drawing.add(
                Rect(
                    left + hour * cell_w,
                    y,
                    cell_w - 1,
                    cell_h - 1,
                    fillColor=_heat(count, low, peak),
                    strokeColor=None,
                )
            )
    for hour in range(0, 24, 3):
        drawing.add(
            String(
                left + hour * cell_w,
                bottom - 12,
                f"{hour:02d}",
                fontName=FONT,
                fontSize=7,
                fillColor=MUTED,
            )
        )
    # The scale: the fewest contacts of an hour on the left, the most on the right.
    caption = _("Contacts and calls per hour")
    drawing.add(String(left, 4, caption, fontName=FONT, fontSize=7, fillColor=INK))
    x = left + stringWidth(caption, FONT, 7) + 10
    drawing.add(String(x, 4, fmt.number(low), fontName=FONT, fontSize=7, fillColor=INK))
    x += stringWidth(fmt.number(low), FONT, 7) + 4
    # One box per count when there are few (0 to 4: five boxes), else even steps.
    steps = min(HEAT_LEGEND_STEPS, peak - low + 1)
    for step in range(steps):
        shade = _heat(low + (peak - low) * step / max(steps - 1, 1), low, peak)
        drawing.add(Rect(x, 2, cell_w - 1, cell_h - 3, fillColor=shade, strokeColor=None))
        x += cell_w
    drawing.add(String(x + 3, 4, fmt.number(peak), fontName=FONT, fontSize=7, fillColor=INK))
    return drawing


def _value_label(content: ReportContent, fmt: Formats, dimension: str, code: str) -> str:
    """A split's value as the reader says it: a category or topic by its translated name."""
    if dimension in ("category", "topic") and code in content.category_names:
        return content.category_names[code]
    return fmt.value_label(dimension, code)


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
    label_style = _label_style()
    rows = []
    for code, f in content.kpis.by.get(dimension, []):
        label = _value_label(content, fmt, dimension, code)
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
    # Room for every language's headers ("Beérkezett", "Rozwiązane", at 5.6 pt) and hours
    # ("218,8 Std.").
    widths = [72, 44, 42, 46, 50, 52, 45, 44, 44, 42]
    return blocks_of_table(header, rows, widths, header_size=5.6)


def _definitions() -> list[tuple[str, str]]:
    return [
        (
            _("Change from last month"),
            _(
                "This month's figure minus the previous month's (rates in percentage points): ▲ up, ▼ down, = unchanged; green is a change for the better, red for the worse, grey neither."  # noqa: E501
            ),
        ),
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
            _("Contacts deflected by self-service"),
            _(
                "Help articles opened from the chat widget (and read in the help center from there), and order statuses shown by the widget, after which the customer started no chat within 30 minutes."  # noqa: E501
            ),
        ),
        (
            _("Deflected against widget chats"),
            _("Contacts deflected, of contacts deflected plus chats started from the widget."),
        ),
        (
            _("Articles read in the help center"),
            _(
                "Help center articles read by visitors who did not come from the chat widget: no chat can be traced back to them, so they are shown apart, not as contacts deflected."  # noqa: E501
            ),
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
        (
            _("NPS of conversations"),
            _(
                "The same question on the e-mail survey's page, optional, after the rating; it counts in the month of the rating."  # noqa: E501
            ),
        ),
        (
            _("Headline CSAT and NPS"),
            _(
                "On the first page, every channel together: the answers after calls and on the e-mail survey's page, as in the row All channels."  # noqa: E501
            ),
        ),
        (
            _("Satisfaction by team"),
            _(
                "CSAT and NPS of conversations and calls by the team of the agent who handled them: for a conversation the agent who last answered the customer, for a call the agent who took it."  # noqa: E501
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
            [_("CSAT, average score (1-5)"), fmt.decimal(csat.average, places=2)],
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
    label_style = _label_style()
    rows = [
        [
            Paragraph(escape(_value_label(content, fmt, dimension, code)), label_style),
            fmt.number(f.received),
            fmt.number(f.answered),
            fmt.seconds(f.speed_of_answer_average),
            fmt.percent(f.service_level),
            fmt.percent(f.abandonment_rate),
            fmt.seconds(f.handle_time_average),
            "—" if f.csat.average is None else fmt.decimal(f.csat.average, places=2),
        ]
        for code, f in content.kpis.calls_by.get(dimension, [])
    ]
    # Room for every language's headers ("Durchschnittliche", "Abbruchquote").
    return blocks_of_table(header, rows, [102, 54, 56, 65, 50, 53, 65, 36])


def _calls_section(content: ReportContent, fmt: Formats, styles) -> list:
    calls = content.kpis.calls
    if calls is None:
        return []
    story = [
        Paragraph(_("Phone calls"), styles["h1"]),
        *blocks_of_table(
            ["", _("This month")],
            _labels_wrapped(call_summary_rows(calls, content.kpis.csat, fmt, content.kpis.nps)),
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


def cost_rows(costs: CostSection, fmt: InvoiceFormats) -> list[list[str]]:
    """The invoice's lines (label, quantity, unit, amount) and its total, in its currency:
    quantities with every decimal the invoice has (``billing.document``), a line of part of
    the month with its days on a second line of its label."""
    rows = []
    for line in costs.lines:
        label = line.label
        if line.first_day is not None and line.last_day is not None:
            days = format_interval(line.first_day, line.last_day, "yMMMd", locale=fmt.locale)
            label += f"\n{days}"
        if line.percent is not None:  # a surcharge: a percentage of an amount
            quantity = fmt.exact_money(line.quantity)
            unit = unbroken(f"{fmt.number(line.percent)} %")
        elif line.quantity_is_money:  # telephony passed through
            quantity, unit = fmt.exact_money(line.quantity), line.unit
        else:
            quantity, unit = fmt.quantity(line.quantity), line.unit
        rows.append([label, quantity, unit, fmt.money(line.amount)])
    rows.append([_("Total cost"), "", "", fmt.money(costs.total)])
    return rows


def _cost_label(label: str, style: ParagraphStyle) -> Paragraph:
    """A cost line's label; the days of a line of part of the month below it, muted."""
    text, _newline, days = label.partition("\n")
    markup = escape(text)
    if days:
        markup += f"<br/><font size=7 color='#{MUTED.hexval()[2:]}'>{escape(days)}</font>"
    return Paragraph(markup, style)


# The costs' title (34 pt), the invoice's number (13), the table's header (20) and its first one
# or two lines (26 each).
COSTS_HEAD_HEIGHT = 110


def _costs_section(content: ReportContent, styles) -> list:
    costs = content.kpis.costs
    title = Paragraph(_("Costs of the month"), styles["h1"])
    if costs is None:
        return [
            title,
            Paragraph(escape(_("No invoice has been issued for this month yet.")), styles["body"]),
        ]
    fmt = InvoiceFormats(content.language, content.time_zone, costs.currency)
    label_style = _label_style()
    rows = [[_cost_label(label, label_style), *rest] for label, *rest in cost_rows(costs, fmt)]
    # The unit column holds "conversaciones" on one line.
    first, *more = blocks_of_table(
        ["", _("Quantity billed"), _("Billing unit"), _("Amount charged")],
        rows,
        [208, 90, 84, 100],
    )
    number = Paragraph(
        escape(_("According to invoice %(number)s") % {"number": costs.invoice_number}),
        styles["muted"],
    )
    # Never the title alone at a page's foot: it starts a new page unless the room left holds
    # it, the invoice's number, the table's header and its first lines (a long table then
    # continues on the next page, with its header, rather than leaving this one half empty).
    return [CondPageBreak(COSTS_HEAD_HEIGHT), title, number, first, *more]


def _chart(title: str, drawing: Drawing | None, styles) -> KeepTogether:
    """A chart under its title, or one line saying the month has no data: never a title
    alone at a page's foot, never an empty chart."""
    if drawing is None:
        return KeepTogether(
            [
                Paragraph(title, styles["h2"]),
                Paragraph(escape(_("No data this month.")), styles["muted"]),
            ]
        )
    return KeepTogether([Paragraph(title, styles["h2"]), drawing])


def satisfaction_section(content: ReportContent, fmt: Formats, styles) -> list:
    """CSAT and NPS of every channel side by side (the conversation survey and the calls'
    keypad survey), then the conversation survey by language and category, then both by the
    handling agent's team; nothing without answers (docs/kpis.md, "Satisfaction on every
    channel")."""
    kpis = content.kpis
    survey, teams = kpis.satisfaction, kpis.satisfaction_by_team
    channels = channels_with_calls(survey, kpis.calls)
    if survey is None and not channels and not teams:
        return []
    header = ["", _("Answers"), _("CSAT, average score (1-5)")]
    header.append(brackets_unbroken(_("Satisfied (4 or 5)")))
    header += [str(score) for score in CSAT_SCORES]
    widths = [110, 50, 70, 70, 32, 32, 32, 32, 32]
    # NPS columns only in a month with NPS answers (like the call summary's NPS rows).
    with_nps = any(g.nps.count for _code, g in channels + teams)
    if with_nps:
        header += [brackets_unbroken(_("NPS (-100 to 100)")), _("NPS answers")]
        widths = [84, 48, 64, 52, 24, 24, 24, 24, 24, 50, 58]

    # A long category name wraps inside its cell instead of running under the next column.
    label_style = _label_style()

    def rows(dimension: str, pairs: list[tuple[str, SatisfactionGroup]]) -> list[list[object]]:
        return [
            [
                Paragraph(escape(_value_label(content, fmt, dimension, code)), label_style),
                fmt.number(g.csat.count),
                fmt.decimal(g.csat.average, places=2),
                fmt.percent(g.csat.satisfied_rate),
                *(fmt.number(g.csat.answers[score]) for score in CSAT_SCORES),
                *(
                    [
                        fmt.decimal(g.nps.score, places=1) if g.nps.count else "—",
                        fmt.number(g.nps.count),
                    ]
                    if with_nps
                    else []
                ),
            ]
            for code, g in pairs
        ]

    # The title, the response rate and the first table on one page.
    head: list = [Paragraph(_("Customer satisfaction"), styles["h1"])]
    if survey is not None:
        sent = _("Surveys sent after resolved conversations: %(sent)s, response rate %(rate)s") % {
            "sent": fmt.number(survey.sent),
            "rate": fmt.percent(survey.response_rate),
        }
        head.append(Paragraph(escape(sent), styles["muted"]))
    head.append(Paragraph(_("Satisfaction by channel"), styles["h2"]))
    channel_rows = rows("channel", channels)
    total = satisfaction_all_channels(survey, kpis.calls)
    if len(channels) > 1 and total is not None:  # the first page's CSAT and NPS
        [total_row] = rows("channel", [("", total)])
        channel_rows.append([Paragraph(escape(_("All channels")), label_style), *total_row[1:]])
    table = blocks_of_table(header, channel_rows, widths) or [
        Paragraph(escape(_("No data this month.")), styles["muted"])
    ]
    story: list = [KeepTogether(head + table)]
    splits = []
    if survey is not None:
        splits += [
            ("language", _("Satisfaction by language"), survey.groups("language")),
            ("category", _("Satisfaction by category"), survey.groups("category")),
        ]
    splits.append(("team", _("Satisfaction by team"), teams))
    for dimension, title, pairs in splits:
        if pairs:
            story += [
                Paragraph(title, styles["h2"]),
                *blocks_of_table(header, rows(dimension, pairs), widths),
            ]
    return story


def report_story(content: ReportContent) -> list:
    """The report's flowables (call inside the report's language): the headline figures on
    the first page, then the charts, the splits, calls, costs and definitions, each where the
    last ended (no page break, so no page is left empty)."""
    fonts_register()
    styles = paragraph_styles()
    fmt = Formats(content.language, content.time_zone, content.currency)
    kpis = content.kpis
    month = fmt.month(kpis.period.start)
    title = ParagraphStyle(
        "report_title",
        parent=styles["title"],
        alignment=TA_LEFT,
        fontSize=22,
        leading=27,
        spaceAfter=2,
    )
    subtitle = ParagraphStyle(
        "report_subtitle",
        parent=styles["subtitle"],
        alignment=TA_LEFT,
        fontSize=13,
        leading=17,
        spaceAfter=2,
    )
    story: list = [
        Paragraph(escape(_("Monthly report")), title),
        Paragraph(escape(f"{content.client_name} · {month}"), subtitle),
        Paragraph(
            escape(_("Generated on %(date)s") % {"date": fmt.moment(content.generated_at)}),
            styles["muted"],
        ),
        Paragraph(_("Headline figures"), styles["h2"]),
        _headline_table(content, fmt),
        Paragraph(_("Contacts in detail"), styles["h2"]),
        *blocks_of_table(
            ["", _("This month"), _("Previous month"), _("Change from last month")],
            _labels_wrapped(_summary_rows(content, fmt)),
            [230, 80, 80, 80],
        ),
        _chart(_("Daily volume per channel"), _daily_chart(kpis, fmt), styles),
        _chart(
            _("Contacts by language"),
            _horizontal_chart(
                [(fmt.value_label("language", c), f.received) for c, f in kpis.by["language"]]
            ),
            styles,
        ),
        _chart(_("Busiest hours"), _heatmap(kpis, fmt), styles),
        _chart(
            _("SLA met by channel"),
            _horizontal_chart(
                [
                    (channel_label(c), float(f.met_rate * 100))
                    for c, f in kpis.sla_by["channel"]
                    if f.met_rate is not None  # only not-applicable promises: no bar
                ],
                maximum=100,
                colour=colors.HexColor("#2a9d8f"),
            ),
            styles,
        ),
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
            Paragraph(escape(_("No data this month.")), styles["muted"])
        ]
    story += _calls_section(content, fmt, styles)
    story += satisfaction_section(content, fmt, styles)
    story += _costs_section(content, styles)
    story.append(Paragraph(_("Definitions"), styles["h1"]))
    # Small enough that the definitions end on the page of the costs in every language.
    small = ParagraphStyle("definition", parent=styles["body"], fontSize=8, leading=9.6)
    for term, definition in _definitions():
        text = _("%(label)s: %(value)s") % {
            "label": f"<b>{escape(term)}</b>",
            "value": escape(definition),
        }
        story.append(Paragraph(text, small))
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
