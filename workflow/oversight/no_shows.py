"""Repeated no-shows: students with NO_SHOWS_TO_FLAG or more no-shows in the last
NO_SHOW_WINDOW_DAYS days, by the same rule as Today's `no_show` (`today.presence_of`). One of
Needs attention's lists, and the only one worked out in Python (a day nobody checked in on may
have no row at all)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import String, and_, cast, func, select
from sqlalchemy.orm import Session

from workflow.attendance.days import at_local, local
from workflow.models import WEEKDAYS, InternshipDay, Person, Placement, PlacementStatus, School
from workflow.oversight.today import PersonRef, Presence, meets_on, presence_of
from workflow.oversight.viewer import Viewer, days_in_scope, placement_scope

NO_SHOW_WINDOW_DAYS = 14
NO_SHOWS_TO_FLAG = 2
# What deciding a day's presence needs of its placement and student, in both of the queries below.
SCHEDULE_COLUMNS = (
    Placement.student_id,
    Placement.weekdays,
    Placement.start_time,
    Placement.start_date,
    Placement.end_date,
    Person.name,
    Person.email,
)


@dataclass(frozen=True)
class NoShows:
    student: PersonRef
    count: int
    dates: list[date]


def repeated_no_shows(session: Session, viewer: Viewer, school: School, now: datetime) -> list[NoShows]:
    """Students with NO_SHOWS_TO_FLAG or more days with a no-show in the window. Read as plain rows: the
    placements, each with the dates in the window it has a day on (one string, not a row per day:
    a large school has ten thousand days in the window, nearly all checked in), and the window's
    days without a check-in (a day with one is never a no-show)."""
    today = local(now, school).date()
    first = today - timedelta(days=NO_SHOW_WINDOW_DAYS - 1)
    in_window = and_(InternshipDay.date >= first, InternshipDay.date <= today)
    placements = session.execute(
        select(
            Placement.id,
            *SCHEDULE_COLUMNS,
            func.aggregate_strings(cast(InternshipDay.date, String), ",").label("dates"),
        )
        .join(Person, Person.id == Placement.student_id)
        .outerjoin(InternshipDay, and_(InternshipDay.placement_id == Placement.id, in_window))
        .where(
            placement_scope(viewer),
            Placement.status == PlacementStatus.active,
            Placement.start_date <= today,
            Placement.end_date >= first,
        )
        .group_by(Placement.id, Person.id)
    ).all()
    rows = session.execute(
        days_in_scope(viewer)
        .with_only_columns(
            InternshipDay.placement_id,
            InternshipDay.date,
            InternshipDay.status,
            InternshipDay.check_in_at,
            InternshipDay.check_out_at,
            InternshipDay.no_checkout,
            InternshipDay.confirmed_via,
            *SCHEDULE_COLUMNS,
        )
        .join(Person, Person.id == Placement.student_id)
        .where(in_window, InternshipDay.check_in_at.is_(None))
    ).all()
    starts: dict[tuple[date, time], datetime] = {}  # at_local per (date, start time): few distinct ones
    # Days, not placements: a student with two placements who stays home has missed one day, and
    # "27 no-shows in 14 days" read as a mistake.
    missed: dict[int, set[date]] = defaultdict(set)
    students: dict[int, PersonRef] = {}

    def check(placement: Any, on: date, day: Any, scheduled: bool) -> None:
        start = None
        if scheduled:
            key = (on, placement.start_time)
            start = starts.get(key) or starts.setdefault(key, at_local(on, placement.start_time, school.zone))
        if presence_of(day, start, now) == Presence.no_show:
            missed[placement.student_id].add(on)
            students[placement.student_id] = PersonRef(placement.student_id, placement.name, placement.email)

    for row in rows:
        check(row, row.date, row, meets_on(row, row.date))
    window = [(first + timedelta(days=n)) for n in range(NO_SHOW_WINDOW_DAYS)]
    meeting: dict[tuple[str, date, date], frozenset[str]] = {}  # per schedule: few distinct ones

    def meeting_days(placement: Any) -> frozenset[str]:
        """The window's dates (ISO) the placement meets on."""
        key = (placement.weekdays, max(placement.start_date, first), min(placement.end_date, today))
        if key not in meeting:
            weekdays, since, until = key[0].split(), key[1], key[2]
            meeting[key] = frozenset(
                on.isoformat() for on in window if WEEKDAYS[on.weekday()] in weekdays and since <= on <= until
            )
        return meeting[key]

    for placement in placements:  # the days it meets on without a row: nobody checked in
        known = placement.dates.split(",") if placement.dates else ()
        for iso in meeting_days(placement).difference(known):
            check(placement, date.fromisoformat(iso), None, True)
    flagged = [
        NoShows(students[sid], len(dates), sorted(dates))
        for sid, dates in missed.items()
        if len(dates) >= NO_SHOWS_TO_FLAG
    ]
    flagged.sort(key=lambda n: (-n.count, n.student.name))
    return flagged
