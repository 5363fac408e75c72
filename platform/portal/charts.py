"""Charts as inline SVG, drawn on the server: no script, no CDN, readable on a phone."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from reporting.figures import Kpis

COLOURS = {
    "email": "#2457c5",
    "chat": "#2a9d8f",
    "sms": "#e9c46a",
    "api": "#8d99ae",
    "call": "#e76f51",
}
OTHER = "#5b6578"
# A legend name's width at font-size 12, estimated per character (the browser's font is not
# known here): wide enough for the widest letters of the interface's alphabets on average.
LEGEND_CHAR_WIDTH = 7.2
LEGEND_ROW = 18


def _svg(width: int, height: int, label: str, body: list[str]) -> SafeString:
    return mark_safe(  # noqa: S308 - every text inside went through escape()
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(label)}</title>{''.join(body)}</svg>"
    )


def daily_volume_svg(kpis: Kpis, *, label: str, channel_names: dict[str, str]) -> SafeString:
    """Stacked bars: contacts per local day, one colour per channel, with a legend."""
    width, height, left, bottom = 720, 220, 34, 22
    days = kpis.daily
    channels = sorted({channel for _day, counts in days for channel in counts})
    legend = _legend(channels, channel_names, left=left, width=width)
    top = 30 + LEGEND_ROW * (len({y for _x, y, _c in legend}) - 1)
    height += top - 30
    peak = max((sum(counts.values()) for _day, counts in days), default=0) or 1
    step = (width - left - 8) / max(len(days), 1)
    scale = (height - bottom - top) / peak
    body = [
        f'<line x1="{left}" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" '
        'stroke="#c8d0dc"/>',
        f'<text x="{left - 4}" y="{top + 4}" text-anchor="end" font-size="11">{peak}</text>',
        f'<text x="{left - 4}" y="{height - bottom}" text-anchor="end" font-size="11">0</text>',
    ]
    for index, (day, counts) in enumerate(days):
        x = left + index * step
        y: float = height - bottom
        for channel in channels:
            count = counts.get(channel, 0)
            if count:
                h = count * scale
                y -= h
                body.append(
                    f'<rect x="{x + 1:.1f}" y="{y:.1f}" width="{max(step - 2, 1):.1f}" '
                    f'height="{h:.1f}" fill="{COLOURS.get(channel, OTHER)}">'
                    f"<title>{day.isoformat()} {escape(channel_names.get(channel, channel))}: "
                    f"{count}</title></rect>"
                )
        if day.day == 1 or day.day % 5 == 0:
            body.append(
                f'<text x="{x + step / 2:.1f}" y="{height - 6}" text-anchor="middle" '
                f'font-size="11">{day.day}</text>'
            )
    for x, y, channel in legend:
        body.append(
            f'<rect x="{x:.0f}" y="{y}" width="12" height="12" '
            f'fill="{COLOURS.get(channel, OTHER)}"/>'
            f'<text x="{x + 16:.0f}" y="{y + 10}" font-size="12">'
            f"{escape(channel_names.get(channel, channel))}</text>"
        )
    return _svg(width, height, label, body)


def _legend(
    channels: list[str], names: dict[str, str], *, left: int, width: int
) -> list[tuple[float, int, str]]:
    """Where each channel's swatch goes (x, y): one after the other as long as their names
    are, on a new row when the next would run past the chart's right edge."""
    places = []
    x, y = float(left), 4
    for channel in channels:
        span = 16 + LEGEND_CHAR_WIDTH * len(names.get(channel, channel))
        if x > left and x + span > width:
            x, y = float(left), y + LEGEND_ROW
        places.append((x, y, channel))
        x += span + 20
    return places


def heatmap_svg(kpis: Kpis, *, label: str, day_names: list[str]) -> SafeString:
    """Contacts per local weekday (rows) and hour (columns), darker = busier."""
    cell_w, cell_h, left, top = 28, 22, 40, 18
    width, height = left + 24 * cell_w, top + 7 * cell_h
    peak = max((n for row in kpis.heatmap for n in row), default=0) or 1
    body = []
    for hour in range(0, 24, 3):
        body.append(f'<text x="{left + hour * cell_w + 2}" y="12" font-size="11">{hour:02d}</text>')
    for weekday, row in enumerate(kpis.heatmap):
        y = top + weekday * cell_h
        body.append(f'<text x="0" y="{y + 15}" font-size="12">{escape(day_names[weekday])}</text>')
        for hour, count in enumerate(row):
            opacity = 0.06 + 0.94 * count / peak
            body.append(
                f'<rect x="{left + hour * cell_w}" y="{y}" width="{cell_w - 2}" '
                f'height="{cell_h - 2}" fill="#2457c5" fill-opacity="{opacity:.2f}">'
                f"<title>{escape(day_names[weekday])} {hour:02d}:00 · {count}</title></rect>"
            )
    return _svg(width, height, label, body)


def bars_svg(
    pairs: list[tuple[str, float, str]],
    *,
    label: str,
    maximum: float | None = None,
    colour: str = "#2457c5",
) -> SafeString:
    """Horizontal bars: (name, value, value as shown) per row."""
    pairs = pairs[:12]
    width, row_h, left = 720, 26, 170
    height = max(len(pairs), 1) * row_h + 4
    peak = maximum or max((value for _n, value, _s in pairs), default=0) or 1
    body = []
    for index, (name, value, shown) in enumerate(pairs):
        y = 2 + index * row_h
        w = (width - left - 70) * value / peak
        body.append(
            f'<text x="{left - 8}" y="{y + 17}" text-anchor="end" font-size="13">'
            f"{escape(name[:28])}</text>"
            f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" fill="{colour}"/>'
            f'<text x="{left + w + 6:.1f}" y="{y + 17}" font-size="12">{escape(shown)}</text>'
        )
    return _svg(width, height, label, body)
