"""Days and clocks: the school's local time, a placement's day, hours between two moments, and
the texts and context every step of the loop shares. Times are stored in UTC; "today" is the
school's local date."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.models import DayStatus, InternshipDay, Person, Placement, PlacementStatus, School
from workflow.notifications import Category, Notification


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


def ensure_day(session: Session, placement: Placement, today: date) -> InternshipDay:
    day = day_of(session, placement, today)
    if day is None:
        day = InternshipDay(placement_id=placement.id, date=today, status=DayStatus.missed, later_answers=[])
        session.add(day)
        session.flush()
    return day


def student_sms(template: str, to: Person, kind: Category = Category.answer, **context: Any) -> Notification:
    return Notification(
        template=f"sms/{template}", to=to, kind=kind, context=context, fit="feedback" if "feedback" in context else None
    )


def placement_context(placement: Placement) -> dict[str, Any]:
    return {"site": placement.site.name, "mentor": placement.mentor, "student": placement.student}
