"""Quiet hours: no SMS to a student in the school's quiet window (local time), unless it answers
their own message. The outbox times a new SMS with `quiet_release`; delivery asks `quiet_due`
when a retry, a late first attempt or a reclaimed row may land inside the window, and puts the
row back until it ends (`delivery._defer_for_quiet_hours`)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from messaging import context
from workflow.models import Person, Role, School
from workflow.notifications import Category


def keeps_quiet_hours(role: str, kind: str) -> bool:
    """No SMS to students in quiet hours, unless it answers their own message."""
    return role == Role.student and kind != Category.answer


def quiet_due(session: Session, *, kind: str, person_id: int | None, school_id: int | None, due: datetime) -> datetime:
    """When an SMS that would go at `due` may go: `due`, or for a student in quiet hours, when
    they end. For delivery's later attempts (a retry's backoff must not land in quiet hours)."""
    if kind == Category.answer or person_id is None:
        return due
    person = session.get(Person, person_id)
    if person is None or not keeps_quiet_hours(person.role, kind):
        return due
    school = session.get(School, school_id) if school_id else None
    return quiet_release(due, school.zone if school else ZoneInfo("UTC"), context.current().config.quiet_window)


def quiet_release(now: datetime, zone: ZoneInfo, window: tuple[int, int]) -> datetime:
    """`now` if outside quiet hours, else when they end (local time, daylight saving honoured)."""
    start, end = window
    if start == end:
        return now
    local = now.astimezone(zone)
    minutes = local.hour * 60 + local.minute
    overnight = start > end
    quiet = (minutes >= start or minutes < end) if overnight else (start <= minutes < end)
    if not quiet:
        return now
    day = local.date()
    if overnight and minutes >= start:
        day = day + timedelta(days=1)
    release = datetime.combine(day, time(end // 60, end % 60), tzinfo=zone)
    return release.astimezone(now.tzinfo)
