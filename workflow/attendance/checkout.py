"""CHECKOUT, and closing a day without one: hours counted, the student thanked, the mentor asked."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from workflow import audit
from workflow.attendance.days import active_placements, day_of, hours_between, local, placement_context, student_sms
from workflow.attendance.reflection import answer, reflect, window
from workflow.models import DayEvent, DayStatus, InternshipDay, Person, move_day
from workflow.notifications import Category, Happened, Link, Notification, Result

CONFIRM_TTL = timedelta(days=21)


def check_out(session: Session, student: Person, now: datetime, *, reflection: str = "") -> Result:
    """CHECKOUT: closes today's open day, counts the hours, asks the mentor to confirm, and waits
    for the student's line on what they learned (`reflection`, when it came with CHECKOUT)."""
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
            if reflection:  # "CHECKOUT learned ..." again: the words join the day's reflection
                happened = reflect(session, student, last, reflection, now)
                return Result(
                    [answer(happened, student)],
                    window(last, now),
                    summary=f"reflection on day {last.id}",
                    happened=happened,
                )
            note = student_sms("checkout_already", student, at=last.check_out_at, **placement_context(last.placement))
            return Result([note], summary="already checked out", happened=Happened.already_checked_out)
        return Result(
            [student_sms("checkout_without_checkin", student)],
            summary="check-out without check-in",
            happened=Happened.checkout_without_checkin,
        )
    day = open_days[-1]
    if reflection:
        reflect(session, student, day, reflection, now)
    notes = close_day(session, day, now, by=student)
    return Result(notes, window(day, now), summary=f"checked out day {day.id}", happened=Happened.checked_out)


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
    move_day(day, DayEvent.close)
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
    kind = Category.message if no_checkout else Category.answer
    note = student_sms(template, placement.student, kind, at=out_at, hours=day.hours, **placement_context(placement))
    if not no_checkout:  # the answer to CHECKOUT, with its invitation to reflect, is one segment
        note = replace(note, context={**note.context, "reflected": bool(day.reflection)}, segments=1)
    notes = [note]
    notes.append(mentor_request(day, reminder=False))
    return notes


def mentor_request(day: InternshipDay, *, reminder: bool) -> Notification:
    """The mentor's email: reply yes or no (with comments), or use the link."""
    placement = day.placement
    return Notification(
        template="email/mentor_reminder" if reminder else "email/mentor_confirm",
        to=placement.mentor,
        school_id=placement.school_id,
        context={"day": day, **placement_context(placement)},
        links={"confirm_url": Link("attendance.confirm", "day", day.id, CONFIRM_TTL)},
        reply=Link("attendance.confirm", "day", day.id, CONFIRM_TTL),
        thread=f"day-{day.id}",
    )
