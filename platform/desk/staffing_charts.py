"""The staffing page's two charts as SVG geometry (plain Python, drawn by the template
``desk/staffing/_chart.html``): a week of hours along the x axis, one value or a pair of
values per hour, hour labels, a y scale and a tooltip per hour."""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

WIDTH = 1200
HEIGHT = 300
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 12, 40


@dataclass(frozen=True)
class Box:
    """A rectangle of the chart with the class that colours it and its tooltip."""

    x: float
    y: float
    width: float
    height: float
    kind: str
    title: str


@dataclass(frozen=True)
class Line:
    kind: str
    points: str  # the SVG polyline's points


@dataclass(frozen=True)
class Tick:
    at: float
    label: str
    major: bool = False
    amount: float | None = None  # a y tick's value, written in the reader's format


@dataclass(frozen=True)
class Chart:
    label: str
    width: int
    height: int
    left: int
    top: int
    right: float
    bottom: float
    boxes: list[Box]
    lines: list[Line]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    hovers: list[Box]  # one transparent box per hour carrying the hour's tooltip


def _scale_top(peak: float) -> float:
    """A round top for the y axis: 1, 2 or 5 times a power of ten, at least the peak."""
    if peak <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(peak))
    return next(float(step * power) for step in (1, 2, 5, 10) if step * power >= peak)


class _Frame:
    def __init__(self, hours: Sequence[datetime], peak: float) -> None:
        self.step = (WIDTH - LEFT - RIGHT) / max(len(hours), 1)
        self.top_value = _scale_top(peak)
        self.floor = HEIGHT - BOTTOM
        self.hours = hours

    def x(self, index: int) -> float:
        return LEFT + index * self.step

    def y(self, value: float) -> float:
        return round(self.floor - (self.floor - TOP) * value / self.top_value, 1)

    def x_ticks(self, day_names: Sequence[str]) -> list[Tick]:
        ticks = []
        for index, at in enumerate(self.hours):
            if at.hour == 0:
                day = f"{day_names[at.weekday()]} {at.day}."
                ticks.append(Tick(round(self.x(index), 1), day, major=True))
            elif at.hour in (6, 12, 18):
                ticks.append(Tick(round(self.x(index), 1), f"{at.hour:02d}"))
        return ticks

    def y_ticks(self) -> list[Tick]:
        top = self.top_value
        return [Tick(self.y(value), _number(value), amount=value) for value in (0, top / 2, top)]

    def chart(self, label: str, **parts: object) -> Chart:
        return Chart(
            label=label,
            width=WIDTH,
            height=HEIGHT,
            left=LEFT,
            top=TOP,
            right=WIDTH - RIGHT,
            bottom=self.floor,
            **parts,  # type: ignore[arg-type]
        )

    def hovers(self, titles: Sequence[str]) -> list[Box]:
        height = self.floor - TOP
        return [
            Box(round(self.x(i), 1), TOP, round(self.step, 2), height, "hover", title)
            for i, title in enumerate(titles)
        ]

    def polyline(self, kind: str, values: Sequence[float | None]) -> Line:
        """A line through the hours' middles; an hour without a value breaks nothing, it
        is left out."""
        points = [
            f"{self.x(i) + self.step / 2:.1f},{self.y(value)}"
            for i, value in enumerate(values)
            if value is not None
        ]
        return Line(kind, " ".join(points))

    def steps(self, kind: str, values: Sequence[float | None]) -> Line:
        """A step line: flat across each hour."""
        points = []
        for i, value in enumerate(values):
            if value is not None:
                y = self.y(value)
                points += [f"{self.x(i):.1f},{y}", f"{self.x(i) + self.step:.1f},{y}"]
        return Line(kind, " ".join(points))


def _number(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def contacts_chart(
    *,
    hours: Sequence[datetime],
    forecast: Sequence[float | None],
    baseline: Sequence[float | None],
    actual: Sequence[int | None],
    titles: Sequence[str],
    label: str,
    day_names: Sequence[str],
) -> Chart:
    """Contacts per hour: actual as bars, forecast as a line, the baseline dashed."""
    peak = max([v for series in (forecast, baseline, actual) for v in series if v] or [0])
    frame = _Frame(hours, peak)
    boxes = [
        Box(
            round(frame.x(i) + frame.step * 0.15, 1),
            frame.y(value),
            round(frame.step * 0.7, 2),
            round(frame.floor - frame.y(value), 1),
            "actual",
            "",
        )
        for i, value in enumerate(actual)
        if value
    ]
    lines = [frame.polyline("baseline", baseline), frame.polyline("forecast", forecast)]
    return frame.chart(
        label,
        boxes=boxes,
        lines=lines,
        x_ticks=frame.x_ticks(day_names),
        y_ticks=frame.y_ticks(),
        hovers=frame.hovers(titles),
    )


def agents_chart(
    *,
    hours: Sequence[datetime],
    required: Sequence[int | None],
    scheduled: Sequence[float],
    titles: Sequence[str],
    label: str,
    day_names: Sequence[str],
) -> Chart:
    """Agents on shift per hour: scheduled as bars, required as a step line; the agents
    missing drawn hatched above the bar, the spare ones dotted above the requirement."""
    peak = max([*(v for v in required if v), *scheduled, 0])
    frame = _Frame(hours, peak)
    width = round(frame.step * 0.8, 2)
    boxes = []
    for i, (need, have) in enumerate(zip(required, scheduled, strict=True)):
        x = round(frame.x(i) + frame.step * 0.1, 1)
        if have:
            boxes.append(
                Box(x, frame.y(have), width, round(frame.floor - frame.y(have), 1), "scheduled", "")
            )
        if need is not None and need > have:
            boxes.append(
                Box(x, frame.y(need), width, round(frame.y(have) - frame.y(need), 1), "gap", "")
            )
        elif need is not None and have > need:
            boxes.append(
                Box(x, frame.y(have), width, round(frame.y(need) - frame.y(have), 1), "surplus", "")
            )
    return frame.chart(
        label,
        boxes=boxes,
        lines=[frame.steps("required", required)],
        x_ticks=frame.x_ticks(day_names),
        y_ticks=frame.y_ticks(),
        hovers=frame.hovers(titles),
    )
