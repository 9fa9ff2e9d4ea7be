"""Small builders for a school and its people."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.models import Person, Role, School


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
