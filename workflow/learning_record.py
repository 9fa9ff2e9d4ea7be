"""The student's own learning record: every day with its hours, goals, reflection and the mentor's
words, confirmed hours against those required, and hours week by week for the chart."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from workflow.models import DayStatus, Person, School
from workflow.oversight.student import DayLine, StudentRecord, record_of

MAX_WEEKS = 26  # the chart shows the latest half year; the table of days keeps everything
WAITING = frozenset({DayStatus.open, DayStatus.pending})


@dataclass(frozen=True)
class Week:
    start: date  # its Monday
    confirmed: Decimal
    waiting: Decimal  # counted, not yet confirmed by the mentor


@dataclass(frozen=True)
class LearningRecord:
    record: StudentRecord
    required: Decimal | None  # None: no requirement is recorded, only the total is shown
    weeks: list[Week]  # oldest first, weeks without hours included
    days: list[DayLine]  # up to today, newest first

    @property
    def confirmed_hours(self) -> Decimal:
        return self.record.confirmed_hours

    @property
    def waiting_hours(self) -> Decimal:
        return sum((d.hours or Decimal(0) for d in self.record.days if d.status in WAITING), Decimal(0))

    @property
    def share_done(self) -> float | None:
        """How much of the requirement is confirmed, 0 to 1; None without a requirement."""
        if not self.required:
            return None
        return float(min(self.confirmed_hours / self.required, Decimal(1)))


def required_hours(session: Session, student: Person) -> Decimal | None:
    """The hours the student must complete: their own (`required_hours` in the students file), else
    their school's; None when neither is set, and the record shows the total alone."""
    if student.required_hours is not None:
        return student.required_hours
    return session.get_one(School, student.school_id).required_hours


def weekly_hours(days: Sequence[DayLine]) -> list[Week]:
    """Hours per week (Monday to Sunday), confirmed and waiting, from the first week with a day to
    the last, at most MAX_WEEKS of them (the latest)."""
    if not days:
        return []
    counted = [d for d in days if d.hours]
    confirmed: dict[date, Decimal] = {}
    waiting: dict[date, Decimal] = {}
    for d in counted:
        monday = d.date - timedelta(days=d.date.weekday())
        if d.status == DayStatus.confirmed:
            confirmed[monday] = confirmed.get(monday, Decimal(0)) + (d.hours or Decimal(0))
        elif d.status in WAITING:
            waiting[monday] = waiting.get(monday, Decimal(0)) + (d.hours or Decimal(0))
    first = min(d.date for d in days)
    last = max(d.date for d in days)
    start = first - timedelta(days=first.weekday())
    mondays = [start + timedelta(weeks=n) for n in range((last - start).days // 7 + 1)][-MAX_WEEKS:]
    return [Week(m, confirmed.get(m, Decimal(0)), waiting.get(m, Decimal(0))) for m in mondays]


def learning_record(session: Session, student: Person, today: date) -> LearningRecord:
    """The record as of `today` (the school's date): days still to come are left out."""
    record = record_of(session, student)
    days = [d for d in record.days if d.date <= today]
    return LearningRecord(record, required_hours(session, student), weekly_hours(days), days)
