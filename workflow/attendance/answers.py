"""The mentor's answer: a day confirmed or disputed, an unclear answer asked again, a later answer
kept (and the coordinator told when it differs)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from workflow import audit
from workflow.attendance.checkout import CONFIRM_TTL
from workflow.attendance.days import placement_context, student_sms
from workflow.models import DayEvent, DayStatus, InternshipDay, Person, move_day
from workflow.notifications import Category, Happened, Link, Notification, Result
from workflow.people import coordinators

FEEDBACK_EXCERPT = 300


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
        return Result(summary=f"person {mentor.id} is not the mentor of day {day.id}", happened=Happened.not_the_mentor)
    feedback = feedback.strip()[:4000]
    if present is None:
        note = Notification(
            template="email/mentor_clarify",
            to=mentor,
            school_id=placement.school_id,
            kind=Category.message,
            context={"day": day, **placement_context(placement)},
            reply=Link("attendance.confirm", "day", day.id, CONFIRM_TTL),
            links={"confirm_url": Link("attendance.confirm", "day", day.id, CONFIRM_TTL)},
            thread=f"day-{day.id}",
        )
        return Result([note], summary="unclear answer; asked again", happened=Happened.asked_again)
    if day.status in (DayStatus.confirmed, DayStatus.disputed) or day.confirmed_via == "dashboard":
        # answered, or settled by a coordinator on the dashboard: a late answer never undoes that
        return _later_answer(session, day, mentor, present, feedback, via, now)
    if day.status not in (DayStatus.pending, DayStatus.open, DayStatus.missed):
        return Result(summary=f"day {day.id} is {day.status}; nothing to answer", happened=Happened.nothing_to_answer)
    move_day(day, DayEvent.confirm if present else DayEvent.dispute)
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
    context = {"day": day, "feedback": feedback[:FEEDBACK_EXCERPT], **placement_context(placement)}
    notes = [student_sms("day_confirmed" if present else "day_disputed", student, Category.message, **context)]
    if not present:
        notes += [
            Notification(
                template="email/day_disputed", to=c, school_id=placement.school_id, kind=Category.alert, context=context
            )
            for c in coordinators(session, placement.school_id)
        ]
    return Result(
        notes,
        summary=f"day {day.id} {day.status} via {via}",
        happened=Happened.confirmed if present else Happened.disputed,
    )


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
        return Result(summary=f"day {day.id}: the same answer again, recorded", happened=Happened.same_answer_again)
    placement = day.placement
    context = {
        "day": day,
        "first": "was here" if first else "wasn't here",
        "second": "was here" if present else "wasn't here",
        "feedback": feedback,
        "changed": present != first,
        **placement_context(placement),
    }
    notes = [
        Notification(
            template="email/second_answer", to=c, school_id=placement.school_id, kind=Category.alert, context=context
        )
        for c in coordinators(session, placement.school_id)
    ]
    return Result(
        notes, summary=f"day {day.id}: a later answer, recorded; coordinator told", happened=Happened.later_answer
    )
