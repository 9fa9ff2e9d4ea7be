"""The student's reflection: one line on what they learned, texted after CHECKOUT (or with it,
`CHECKOUT learned to read an X-ray`) and kept on the day. A second text adds to the first, never
replaces it, and each is confirmed to the student."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta

from sqlalchemy.orm import Session

from workflow import audit
from workflow.attendance.days import at_local, local, student_sms
from workflow.models import DayStatus, InternshipDay, Person
from workflow.notifications import Expectation, Happened, Notification, Result

MAX_REFLECTION = 1000  # characters kept, all texts of a day together
MIN_WINDOW = timedelta(hours=1)
SEPARATOR = "\n"


def window(day: InternshipDay, now: datetime) -> Expectation:
    """After CHECKOUT the student's next texts, until the end of the school's day (at least an
    hour), are the day's reflection."""
    zone = day.placement.school.zone
    midnight = at_local(local(now, day.placement.school).date() + timedelta(days=1), time(0), zone)
    return Expectation("reflection", (day.id,), max(midnight - now, MIN_WINDOW))


def reflect(session: Session, student: Person, day: InternshipDay, text: str, now: datetime) -> Happened:
    """Keep `text` as the day's reflection, after any kept before; what happened, for the answer."""
    text = " ".join(text.split())
    added = bool(day.reflection)
    joined = f"{day.reflection}{SEPARATOR}{text}" if added else text
    day.reflection = joined[:MAX_REFLECTION]
    day.reflected_at = now
    audit.record(
        session,
        action="day.reflection_added" if added else "day.reflection",
        channel="sms",
        now=now,
        actor=student,
        object_type="day",
        object_id=day.id,
    )
    return Happened.reflection_added if added else Happened.reflection_saved


def record_reflection(session: Session, student: Person, day_id: int, text: str, now: datetime) -> Result | None:
    """A text in the window after CHECKOUT: None if the day is not this student's closed day."""
    day = session.get(InternshipDay, day_id)
    if day is None or day.placement.student_id != student.id or day.status == DayStatus.open:
        return None
    happened = reflect(session, student, day, text, now)
    return Result(
        [answer(happened, student)], window(day, now), summary=f"reflection on day {day.id}", happened=happened
    )


def answer(happened: Happened, student: Person) -> Notification:
    """The confirmation: saved, or added to what was saved before; one segment."""
    return replace(student_sms(happened.value, student), segments=1)


def pleasantry(day_id: int, day: InternshipDay | None, now: datetime) -> Result:
    """ "Thanks!" after CHECKOUT: nothing kept, nothing sent, the window stays open."""
    expect = window(day, now) if day is not None else None
    return Result(
        [], expect, summary=f"a thank-you after checking out day {day_id}; not a reflection", happened=Happened.thanked
    )
