"""Looking people up: by role, by phone, by address."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workflow.models import Person, Role


def coordinators(session: Session, school_id: int) -> Sequence[Person]:
    return session.scalars(
        select(Person)
        .where(Person.school_id == school_id, Person.role == Role.coordinator, Person.active.is_(True))
        .order_by(Person.id)
    ).all()


def by_phone(session: Session, phone: str) -> Sequence[Person]:
    return session.scalars(
        select(Person).where(Person.phone == phone, Person.active.is_(True)).order_by(Person.id)
    ).all()


def by_email(session: Session, email: str) -> Sequence[Person]:
    return session.scalars(
        select(Person)
        .where(func.lower(Person.email) == email.strip().lower(), Person.active.is_(True))
        .order_by(Person.id)
    ).all()
