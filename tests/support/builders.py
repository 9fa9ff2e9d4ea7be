"""Builders for test data: a school and its people, sites, placements, and `build`: a school with a
coordinator, a mentor at a site, and a student placed there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.models import Person, Placement, Role, School, Site

STUDENT_PHONE = "+15555550100"
EVERY_DAY = "Mon Tue Wed Thu Fri Sat Sun"


@dataclass
class SchoolWorld:
    school_id: int
    coordinator_id: int
    student_id: int
    mentor_id: int
    site_id: int
    placement_id: int


def school(session: Session, name: str = "Test High", timezone: str = "America/Los_Angeles", **kw: object) -> School:
    existing = session.scalars(select(School).where(School.name == name)).one_or_none()
    if existing is not None:
        return existing
    row = School(name=name, timezone=timezone, **kw)
    session.add(row)
    session.flush()
    return row


def person(
    session: Session,
    school: School,
    role: Role,
    name: str,
    email: str | None = None,
    phone: str | None = None,
    **kw: object,
) -> Person:
    if email is not None:
        existing = session.scalars(
            select(Person).where(Person.school_id == school.id, Person.role == role, Person.email == email)
        ).one_or_none()
        if existing is not None:
            return existing
    row = Person(school_id=school.id, role=role, name=name, email=email, phone=phone, **kw)
    session.add(row)
    session.flush()
    return row


def site(session: Session, school: School, name: str, **kw: Any) -> Site:
    row = Site(
        school_id=school.id, name=name, address=kw.pop("address", "1 Main St"), field=kw.pop("field", "health"), **kw
    )
    session.add(row)
    session.flush()
    return row


def placement(
    session: Session,
    school: School,
    student: Person,
    mentor: Person,
    where: Site,
    *,
    weekdays: str = EVERY_DAY,
    start: time = time(0, 0),
    end: time = time(23, 59),
    start_date: date = date(2020, 1, 1),
    end_date: date = date(2100, 1, 1),
) -> Placement:
    row = Placement(
        school_id=school.id,
        student_id=student.id,
        mentor_id=mentor.id,
        site_id=where.id,
        weekdays=weekdays,
        start_time=start,
        end_time=end,
        start_date=start_date,
        end_date=end_date,
    )
    session.add(row)
    session.flush()
    return row


def build(runtime: Any, *, timezone: str = "America/Los_Angeles", **placement_kw: Any) -> SchoolWorld:
    with runtime.sessions.begin() as session:
        lincoln = school(session, name="Lincoln High", timezone=timezone)
        coordinator = person(session, lincoln, Role.coordinator, "Cora Diaz", "cora@example.org")
        clinic = site(session, lincoln, "Riverside Clinic", latitude=37.7749, longitude=-122.4194)
        mentor = person(session, lincoln, Role.mentor, "Ruth Chen", "ruth@example.org", site_id=clinic.id)
        student = person(session, lincoln, Role.student, "Maya Lopez", "maya@example.org", phone=STUDENT_PHONE)
        placed = placement(session, lincoln, student, mentor, clinic, **placement_kw)
        return SchoolWorld(lincoln.id, coordinator.id, student.id, mentor.id, clinic.id, placed.id)
