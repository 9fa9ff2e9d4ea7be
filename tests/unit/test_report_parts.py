"""The reports' pure parts: counting a placement's scheduled days without walking them, the window
in which a day without a row is a no-show, and the charts' layout."""

from __future__ import annotations

import random
from datetime import date, timedelta

from web.charts import Series, bar_chart
from workflow.reports.calendar import Schedule, count_scheduled, scheduled_dates, week_of


def test_counting_matches_walking_the_days() -> None:
    rng = random.Random(12)
    names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    for _ in range(500):
        weekdays = " ".join(rng.sample(names, rng.randint(0, 7)))
        first = date(2026, 1, 1) + timedelta(days=rng.randint(0, 400))
        last = first + timedelta(days=rng.randint(-3, 120))
        assert count_scheduled(weekdays, first, last) == len(list(scheduled_dates(weekdays, first, last)))


def test_the_no_show_window_is_within_the_placement_tracked_and_over() -> None:
    schedule = Schedule("Tue Thu", date(2026, 9, 1), date(2026, 12, 18), tracked_from=date(2026, 9, 10))
    assert schedule.window(date(2026, 8, 1), date(2026, 12, 31), date(2026, 11, 12)) == (
        date(2026, 9, 10),  # not before Relay knew of the placement
        date(2026, 11, 11),  # not today: it isn't over
    )
    first, last = schedule.window(date(2026, 12, 1), date(2026, 12, 31), date(2026, 11, 12))
    assert last < first and count_scheduled("Tue Thu", first, last) == 0
    assert week_of(date(2026, 11, 1)) == date(2026, 10, 26), "a Sunday belongs to the week of the Monday before"


def test_bars_side_by_side_on_a_round_scale() -> None:
    chart = bar_chart("Days", ["Oct 19", "Oct 26"], [Series("Present", [3, 7], "good"), Series("Missed", [1, 0])])
    assert [t.text for t in chart.ticks] == ["0", "2", "4", "6", "8"]
    present, missed = chart.bars[0], chart.bars[1]
    assert present.x < missed.x and present.css == "tone-good" and missed.css == "series-1"
    tallest = chart.bars[2]
    assert abs(tallest.height / present.height - 7 / 3) < 1e-9
    assert abs(tallest.y + tallest.height - chart.plot_bottom) < 1e-9
    assert chart.bars[3].height == 0 and tallest.label == "Present, Oct 26: 7"
    assert chart.legend == [("Present", "tone-good"), ("Missed", "series-1")]
    empty = bar_chart("Nothing", [], [Series("Hours", [])], unit="hours")
    assert empty.bars == [] and empty.ticks[0].text == "0"
    crowded = bar_chart("A year", [f"w{i}" for i in range(40)], [Series("Days", list(range(40)))])
    assert len(crowded.labels) == 10


def test_export_dates_are_for_attendance_and_in_order(make_runtime: object, sqlite_url: str) -> None:
    import io

    from relay import transfer

    runtime = make_runtime(database_url=sqlite_url)  # type: ignore[operator]
    out = io.StringIO()
    assert transfer.export(runtime, "placements", "csv", out, since=date(2026, 9, 1)) == 2
    assert transfer.export(runtime, "attendance", "csv", out, since=date(2026, 9, 2), until=date(2026, 9, 1)) == 2
    assert out.getvalue() == ""
    assert transfer.export(runtime, "attendance", "json", out, since=date(2026, 9, 1), until=date(2026, 9, 1)) == 0
    assert out.getvalue() == "[]\n"
