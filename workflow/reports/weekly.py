"""Attendance and hours by week (Monday to Sunday, the school's dates): the school's days for the
attendance chart, and one student's hours for theirs."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from workflow.models import InternshipDay, Placement
from workflow.oversight.viewer import Viewer, placement_scope
from workflow.reports.calendar import scheduled_dates, week_of
from workflow.reports.days import PlacementRow, placements
from workflow.reports.tally import Tally, by_status, in_period, rows_before_tracking, tally_of


@dataclass(frozen=True)
class Week:
    monday: date
    tally: Tally


def weeks_between(since: date, until: date) -> list[date]:
    """The Mondays of the weeks that meet the period."""
    mondays, monday = [], week_of(since)
    while monday <= until:
        mondays.append(monday)
        monday += timedelta(days=7)
    return mondays


def _by_week(
    session: Session, found: list[PlacementRow], where: ColumnElement[bool], since: date, until: date, today: date
) -> list[Week]:
    query = (
        select(InternshipDay.date, *by_status(today))
        .join(Placement, Placement.id == InternshipDay.placement_id)
        .where(where, in_period(since, until))
        .group_by(InternshipDay.date)
    )
    weeks: dict[date, Tally] = {monday: Tally() for monday in weeks_between(since, until)}
    recorded: Counter[date] = Counter()
    for on, *sums in session.execute(query):
        tally, over = tally_of(sums)
        weeks[week_of(on)].add(tally)
        recorded[week_of(on)] += over
    for dates in rows_before_tracking(session, found, since, until, today).values():
        for on in dates:
            recorded[week_of(on)] -= 1
    # the scheduled days, from the placements' calendars: placements that share a schedule and
    # window are walked once
    windows = Counter((p.schedule.weekdays, *p.schedule.window(since, until, today)) for p in found)
    scheduled: Counter[date] = Counter()
    for (weekdays, first, last), placed in windows.items():
        for on in scheduled_dates(weekdays, first, last):
            scheduled[week_of(on)] += placed
    for monday, tally in weeks.items():
        tally.missed += max(0, scheduled[monday] - recorded[monday])
    return [Week(monday, tally) for monday, tally in sorted(weeks.items())]


def attendance_by_week(session: Session, viewer: Viewer, since: date, until: date, today: date) -> list[Week]:
    """The viewer's days of the period, week by week."""
    scope = placement_scope(viewer)
    found = placements(session, and_(scope, Placement.start_date <= until, Placement.end_date >= since))
    return _by_week(session, found, scope, since, until, today)


def student_weeks(
    session: Session, viewer: Viewer, student_id: int, since: date, until: date, today: date
) -> list[Week]:
    """One student's days of the period, week by week (their hours chart)."""
    scope = and_(placement_scope(viewer), Placement.student_id == student_id)
    found = placements(session, and_(scope, Placement.start_date <= until, Placement.end_date >= since))
    return _by_week(session, found, scope, since, until, today)
