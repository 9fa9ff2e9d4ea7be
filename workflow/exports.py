"""Exports: one row per internship day (the fields in docs/ARCHITECTURE.md), times with the school's offset.

Every CSV cell goes through `csv_cell`: text a student or mentor typed (goals, feedback) must
never become a live formula in a spreadsheet (OWASP's CSV injection rule).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from workflow.models import InternshipDay, Person, Placement, School, Site

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
    "reflection",
)


def _iso(moment: datetime | None, zone: ZoneInfo) -> str | None:
    return moment.astimezone(zone).isoformat(timespec="seconds") if moment else None


def attendance(
    session: Session, *, school: str | None = None, since: date | None = None, until: date | None = None
) -> Iterator[dict[str, Any]]:
    # Plain rows of the columns shown, not ORM objects: a month of a large school is 16,000 days
    # (bench/dashboard.py), and building objects for them took seconds.
    student, mentor = aliased(Person), aliased(Person)
    query = (
        select(
            student.email,
            Site.name,
            mentor.email,
            InternshipDay.date,
            InternshipDay.check_in_at,
            InternshipDay.check_out_at,
            InternshipDay.goals,
            InternshipDay.hours,
            InternshipDay.status,
            InternshipDay.mentor_feedback,
            InternshipDay.confirmed_via,
            InternshipDay.reflection,
            School.timezone,
        )
        .select_from(InternshipDay)
        .join(Placement, Placement.id == InternshipDay.placement_id)
        .join(School, School.id == Placement.school_id)
        .join(student, student.id == Placement.student_id)
        .join(mentor, mentor.id == Placement.mentor_id)
        .join(Site, Site.id == Placement.site_id)
        .order_by(School.name, InternshipDay.date, InternshipDay.id)
    )
    if school:
        query = query.where(School.name == school)
    if since:
        query = query.where(InternshipDay.date >= since)
    if until:
        query = query.where(InternshipDay.date <= until)
    zones: dict[str, ZoneInfo] = {}
    for row in session.execute(query):
        zone = zones.get(row.timezone) or zones.setdefault(row.timezone, ZoneInfo(row.timezone))
        yield {
            "student_email": row[0],
            "site": row[1],
            "mentor_email": row[2],
            "date": row.date.isoformat(),
            "check_in_at": _iso(row.check_in_at, zone),
            "check_out_at": _iso(row.check_out_at, zone),
            "goals": row.goals,
            "hours": float(row.hours) if row.hours is not None else None,
            "status": row.status,
            "mentor_feedback": row.mentor_feedback,
            "confirmed_via": row.confirmed_via,
            "reflection": row.reflection,
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
