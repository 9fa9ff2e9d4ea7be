"""CHECKIN: open today's day (asking which internship when there are two) and record the goals."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from workflow import audit
from workflow.attendance.days import active_placements, at_local, ensure_day, local, placement_context, student_sms
from workflow.attendance.location import LOCATION_TTL
from workflow.models import DayEvent, DayStatus, InternshipDay, Person, Placement, move_day
from workflow.notifications import Category, Expectation, Happened, Link, Notification, Result

WHICH_TTL = timedelta(minutes=30)


def check_in(session: Session, student: Person, now: datetime, *, choice: int | None = None) -> Result:
    """CHECKIN: opens today's day and asks for goals; asks which internship when there are two."""
    school = student.school
    today = local(now, school).date()
    active = active_placements(session, student, today)
    if not active:
        return Result(
            [student_sms("no_placement", student)], summary="no active placement", happened=Happened.no_placement
        )
    scheduled = [p for p in active if p.meets_on(today)]
    candidates = scheduled or active
    if choice is not None and 1 <= choice <= len(candidates):
        candidates = [candidates[choice - 1]]
    if len(candidates) > 1:
        options = [(i + 1, p.site.name) for i, p in enumerate(candidates)]
        expect = Expectation("which_placement", tuple(p.id for p in candidates), WHICH_TTL)
        return Result(
            [student_sms("checkin_which", student, options=options)],
            expect,
            summary="asked which placement",
            happened=Happened.asked_which,
        )
    return _open_day(session, student, candidates[0], today, now, unscheduled=not scheduled)


def choose_placement(
    session: Session, student: Person, placement_ids: Sequence[int], choice: int, now: datetime
) -> Result | None:
    """The answer to "which one?": None if the number is not one of the choices."""
    if not 1 <= choice <= len(placement_ids):
        return None
    placement = session.get(Placement, placement_ids[choice - 1])
    if placement is None or placement.student_id != student.id:
        return None
    today = local(now, student.school).date()
    return _open_day(session, student, placement, today, now, unscheduled=not placement.meets_on(today))


def _open_day(
    session: Session, student: Person, placement: Placement, today: date, now: datetime, *, unscheduled: bool
) -> Result:
    day = ensure_day(session, placement, today)
    if day.check_in_at is not None:
        note = student_sms(
            "checkin_already",
            student,
            at=day.check_in_at,
            checked_out=day.check_out_at,
            **placement_context(placement),
        )
        return Result([note], summary=f"second check-in for day {day.id}", happened=Happened.already_checked_in)
    day.check_in_at = now
    move_day(day, DayEvent.check_in)
    day.unscheduled = unscheduled
    audit.record(
        session,
        action="day.check_in",
        channel="sms",
        now=now,
        actor=student,
        object_type="day",
        object_id=day.id,
        unscheduled=unscheduled or None,
    )
    note = Notification(
        template="sms/checkin_ack",
        to=student,
        kind=Category.answer,
        context={"at": now, **placement_context(placement)},
        links={"location_url": Link("checkin.location", "day", day.id, LOCATION_TTL)},
        fit="site",  # a long site name is shortened: the answer to CHECKIN is one segment
        segments=1,
    )
    until_end = at_local(today, placement.end_time, student.school.zone) + timedelta(hours=2) - now
    expect = Expectation("goals", (day.id,), max(until_end, timedelta(hours=1)))
    return Result([note], expect, summary=f"checked in day {day.id}", happened=Happened.checked_in)


def record_goals(session: Session, student: Person, day_id: int, text: str, now: datetime) -> Result | None:
    """The next message after CHECKIN is today's goals."""
    day = session.get(InternshipDay, day_id)
    if day is None or day.placement.student_id != student.id or day.status != DayStatus.open:
        return None
    day.goals = text.strip()[:2000]
    audit.record(
        session, action="day.goals", channel="sms", now=now, actor=student, object_type="day", object_id=day.id
    )
    return Result(
        [student_sms("goals_ack", student, unscheduled=day.unscheduled, **placement_context(day.placement))],
        summary=f"goals for day {day.id}",
        happened=Happened.goals_recorded,
    )
