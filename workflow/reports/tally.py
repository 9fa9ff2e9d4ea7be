"""Counting days: a `Tally` of one student's, site's, mentor's or week's days, and the tallies of a
period per placement, read as a few GROUP BY queries (no row per day crosses the wire), with the
no-shows Relay has no row for added from the calendar (workflow/reports/calendar.py).

The figures (docs/ARCHITECTURE.md, "Reports"):
- confirmed hours: the hours of confirmed days; pending hours: of days waiting for the mentor;
- missed: scheduled days that are over with no check-in, and days a coordinator marked missed;
- present: confirmed, waiting for the mentor, or checked in and not yet out;
- attendance rate: present out of present, missed and disputed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from workflow.models import DayStatus, InternshipDay, Placement
from workflow.reports.calendar import Schedule, count_scheduled

ZERO = Decimal("0.00")


class Scheduled(Protocol):
    """A placement as the tallies need it."""

    @property
    def id(self) -> int: ...

    @property
    def schedule(self) -> Schedule: ...


P = TypeVar("P", bound=Scheduled)


@dataclass
class Tally:
    """The days of one group in a period, by what became of them."""

    confirmed_hours: Decimal = ZERO
    pending_hours: Decimal = ZERO
    confirmed: int = 0
    pending: int = 0
    open: int = 0
    missed: int = 0
    disputed: int = 0
    no_checkout: int = 0

    @property
    def present(self) -> int:
        return self.confirmed + self.pending + self.open

    @property
    def counted(self) -> int:
        """The days that count for the rate: every day that is over or was attended."""
        return self.present + self.missed + self.disputed

    @property
    def rate(self) -> float | None:
        """Present out of counted, 0..1, or None without a day."""
        return round(self.present / self.counted, 4) if self.counted else None

    def add(self, other: Tally) -> None:
        self.confirmed_hours += other.confirmed_hours
        self.pending_hours += other.pending_hours
        self.confirmed += other.confirmed
        self.pending += other.pending
        self.open += other.open
        self.missed += other.missed
        self.disputed += other.disputed
        self.no_checkout += other.no_checkout


def total(tallies: Iterable[Tally]) -> Tally:
    summed = Tally()
    for tally in tallies:
        summed.add(tally)
    return summed


@dataclass
class Period:
    """The tallies of a period, per placement."""

    since: date
    until: date
    today: date
    by_placement: dict[int, Tally] = field(default_factory=dict)


def _count(status: DayStatus) -> ColumnElement[int]:
    return func.sum(case((InternshipDay.status == status, 1), else_=0))


def _hours(status: DayStatus) -> ColumnElement[Decimal]:
    return func.sum(case((InternshipDay.status == status, InternshipDay.hours), else_=None))


def by_status(today: date) -> list[ColumnElement[Any]]:
    """A group's days by status as sums (`tally_of` reads them): days, confirmed, their hours,
    pending, their hours, open, disputed, no check-outs, scheduled rows that are over."""
    no_checkout, scheduled_over = day_columns(today)
    return [
        func.count(),
        _count(DayStatus.confirmed),
        _hours(DayStatus.confirmed),
        _count(DayStatus.pending),
        _hours(DayStatus.pending),
        _count(DayStatus.open),
        _count(DayStatus.disputed),
        no_checkout,
        scheduled_over,
    ]


def tally_of(sums: Sequence[Any]) -> tuple[Tally, int]:
    """The tally of one row of `by_status`'s sums, and its scheduled rows that are over."""
    days, confirmed, confirmed_hours, pending, pending_hours, opened, disputed, no_checkout, over = (
        v if v is not None else 0 for v in sums
    )
    tally = Tally(
        confirmed_hours=Decimal(confirmed_hours),
        pending_hours=Decimal(pending_hours),
        confirmed=int(confirmed),
        pending=int(pending),
        open=int(opened),
        missed=int(days) - int(confirmed) - int(pending) - int(opened) - int(disputed),
        disputed=int(disputed),
        no_checkout=int(no_checkout),
    )
    return tally, int(over)


def day_columns(today: date) -> tuple[ColumnElement[int], ColumnElement[int]]:
    no_checkout = func.sum(case((InternshipDay.no_checkout.is_(True), 1), else_=0))
    scheduled_over = func.sum(
        case((and_(InternshipDay.unscheduled.is_(False), InternshipDay.date < today), 1), else_=0)
    )
    return no_checkout, scheduled_over


def in_period(since: date, until: date) -> ColumnElement[bool]:
    return and_(InternshipDay.date >= since, InternshipDay.date <= until)


def _late_tracked(placements: Iterable[P], since: date) -> list[P]:
    """Placements entered after their first scheduled day in the period: the no-shows before they
    were entered don't count, so their rows are counted by date."""
    return [p for p in placements if p.schedule.tracked_from > max(since, p.schedule.start_date)]


def rows_before_tracking(
    session: Session, placements: Sequence[Scheduled], since: date, until: date, today: date
) -> dict[int, list[date]]:
    """For placements entered late, the dates of their scheduled rows that are over but fall
    before the day they were entered (rare: a coordinator adding a past day)."""
    late = {p.id: p for p in _late_tracked(placements, since)}
    if not late:
        return {}
    query = select(InternshipDay.placement_id, InternshipDay.date).where(
        InternshipDay.placement_id.in_(list(late)),
        InternshipDay.unscheduled.is_(False),
        in_period(since, until),
        InternshipDay.date < today,
    )
    found: dict[int, list[date]] = defaultdict(list)
    for placement_id, on in session.execute(query):
        if on < late[placement_id].schedule.tracked_from:
            found[placement_id].append(on)
    return found


def period_tallies(
    session: Session,
    placements: Sequence[Scheduled],
    where: ColumnElement[bool],
    since: date,
    until: date,
    today: date,
) -> Period:
    """Each placement's tally from `since` to `until`; `where` is the same scope as `placements`."""
    # one row per placement, read in the order of ix_days_report (placement, date), which holds
    # every column used: an index-only scan, no sort (a term of a 2,000-student school: 70,000 days)
    query = (
        select(InternshipDay.placement_id, *by_status(today))
        .join(Placement, Placement.id == InternshipDay.placement_id)
        .where(where, in_period(since, until))
        .group_by(InternshipDay.placement_id)
    )
    period = Period(since, until, today, {p.id: Tally() for p in placements})
    recorded: dict[int, int] = defaultdict(int)
    for placement_id, *sums in session.execute(query):  # one row per placement
        period.by_placement[placement_id], recorded[placement_id] = tally_of(sums)
    early = rows_before_tracking(session, placements, since, until, today)
    for p in placements:
        first, last = p.schedule.window(since, until, today)
        without_row = count_scheduled(p.schedule.weekdays, first, last) - (recorded[p.id] - len(early.get(p.id, [])))
        period.by_placement[p.id].missed += max(0, without_row)
    return period
