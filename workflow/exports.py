"""Exports: one row per internship day (the fields in docs/ARCHITECTURE.md), times with the school's offset.

Every CSV cell goes through `csv_cell`: text a student or mentor typed (goals, feedback) must
never become a live formula in a spreadsheet (OWASP's CSV injection rule).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from workflow.models import InternshipDay, Placement, School

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A value as a CSV cell: text that a spreadsheet would run as a formula gets a leading `'`;
    None is empty; numbers are left as they are."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


ATTENDANCE_FIELDS = (
    "student_email",
    "site",
    "mentor_email",
    "date",
    "check_in_at",
    "check_out_at",
    "goals",
    "hours",
    "status",
    "mentor_feedback",
    "confirmed_via",
)


def _iso(moment: datetime | None, school: School) -> str | None:
    return moment.astimezone(school.zone).isoformat(timespec="seconds") if moment else None


def attendance(
    session: Session, *, school: str | None = None, since: date | None = None, until: date | None = None
) -> Iterator[dict[str, Any]]:
    query = (
        select(InternshipDay)
        .join(Placement)
        .join(School, School.id == Placement.school_id)
        .options(joinedload(InternshipDay.placement))
        .order_by(School.name, InternshipDay.date, InternshipDay.id)
    )
    if school:
        query = query.where(School.name == school)
    if since:
        query = query.where(InternshipDay.date >= since)
    if until:
        query = query.where(InternshipDay.date <= until)
    for day in session.scalars(query):
        placement = day.placement
        yield {
            "student_email": placement.student.email,
            "site": placement.site.name,
            "mentor_email": placement.mentor.email,
            "date": day.date.isoformat(),
            "check_in_at": _iso(day.check_in_at, placement.school),
            "check_out_at": _iso(day.check_out_at, placement.school),
            "goals": day.goals,
            "hours": float(day.hours) if day.hours is not None else None,
            "status": day.status,
            "mentor_feedback": day.mentor_feedback,
            "confirmed_via": day.confirmed_via,
        }


PLACEMENT_FIELDS = (
    "school",
    "student_email",
    "mentor_email",
    "site",
    "days",
    "start_time",
    "end_time",
    "start_date",
    "end_date",
    "status",
)


def placements(session: Session, *, school: str | None = None) -> Iterator[dict[str, Any]]:
    """One row per placement, in the import format (plus its status)."""
    query = (
        select(Placement)
        .join(School, School.id == Placement.school_id)
        .order_by(School.name, Placement.start_date, Placement.id)
    )
    if school:
        query = query.where(School.name == school)
    for placement in session.scalars(query):
        yield {
            "school": placement.school.name,
            "student_email": placement.student.email,
            "mentor_email": placement.mentor.email,
            "site": placement.site.name,
            "days": placement.weekdays,
            "start_time": placement.start_time.strftime("%H:%M"),
            "end_time": placement.end_time.strftime("%H:%M"),
            "start_date": placement.start_date.isoformat(),
            "end_date": placement.end_date.isoformat(),
            "status": placement.status,
        }
