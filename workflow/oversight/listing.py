"""Lists for the JSON API, scoped by the viewer: internship days as `relay export attendance` shows
them (with their ids) for a date range, optionally one student's, or one day; and the students.

One query per list whatever its length (columns only, no ORM rows: a month of a 1,000-student
school is some 20,000 days), times in the school's zone like the export's; the days a page at a time
(`limit`, and `after` the last one's sort key).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, select, tuple_
from sqlalchemy.orm import Session, aliased

from workflow.models import InternshipDay, Person, Placement, School, Site
from workflow.oversight.viewer import Viewer, placement_scope, student_scope
from workflow.reports.days import RECORDED_COLUMNS

Student = aliased(Person, name="student")
Mentor = aliased(Person, name="mentor")
Advisor = aliased(Person, name="advisor")


@dataclass(frozen=True)
class DayRow:
    """One day: its id and the fields of `relay export attendance` (times in the school's zone)."""

    id: int
    student_email: str | None
    site: str
    mentor_email: str | None
    date: date
    check_in_at: datetime | None
    check_out_at: datetime | None
    goals: str | None
    hours: float | None
    status: str
    mentor_feedback: str | None
    confirmed_via: str | None
    reflection: str | None
    student_name: str
    mentor_name: str


def _query(viewer: Viewer) -> Select[*tuple[Any, ...]]:
    query: Select[*tuple[Any, ...]] = (
        select(
            InternshipDay.id,
            Student.email,
            Site.name,
            Mentor.email,
            *RECORDED_COLUMNS,
            Student.name,
            Mentor.name,
        )
        .join(Placement, Placement.id == InternshipDay.placement_id)
        .join(Student, Student.id == Placement.student_id)
        .join(Mentor, Mentor.id == Placement.mentor_id)
        .join(Site, Site.id == Placement.site_id)
        .where(placement_scope(viewer))
    )
    return query


def _rows(session: Session, viewer: Viewer, query: Select[*tuple[Any, ...]]) -> list[DayRow]:
    zone = session.get_one(School, viewer.school_id).zone

    def there(moment: datetime | None) -> datetime | None:
        return moment.astimezone(zone) if moment is not None else None

    return [
        DayRow(
            id=r[0],
            student_email=r[1],
            site=r[2],
            mentor_email=r[3],
            date=r[4],
            check_in_at=there(r[5]),
            check_out_at=there(r[6]),
            goals=r[7],
            hours=float(r[8]) if r[8] is not None else None,
            status=r[9],
            mentor_feedback=r[10],
            confirmed_via=r[11],
            reflection=r[12],
            student_name=r[13],
            mentor_name=r[14],
        )
        for r in session.execute(query)
    ]


@dataclass(frozen=True)
class After:
    """Where a page of days ended: the sort key of its last day (`days_between`'s order)."""

    date: date
    student_email: str
    id: int


def days_between(
    session: Session,
    viewer: Viewer,
    since: date,
    until: date,
    *,
    student_email: str | None = None,
    limit: int | None = None,
    after: After | None = None,
) -> list[DayRow]:
    """The viewer's days from `since` to `until` (inclusive), by date, then student, then id: the
    first `limit` of them after `after` (a page ends where the next begins, by its sort key, so
    pages neither skip nor repeat a day and a later page costs no more than the first)."""
    email = func.coalesce(Student.email, "")
    query = _query(viewer).where(InternshipDay.date >= since, InternshipDay.date <= until)
    if student_email:
        query = query.where(func.lower(Student.email) == student_email.strip().lower())
    if after is not None:
        query = query.where(
            tuple_(InternshipDay.date, email, InternshipDay.id) > (after.date, after.student_email, after.id)
        )
    return _rows(session, viewer, query.order_by(InternshipDay.date, email, InternshipDay.id).limit(limit))


def after(row: DayRow) -> After:
    """The place to continue after `row`."""
    return After(row.date, row.student_email or "", row.id)


def day_row(session: Session, viewer: Viewer, day_id: int) -> DayRow | None:
    """One day, or None if it is missing or outside the viewer's scope."""
    rows = _rows(session, viewer, _query(viewer).where(InternshipDay.id == day_id))
    return rows[0] if rows else None


@dataclass(frozen=True)
class StudentRow:
    id: int
    name: str
    email: str | None
    phone: str | None
    advisor_email: str | None
    active: bool


def students(session: Session, viewer: Viewer) -> list[StudentRow]:
    """The students the viewer may see (an advisor: their advisees), by name."""
    query = (
        select(Person.id, Person.name, Person.email, Person.phone, Advisor.email, Person.active)
        .outerjoin(Advisor, Advisor.id == Person.advisor_id)
        .where(student_scope(viewer))
        .order_by(Person.name, Person.id)
    )
    return [StudentRow(*row) for row in session.execute(query)]
