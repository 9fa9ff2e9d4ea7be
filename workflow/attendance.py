"""The attendance loop: check in, goals, check out, and the mentor's answer.

Every function takes a session and the time, changes the domain in the caller's transaction and
returns a `Result` (the notifications to send, and what Relay now waits for from the person).
Times are stored in UTC; "today" is the school's local date.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow import audit
from workflow.models import DayStatus, InternshipDay, Person, Placement, PlacementStatus, School
from workflow.notifications import Expectation, Kind, Link, Notification, Result
from workflow.people import coordinators

CONFIRM_TTL = timedelta(days=21)
LOCATION_TTL = timedelta(hours=12)
WHICH_TTL = timedelta(minutes=30)
FEEDBACK_EXCERPT = 300


def local(now: datetime, school: School) -> datetime:
    return now.astimezone(school.zone)


def at_local(day: date, moment: Any, zone: ZoneInfo) -> datetime:
    """A local wall-clock time on a date, as an aware datetime (daylight saving honoured)."""
    return datetime.combine(day, moment, tzinfo=zone)


def hours_between(start: datetime, end: datetime) -> Decimal:
    seconds = max((end - start).total_seconds(), 0)
    return (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def active_placements(session: Session, student: Person, today: date) -> list[Placement]:
    return list(
        session.scalars(
            select(Placement)
            .where(
                Placement.student_id == student.id,
                Placement.status == PlacementStatus.active,
                Placement.start_date <= today,
                Placement.end_date >= today,
            )
            .order_by(Placement.start_time, Placement.id)
        )
    )


def day_of(session: Session, placement: Placement, today: date) -> InternshipDay | None:
    return session.scalars(
        select(InternshipDay).where(InternshipDay.placement_id == placement.id, InternshipDay.date == today)
    ).one_or_none()


def _day(session: Session, placement: Placement, today: date) -> InternshipDay:
    day = day_of(session, placement, today)
    if day is None:
        day = InternshipDay(placement_id=placement.id, date=today, status=DayStatus.missed, later_answers=[])
        session.add(day)
        session.flush()
    return day


def _sms(template: str, to: Person, kind: Kind = Kind.answer, **context: Any) -> Notification:
    return Notification(
        template=f"sms/{template}", to=to, kind=kind, context=context, fit="feedback" if "feedback" in context else None
    )


def _placement_context(placement: Placement) -> dict[str, Any]:
    return {"site": placement.site.name, "mentor": placement.mentor, "student": placement.student}


# -- check in --------------------------------------------------------------------------------------


def check_in(session: Session, student: Person, now: datetime, *, choice: int | None = None) -> Result:
    """CHECKIN: opens today's day and asks for goals; asks which internship when there are two."""
    school = student.school
    today = local(now, school).date()
    active = active_placements(session, student, today)
    if not active:
        return Result([_sms("no_placement", student)], summary="no active placement")
    scheduled = [p for p in active if p.meets_on(today)]
    candidates = scheduled or active
    if choice is not None and 1 <= choice <= len(candidates):
        candidates = [candidates[choice - 1]]
    if len(candidates) > 1:
        options = [(i + 1, p.site.name) for i, p in enumerate(candidates)]
        expect = Expectation("which_placement", tuple(p.id for p in candidates), WHICH_TTL)
        return Result([_sms("checkin_which", student, options=options)], expect, summary="asked which placement")
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
    day = _day(session, placement, today)
    if day.check_in_at is not None:
        note = _sms(
            "checkin_already",
            student,
            at=day.check_in_at,
            checked_out=day.check_out_at,
            **_placement_context(placement),
        )
        return Result([note], summary=f"second check-in for day {day.id}")
    day.check_in_at = now
    day.status = DayStatus.open
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
        kind=Kind.answer,
        context={"at": now, "unscheduled": unscheduled, **_placement_context(placement)},
        links={"location_url": Link("checkin.location", "day", day.id, LOCATION_TTL)},
    )
    until_end = at_local(today, placement.end_time, student.school.zone) + timedelta(hours=2) - now
    expect = Expectation("goals", (day.id,), max(until_end, timedelta(hours=1)))
    return Result([note], expect, summary=f"checked in day {day.id}")


def record_goals(session: Session, student: Person, day_id: int, text: str, now: datetime) -> Result | None:
    """The next message after CHECKIN is today's goals."""
    day = session.get(InternshipDay, day_id)
    if day is None or day.placement.student_id != student.id or day.status != DayStatus.open:
        return None
    day.goals = text.strip()[:2000]
    audit.record(
        session, action="day.goals", channel="sms", now=now, actor=student, object_type="day", object_id=day.id
    )
    return Result([_sms("goals_ack", student, **_placement_context(day.placement))], summary=f"goals for day {day.id}")


# -- check out -------------------------------------------------------------------------------------


def check_out(session: Session, student: Person, now: datetime) -> Result:
    """CHECKOUT: closes today's open day, counts the hours, asks the mentor to confirm."""
    today = local(now, student.school).date()
    days = [
        d
        for p in active_placements(session, student, today)
        if (d := day_of(session, p, today)) is not None and d.check_in_at is not None
    ]
    open_days = sorted((d for d in days if d.status == DayStatus.open), key=lambda d: d.check_in_at or now)
    if not open_days:
        if days:
            last = max(days, key=lambda d: d.check_out_at or d.check_in_at or now)
            note = _sms("checkout_already", student, at=last.check_out_at, **_placement_context(last.placement))
            return Result([note], summary="already checked out")
        return Result([_sms("checkout_without_checkin", student)], summary="check-out without check-in")
    day = open_days[-1]
    notes = close_day(session, day, now, by=student)
    return Result(notes, summary=f"checked out day {day.id}")


def close_day(
    session: Session,
    day: InternshipDay,
    out_at: datetime,
    *,
    by: Person | None,
    no_checkout: bool = False,
    now: datetime | None = None,
) -> list[Notification]:
    """Close an open day at `out_at`: hours counted, the student thanked, the mentor asked."""
    now = now or out_at
    placement = day.placement
    day.check_out_at = out_at
    day.hours = hours_between(day.check_in_at or out_at, out_at)
    day.status = DayStatus.pending
    day.no_checkout = no_checkout
    day.confirmation_requested_at = now
    audit.record(
        session,
        action="day.check_out" if by else "day.closed_without_checkout",
        channel="sms" if by else "system",
        now=now,
        actor=by,
        school_id=placement.school_id,
        object_type="day",
        object_id=day.id,
        hours=str(day.hours),
    )
    template = "day_closed" if no_checkout else "checkout_ack"
    kind = Kind.message if no_checkout else Kind.answer
    notes = [_sms(template, placement.student, kind, at=out_at, hours=day.hours, **_placement_context(placement))]
    notes.append(mentor_request(day, reminder=False))
    return notes


def mentor_request(day: InternshipDay, *, reminder: bool) -> Notification:
    """The mentor's email: reply yes or no (with comments), or use the link."""
    placement = day.placement
    return Notification(
        template="email/mentor_reminder" if reminder else "email/mentor_confirm",
        to=placement.mentor,
        school_id=placement.school_id,
        context={"day": day, **_placement_context(placement)},
        links={"confirm_url": Link("attendance.confirm", "day", day.id, CONFIRM_TTL)},
        reply=Link("attendance.confirm", "day", day.id, CONFIRM_TTL),
        thread=f"day-{day.id}",
    )


# -- the mentor's answer ---------------------------------------------------------------------------


def answer_day(
    session: Session,
    day: InternshipDay,
    mentor: Person,
    *,
    present: bool | None,
    feedback: str,
    via: str,
    now: datetime,
) -> Result:
    """Confirm (present) or dispute (not present) a day; an unclear answer gets a short question.

    A second answer never flips the first silently: it is kept on the day and, when it differs,
    the coordinator is told.
    """
    placement = day.placement
    if mentor.id != placement.mentor_id:
        return Result(summary=f"person {mentor.id} is not the mentor of day {day.id}")
    feedback = feedback.strip()[:4000]
    if present is None:
        note = Notification(
            template="email/mentor_clarify",
            to=mentor,
            school_id=placement.school_id,
            kind=Kind.message,
            context={"day": day, **_placement_context(placement)},
            reply=Link("attendance.confirm", "day", day.id, CONFIRM_TTL),
            links={"confirm_url": Link("attendance.confirm", "day", day.id, CONFIRM_TTL)},
            thread=f"day-{day.id}",
        )
        return Result([note], summary="unclear answer; asked again")
    if day.status in (DayStatus.confirmed, DayStatus.disputed):
        return _later_answer(session, day, mentor, present, feedback, via, now)
    if day.status not in (DayStatus.pending, DayStatus.open, DayStatus.missed):
        return Result(summary=f"day {day.id} is {day.status}; nothing to answer")
    day.status = DayStatus.confirmed if present else DayStatus.disputed
    day.mentor_feedback = feedback or None
    day.confirmed_via = via
    day.confirmed_at = now
    audit.record(
        session,
        action="day.confirmed" if present else "day.disputed",
        channel=via,
        now=now,
        actor=mentor,
        object_type="day",
        object_id=day.id,
        feedback=feedback or None,
    )
    student = placement.student
    context = {"day": day, "feedback": feedback[:FEEDBACK_EXCERPT], **_placement_context(placement)}
    notes = [_sms("day_confirmed" if present else "day_disputed", student, Kind.message, **context)]
    if not present:
        notes += [
            Notification(
                template="email/day_disputed", to=c, school_id=placement.school_id, kind=Kind.alert, context=context
            )
            for c in coordinators(session, placement.school_id)
        ]
    return Result(notes, summary=f"day {day.id} {day.status} via {via}")


def _later_answer(
    session: Session, day: InternshipDay, mentor: Person, present: bool, feedback: str, via: str, now: datetime
) -> Result:
    first = day.status == DayStatus.confirmed
    day.later_answers = [
        *day.later_answers,
        {"at": now.isoformat(), "present": present, "feedback": feedback, "via": via},
    ]
    audit.record(
        session,
        action="day.later_answer",
        channel=via,
        now=now,
        actor=mentor,
        object_type="day",
        object_id=day.id,
        present=present,
        feedback=feedback or None,
    )
    if present == first and not feedback:
        return Result(summary=f"day {day.id}: the same answer again, recorded")
    placement = day.placement
    context = {
        "day": day,
        "first": "was here" if first else "wasn't here",
        "second": "was here" if present else "wasn't here",
        "feedback": feedback,
        "changed": present != first,
        **_placement_context(placement),
    }
    notes = [
        Notification(
            template="email/second_answer", to=c, school_id=placement.school_id, kind=Kind.alert, context=context
        )
        for c in coordinators(session, placement.school_id)
    ]
    return Result(notes, summary=f"day {day.id}: a later answer, recorded; coordinator told")


# -- location --------------------------------------------------------------------------------------


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> int:
    """Great-circle distance in metres (haversine)."""
    r = 6_371_000
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return round(2 * r * math.asin(math.sqrt(a)))


class LocationOutcome(enum.StrEnum):
    """What became of a shared location; the channel that asked says it in its own words."""

    saved = "saved"
    out_of_range = "out_of_range"  # not a place on Earth: nothing was stored


def record_location(
    session: Session, day: InternshipDay, latitude: float, longitude: float, now: datetime
) -> LocationOutcome:
    """Stored only because the student chose to share it; compared with the site, never a block."""
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return LocationOutcome.out_of_range
    day.latitude, day.longitude, day.location_consented_at = latitude, longitude, now
    site = day.placement.site
    if site.latitude is not None and site.longitude is not None:
        day.distance_m = distance_m(latitude, longitude, site.latitude, site.longitude)
    audit.record(
        session,
        action="day.location",
        channel="link",
        now=now,
        actor=day.placement.student,
        object_type="day",
        object_id=day.id,
        distance_m=day.distance_m,
    )
    return LocationOutcome.saved
