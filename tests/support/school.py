"""A school with a coordinator, a mentor at a site, and a student placed there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Any

from sqlalchemy.orm import Session

from tests.support import world
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
        school = world.school(session, name="Lincoln High", timezone=timezone)
        coordinator = world.person(session, school, Role.coordinator, "Cora Diaz", "cora@example.org")
        clinic = site(session, school, "Riverside Clinic", latitude=37.7749, longitude=-122.4194)
        mentor = world.person(session, school, Role.mentor, "Ruth Chen", "ruth@example.org", site_id=clinic.id)
        student = world.person(session, school, Role.student, "Maya Lopez", "maya@example.org", phone=STUDENT_PHONE)
        placed = placement(session, school, student, mentor, clinic, **placement_kw)
        return SchoolWorld(school.id, coordinator.id, student.id, mentor.id, clinic.id, placed.id)
