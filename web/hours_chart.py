"""The weekly hours chart on the student's record, drawn on the server as SVG (no script): bars of
confirmed hours, with hours still waiting for the mentor stacked on top in a lighter shade."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from workflow.learning_record import Week

WIDTH, HEIGHT = 340, 180
LEFT, BOTTOM, TOP = 30, 22, 8  # room for the hour labels, the week labels, and the top line


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    confirmed_y: float
    confirmed_height: float
    waiting_y: float
    waiting_height: float
    label: str  # the week's Monday, "Mar 2"; empty where labels would crowd
    week: Week


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    baseline: float
    gridlines: list[tuple[float, int]]  # (y, hours)
    bars: list[Bar]


def _step(top: float) -> int:
    """A round step for 2 to 5 gridlines up to `top` hours."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100):
        if top / step <= 5:
            return step
    return int(10 ** math.ceil(math.log10(top)))


def chart(weeks: Sequence[Week]) -> Chart | None:
    if not weeks:
        return None
    most = max(float(w.confirmed + w.waiting) for w in weeks) or 1.0
    step = _step(most)
    top = step * math.ceil(most / step)
    plot = HEIGHT - BOTTOM - TOP
    baseline = float(HEIGHT - BOTTOM)

    def y(hours: float) -> float:
        return round(baseline - plot * hours / top, 1)

    slot = (WIDTH - LEFT) / len(weeks)
    every = math.ceil(len(weeks) / 6)  # at most six week labels
    bars = []
    for n, week in enumerate(weeks):
        confirmed, waiting = float(week.confirmed), float(week.waiting)
        bars.append(
            Bar(
                x=round(LEFT + n * slot + slot * 0.15, 1),
                width=round(slot * 0.7, 1),
                confirmed_y=y(confirmed),
                confirmed_height=round(baseline - y(confirmed), 1),
                waiting_y=y(confirmed + waiting),
                waiting_height=round(y(confirmed) - y(confirmed + waiting), 1),
                label=week.start.strftime("%b %-d") if n % every == 0 else "",
                week=week,
            )
        )
    gridlines = [(y(h), h) for h in range(0, top + 1, step)]
    return Chart(WIDTH, HEIGHT, baseline, gridlines, bars)
