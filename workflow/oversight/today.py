"""Today: every placement scheduled today (the school's local date) and every unscheduled check-in,
with each student's presence, times, goals and the mentor's answer, and counts per presence.

A constant number of queries whatever the number of students: the school's zone, today's placements
and today's days, each as plain rows with the names of the people and site they show.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session, aliased, joinedload

from workflow.attendance.days import at_local
from workflow.attendance.jobs import NUDGE_AFTER
from workflow.models import WEEKDAYS, DayStatus, InternshipDay, Person, Placement, PlacementStatus, School, Site
from workflow.oversight.viewer import Viewer, placement_scope

# A placement loaded with what every line shows: its student, mentor and site; and a day with its placement's.
PEOPLE = (joinedload(Placement.student), joinedload(Placement.mentor), joinedload(Placement.site))
DAY_WITH_PEOPLE = joinedload(InternshipDay.placement).options(*PEOPLE)


class Presence(enum.StrEnum):
    """Where a student is today, as the Today page shows it."""

    expected = "expected"  # scheduled, not checked in, not yet late
    in_ = "in"  # checked in, not yet out
    out = "out"  # checked out (or confirmed without a check-in)
    no_show = "no_show"  # no check-in by the nudge time (start + NUDGE_AFTER), or marked missed
    closed_without_checkout = "closed_without_checkout"  # Relay closed it at the scheduled end


class MentorAnswer(enum.StrEnum):
    """The mentor's answer about a day."""

    none = "none"  # not asked yet (no check-out)
    waiting = "waiting"  # asked at `confirmation_requested_at`, no answer yet
    confirmed = "confirmed"
    disputed = "disputed"


@dataclass(frozen=True)
class PersonRef:
    id: int
    name: str
    email: str | None


@dataclass(frozen=True)
class TodayLine:
    """One line of the Today page: a placement today, with its day once one exists."""

    day_id: int | None  # None: no row yet (scheduled, nobody has checked in or been nudged)
    placement_id: int
    student: PersonRef
    site: str
    mentor: PersonRef
    scheduled_start: datetime | None  # aware, in the school's zone; None for an unscheduled check-in
    scheduled_end: datetime | None
    unscheduled: bool
    presence: Presence
    status: DayStatus | None  # the day's status; None without a row
    check_in_at: datetime | None  # aware (UTC)
    check_out_at: datetime | None
    hours: Decimal | None
    goals: str | None
    distance_m: int | None
    answer: MentorAnswer
    waiting_since: datetime | None  # when the mentor was asked, while the answer is waiting
    feedback: str | None


@dataclass(frozen=True)
class TodayBoard:
    date: date  # the school's local date
    now: datetime
    lines: list[TodayLine]
    counts: dict[Presence, int]  # every Presence, zero included: the filter chips

    def only(self, presence: Presence) -> list[TodayLine]:
        """The lines a filter chip shows."""
        return [line for line in self.lines if line.presence == presence]


def person_ref(person: Person) -> PersonRef:
    return PersonRef(person.id, person.name, person.email)


def answer_of(day: Any) -> MentorAnswer:
    """From an `InternshipDay` or a row with its `status`."""
    if day is None:
        return MentorAnswer.none
    if day.status == DayStatus.pending:
        return MentorAnswer.waiting
    if day.status == DayStatus.confirmed:
        return MentorAnswer.confirmed
    if day.status == DayStatus.disputed:
        return MentorAnswer.disputed
    return MentorAnswer.none


class DayFacts(Protocol):
    """What presence is read from: an `InternshipDay`, or a row of these columns."""

    @property
    def status(self) -> str: ...
    @property
    def check_in_at(self) -> datetime | None: ...
    @property
    def check_out_at(self) -> datetime | None: ...
    @property
    def no_checkout(self) -> bool: ...
    @property
    def confirmed_via(self) -> str | None: ...


def presence_of(day: DayFacts | None, start: datetime | None, now: datetime) -> Presence:
    """Checked in: in, out or closed without check-out. Not checked in: out if the day was confirmed
    anyway; no-show once marked missed on the dashboard, disputed, or past the nudge time; else
    expected."""
    if day is not None and day.check_in_at is not None:
        if day.check_out_at is None:
            return Presence.in_
        return Presence.closed_without_checkout if day.no_checkout else Presence.out
    if day is not None and day.status == DayStatus.confirmed:
        return Presence.out
    if day is not None and (day.status == DayStatus.disputed or day.confirmed_via == "dashboard"):
        return Presence.no_show
    if start is None or now >= start + NUDGE_AFTER:
        return Presence.no_show
    return Presence.expected


# What a line reads, as plain columns: the placement's schedule, its student, mentor and site.
Student = aliased(Person, name="student")
Mentor = aliased(Person, name="mentor")
# The placement's people and site, as `with_people` joins them (read back by `student_of`, `mentor_of`).
PEOPLE_COLUMNS = (
    Student.id.label("student_id"),
    Student.name.label("student_name"),
    Student.email.label("student_email"),
    Mentor.id.label("mentor_id"),
    Mentor.name.label("mentor_name"),
    Mentor.email.label("mentor_email"),
    Site.name.label("site"),
)
PLACEMENT_COLUMNS = (
    Placement.id.label("placement_id"),
    Placement.weekdays,
    Placement.start_time,
    Placement.end_time,
    Placement.start_date,
    Placement.end_date,
    *PEOPLE_COLUMNS,
)
DAY_COLUMNS = (
    InternshipDay.id,
    InternshipDay.status,
    InternshipDay.check_in_at,
    InternshipDay.check_out_at,
    InternshipDay.hours,
    InternshipDay.goals,
    InternshipDay.distance_m,
    InternshipDay.no_checkout,
    InternshipDay.confirmed_via,
    InternshipDay.confirmation_requested_at,
    InternshipDay.mentor_feedback,
)


def with_people(query: Select[*tuple[Any, ...]]) -> Select[*tuple[Any, ...]]:
    """Join a query on `Placement` to the placement's student, mentor and site."""
    return (
        query.join(Student, Student.id == Placement.student_id)
        .join(Mentor, Mentor.id == Placement.mentor_id)
        .join(Site, Site.id == Placement.site_id)
    )


def student_of(row: Any) -> PersonRef:
    """The student of a row with PEOPLE_COLUMNS."""
    return PersonRef(row.student_id, row.student_name, row.student_email)


def mentor_of(row: Any) -> PersonRef:
    """The mentor of a row with PEOPLE_COLUMNS."""
    return PersonRef(row.mentor_id, row.mentor_name, row.mentor_email)


def meets_on(placement: Any, day: date) -> bool:
    """`Placement.meets_on` for a row of the placement's columns."""
    return placement.start_date <= day <= placement.end_date and WEEKDAYS[day.weekday()] in placement.weekdays.split()


def _line(placement: Any, day: Any, today: date, at: Callable[[time], datetime], now: datetime) -> TodayLine:
    """A line from a row of PLACEMENT_COLUMNS and, once there is one, a row of DAY_COLUMNS;
    `at` makes a local time of `today` aware."""
    scheduled = meets_on(placement, today)
    start = at(placement.start_time) if scheduled else None
    end = at(placement.end_time) if scheduled else None
    answer = answer_of(day)
    return TodayLine(
        day_id=day.id if day else None,
        placement_id=placement.placement_id,
        student=student_of(placement),
        site=placement.site,
        mentor=mentor_of(placement),
        scheduled_start=start,
        scheduled_end=end,
        unscheduled=not scheduled,
        presence=presence_of(day, start, now),
        status=DayStatus(day.status) if day else None,
        check_in_at=day.check_in_at if day else None,
        check_out_at=day.check_out_at if day else None,
        hours=day.hours if day else None,
        goals=day.goals if day else None,
        distance_m=day.distance_m if day else None,
        answer=answer,
        waiting_since=day.confirmation_requested_at if day and answer == MentorAnswer.waiting else None,
        feedback=day.mentor_feedback if day else None,
    )


def today(session: Session, viewer: Viewer, now: datetime) -> TodayBoard:
    """The Today page for the viewer: their school's (or advisees') placements today. One query of
    plain rows (a large school has a thousand lines; ORM objects cost more than the SQL): the
    viewer's placements, each with today's day if it has one, kept if the placement meets today
    or the day exists (an unscheduled check-in)."""
    zone = ZoneInfo(session.scalars(select(School.timezone).where(School.id == viewer.school_id)).one())
    on = now.astimezone(zone).date()
    scheduled = and_(
        Placement.status == PlacementStatus.active,
        Placement.start_date <= on,
        Placement.end_date >= on,
        Placement.weekdays.contains(WEEKDAYS[on.weekday()]),
    )
    rows = session.execute(
        with_people(
            select(*PLACEMENT_COLUMNS, *DAY_COLUMNS)
            .select_from(Placement)
            .outerjoin(InternshipDay, and_(InternshipDay.placement_id == Placement.id, InternshipDay.date == on))
        ).where(
            placement_scope(viewer),
            Student.active.is_(True),  # a deactivated student leaves Today
            or_(scheduled, InternshipDay.id.is_not(None)),
        )
    ).all()
    clock: dict[time, datetime] = {}  # a few distinct start and end times: each made aware once

    def at(moment: time) -> datetime:
        if moment not in clock:
            clock[moment] = at_local(on, moment, zone)
        return clock[moment]

    lines = [_line(row, row if row.id is not None else None, on, at, now) for row in rows]
    lines = [line for line in lines if not line.unscheduled or line.day_id is not None]
    lines.sort(key=lambda line: (line.scheduled_start or line.check_in_at or now, line.student.name, line.placement_id))
    counts = dict.fromkeys(Presence, 0)
    for line in lines:
        counts[line.presence] += 1
    return TodayBoard(date=on, now=now, lines=lines, counts=counts)
