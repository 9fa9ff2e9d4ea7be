"""Bar charts drawn on the server as SVG: readable without JavaScript, no library, no CDN.

`bar_chart` lays a chart out (bars by category, one series or several side by side) and
`templates/web/_chart.html` draws it; a page shows the same numbers in a table beside it (the
chart has a <title> and <desc> for screen readers, and the table is the record). Colours come
from classes in static/charts.css (`tone-good`, `tone-bad`, `tone-wait` when a series says what it
means, else `series-0`, `series-1`, ... by place), so the content security policy
needs no inline style.

    chart = bar_chart("Attendance by week", ["Sep 7", "Sep 14"], [Series("Present", [12, 15], "good"),
                      Series("Missed", [2, 1], "bad")], unit="days")
    {% with chart = chart %}{% include "web/_chart.html" %}{% endwith %}
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 720  # the viewBox; the SVG scales to its container
HEIGHT = 260
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 22, 40  # room for the axis labels (larger on a phone)


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]
    tone: str = ""  # a colour by meaning: "good", "bad", "wait" (else by the series' place)


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str  # its colour class: "tone-good", or "series-1" for the second series without a tone
    label: str  # "Present, Sep 7: 12 days" (the bar's tooltip)


@dataclass(frozen=True)
class Tick:
    y: float
    text: str


@dataclass(frozen=True)
class Label:
    x: float
    text: str


@dataclass(frozen=True)
class Chart:
    title: str
    description: str
    width: int
    height: int
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    bars: list[Bar]
    ticks: list[Tick]
    labels: list[Label]  # under the categories (some skipped when they would crowd)
    legend: list[tuple[str, str]]  # each series' name and colour class


def _step(top: float) -> float:
    """A round step for about four gridlines up to `top`: 1, 2, 5, 10, 20, 50..."""
    if top <= 0:
        return 1.0
    raw = top / 4
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return float(factor * power)
    return float(10 * power)


def _number(value: float) -> str:
    return f"{value:g}" if value != int(value) else str(int(value))


def bar_chart(title: str, labels: Sequence[str], series: Sequence[Series], *, unit: str = "") -> Chart:
    """Bars for each category (`labels`), the series side by side within it, on a y axis from 0."""
    peak = max((v for s in series for v in s.values), default=0.0)
    step = _step(peak)
    top = step * max(1, math.ceil(peak / step)) if peak > 0 else step * 4
    plot_left, plot_right, plot_top, plot_bottom = LEFT, WIDTH - RIGHT, TOP, HEIGHT - BOTTOM
    span = plot_bottom - plot_top
    slot = (plot_right - plot_left) / max(1, len(labels))
    group = slot * 0.8
    bar_width = group / max(1, len(series))
    bars = []
    for i, label in enumerate(labels):
        left = plot_left + i * slot + (slot - group) / 2
        for j, s in enumerate(series):
            value = float(s.values[i]) if i < len(s.values) else 0.0
            height = span * value / top
            words = f"{s.name}, {label}: {_number(value)}{' ' + unit if unit else ''}"
            css = f"tone-{s.tone}" if s.tone else f"series-{j}"
            bars.append(Bar(left + j * bar_width, plot_bottom - height, max(bar_width - 1, 1), height, css, words))
    ticks = [Tick(plot_bottom - span * (k * step) / top, _number(k * step)) for k in range(round(top / step) + 1)]
    every = max(1, math.ceil(len(labels) / 10))  # at most about ten labels under the axis
    shown = [Label(plot_left + (i + 0.5) * slot, text) for i, text in enumerate(labels) if i % every == 0]
    names = ", ".join(s.name for s in series)
    description = f"{names} for each of {len(labels)} {'category' if len(labels) == 1 else 'categories'}"
    description += f", in {unit}" if unit else ""
    return Chart(
        title,
        description + "; the numbers are in the table beside it.",
        WIDTH,
        HEIGHT,
        plot_left,
        plot_right,
        plot_top,
        plot_bottom,
        bars,
        ticks,
        shown,
        [(s.name, f"tone-{s.tone}" if s.tone else f"series-{j}") for j, s in enumerate(series)],
    )
