"""Today: every placement scheduled today (the school's local date) and every unscheduled check-in,
with each student's presence, times, goals and the mentor's answer, and counts per presence.

A constant number of queries whatever the number of students: the school, today's placements and
today's days, each loaded with the people and site they show.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from workflow.attendance.days import at_local, local
from workflow.attendance.jobs import NUDGE_AFTER
from workflow.models import WEEKDAYS, DayStatus, InternshipDay, Person, Placement, PlacementStatus, School
from workflow.oversight.viewer import Viewer, days_in_scope, placement_scope

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


def answer_of(day: InternshipDay | None) -> MentorAnswer:
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


def _line(placement: Placement, day: InternshipDay | None, today: date, school: School, now: datetime) -> TodayLine:
    scheduled = placement.meets_on(today)
    start = at_local(today, placement.start_time, school.zone) if scheduled else None
    end = at_local(today, placement.end_time, school.zone) if scheduled else None
    answer = answer_of(day)
    return TodayLine(
        day_id=day.id if day else None,
        placement_id=placement.id,
        student=person_ref(placement.student),
        site=placement.site.name,
        mentor=person_ref(placement.mentor),
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
    """The Today page for the viewer: their school's (or advisees') placements today."""
    school = session.get_one(School, viewer.school_id)
    on = local(now, school).date()
    placements = session.scalars(
        select(Placement)
        .where(
            placement_scope(viewer),
            Placement.status == PlacementStatus.active,
            Placement.start_date <= on,
            Placement.end_date >= on,
            Placement.weekdays.contains(WEEKDAYS[on.weekday()]),
        )
        .options(*PEOPLE)
    ).all()
    days = session.scalars(days_in_scope(viewer).where(InternshipDay.date == on)).all()
    # An unscheduled check-in's placement is not among today's: load those few with their people.
    # (A day's `placement` then comes from the session's identity map, without a query per day.)
    others = {d.placement_id for d in days} - {p.id for p in placements}
    unscheduled = (  # held here: the identity map keeps only objects something refers to
        session.scalars(select(Placement).where(Placement.id.in_(others)).options(*PEOPLE)).all() if others else []
    )
    by_placement = {d.placement_id: d for d in days}
    shown = {p.id: p for p in placements if p.meets_on(on)}
    shown.update({p.id: p for p in unscheduled})
    shown.update({d.placement_id: d.placement for d in days})
    lines = [_line(p, by_placement.get(p.id), on, school, now) for p in shown.values()]
    lines.sort(key=lambda line: (line.scheduled_start or line.check_in_at or now, line.student.name, line.placement_id))
    counts = dict.fromkeys(Presence, 0)
    for line in lines:
        counts[line.presence] += 1
    return TodayBoard(date=on, now=now, lines=lines, counts=counts)
