"""Charts drawn on the server as plain SVG (no script, no CDN): this module computes the geometry,
`templates/web/_grouped_bars.html` draws it. Every chart sits beside a table of the same numbers.

`grouped_bars`: horizontal bars, one group per label (a field, a school), one bar per series,
side by side; horizontal so that long labels stay readable on a phone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 360  # the viewBox, about a phone's width: 15-unit words are 13 px there (region.css caps it wider)
LABEL_WIDTH = 124  # the group labels end 6 before the bars (templates/web/_grouped_bars.html)
VALUE_WIDTH = 34
CHAR = 8  # about one character's width at font size 15, to lay the legend out
LINE = 21  # a legend line
BAR = 16
GAP = 3
GROUP_GAP = 14
TOP = 32  # room for the legend
COLOURS = ("#2354c7", "#e08a1e", "#2e8b57", "#8a5cc2", "#c0392b")  # distinct in greyscale too


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int | float
    colour: str
    series: str


@dataclass(frozen=True)
class Group:
    label: str
    y: float  # the label's baseline
    bars: list[Bar]


@dataclass(frozen=True)
class Chart:
    title: str
    width: int
    height: int
    series: list[tuple[str, str, float, float]]  # the legend: (name, colour, x, y) of each swatch
    groups: list[Group]


def legend(series: Sequence[str]) -> list[tuple[str, str, float, float]]:
    """Each series' swatch: (name, colour, x, y), in lines that fit the width."""
    found, x, y = [], 10.0, 6.0
    for n, name in enumerate(series):
        width = 22 + CHAR * len(name) + 14
        if x + width > WIDTH and x > 10:
            x, y = 10.0, y + LINE
        found.append((name, COLOURS[n % len(COLOURS)], x, y))
        x += width
    return found


def grouped_bars(title: str, series: Sequence[str], groups: Sequence[tuple[str, Sequence[int | float]]]) -> Chart:
    """A chart of `groups` (label, one value per series), bars scaled to the largest value."""
    top = max((v for _, values in groups for v in values), default=0) or 1
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    per_group = len(series) * (BAR + GAP) - GAP + GROUP_GAP
    swatches = legend(series)
    first = TOP + (swatches[-1][3] - 6 if swatches else 0)  # below the legend's last line
    drawn = []
    for index, (name, values) in enumerate(groups):
        y0 = first + index * per_group
        bars = [
            Bar(
                x=LABEL_WIDTH,
                y=y0 + n * (BAR + GAP),
                width=max(room * value / top, 1 if value else 0),
                height=BAR,
                value=value,
                colour=COLOURS[n % len(COLOURS)],
                series=series[n],
            )
            for n, value in enumerate(values)
        ]
        drawn.append(Group(label=name, y=y0 + (per_group - GROUP_GAP) / 2 + 4, bars=bars))
    return Chart(title, WIDTH, int(first + max(len(groups), 1) * per_group), swatches, drawn)
