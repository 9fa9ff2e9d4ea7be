"""The student's record: hours week by week (confirmed apart from waiting, empty weeks kept), and
the chart drawn from them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from tests.unit.template_samples import _DAY_LINE, _RECORD
from web import hours_chart
from workflow.learning_record import MAX_WEEKS, LearningRecord, Week, weekly_hours
from workflow.models import DayStatus
from workflow.oversight.student import DayLine, StudentRecord


def _day(on: date, hours: str | None, status: DayStatus = DayStatus.confirmed) -> DayLine:
    return replace(_DAY_LINE, date=on, hours=Decimal(hours) if hours else None, status=status)


def test_hours_by_week_from_monday_with_empty_weeks_and_waiting_apart() -> None:
    days = [
        _day(date(2026, 3, 3), "5"),  # Tue
        _day(date(2026, 3, 8), "2.5"),  # Sun: the same week
        _day(date(2026, 3, 24), "4", DayStatus.pending),
        _day(date(2026, 3, 26), "6"),
        _day(date(2026, 3, 27), "3", DayStatus.disputed),  # counts nowhere
        _day(date(2026, 3, 30), None, DayStatus.missed),  # a week with a day and no hours
    ]
    weeks = weekly_hours(days)
    assert [w.start for w in weeks] == [
        date(2026, 3, 2),
        date(2026, 3, 9),
        date(2026, 3, 16),
        date(2026, 3, 23),
        date(2026, 3, 30),
    ]
    assert [(w.confirmed, w.waiting) for w in weeks] == [
        (Decimal("7.5"), 0),
        (0, 0),
        (0, 0),
        (Decimal(6), Decimal(4)),
        (0, 0),
    ]
    assert weekly_hours([]) == []


def test_the_chart_shows_the_latest_half_year() -> None:
    days = [_day(date(2025, 1, 6), "1"), _day(date(2026, 3, 2), "3")]
    weeks = weekly_hours(days)
    assert len(weeks) == MAX_WEEKS and weeks[-1].start == date(2026, 3, 2)


def test_bars_are_as_tall_as_their_hours_and_waiting_sits_on_top() -> None:
    weeks = [Week(date(2026, 3, 2), Decimal(10), Decimal(0)), Week(date(2026, 3, 9), Decimal(5), Decimal(5))]
    chart = hours_chart.chart(weeks)
    assert chart is not None
    first, second = chart.bars
    assert first.confirmed_height == 2 * second.confirmed_height and first.waiting_height == 0
    assert second.waiting_y + second.waiting_height == second.confirmed_y, "stacked"
    assert second.confirmed_height + second.waiting_height == first.confirmed_height
    assert [h for _, h in chart.gridlines] == [0, 2, 4, 6, 8, 10] and chart.gridlines[-1][0] == hours_chart.TOP
    assert hours_chart.chart([]) is None


def test_without_a_requirement_only_the_total_counts() -> None:
    record = LearningRecord(_RECORD, None, [], _RECORD.days)
    assert record.share_done is None and record.confirmed_hours == _RECORD.confirmed_hours
    halfway = LearningRecord(
        StudentRecord(_RECORD.student, None, None, [], [_day(date(2026, 3, 3), "40")], []), Decimal(80), [], []
    )
    assert halfway.share_done == 0.5
