"""The calendar of a placement: which dates it is scheduled on, counted without walking every day,
and from when Relay tracks them.

A scheduled day that is over with no check-in is a no-show (`missed`) even when no row was ever
written for it (the nudge job writes one only when it runs in the day's hours). Relay counts such
days from the day it knew of the placement (its `created_at`, in the school's zone): a placement
imported in October with a September start has no September no-shows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from workflow.models import WEEKDAYS


@dataclass(frozen=True)
class Schedule:
    """What the calendar needs of a placement."""

    weekdays: str  # "Tue Thu"
    start_date: date
    end_date: date
    tracked_from: date  # the school's date the placement was entered

    def window(self, since: date, until: date, today: date) -> tuple[date, date]:
        """The dates in [since, until] on which a day without a row counts as missed: within the
        placement, tracked, and over (before `today`). Empty when the first is after the last."""
        return max(since, self.start_date, self.tracked_from), min(until, self.end_date, today - timedelta(days=1))


def tracked_from(created_at: datetime, zone: ZoneInfo) -> date:
    return created_at.astimezone(zone).date()


def weekday_numbers(weekdays: str) -> list[int]:
    return [WEEKDAYS.index(name) for name in weekdays.split() if name in WEEKDAYS]


def count_scheduled(weekdays: str, first: date, last: date) -> int:
    """How many dates from `first` to `last` (inclusive) fall on the weekdays: arithmetic, no loop
    over the days."""
    if last < first:
        return 0
    total = 0
    for weekday in set(weekday_numbers(weekdays)):
        earliest = first + timedelta(days=(weekday - first.weekday()) % 7)
        if earliest <= last:
            total += (last - earliest).days // 7 + 1
    return total


def scheduled_dates(weekdays: str, first: date, last: date) -> Iterator[date]:
    """The dates from `first` to `last` that fall on the weekdays, in order."""
    wanted = set(weekday_numbers(weekdays))
    on = first
    while on <= last:
        if on.weekday() in wanted:
            yield on
        on += timedelta(days=1)


def week_of(on: date) -> date:
    """The Monday of the week of `on` (a week runs Monday to Sunday)."""
    return on - timedelta(days=on.weekday())
