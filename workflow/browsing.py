"""What a student keeps while looking: favourite opportunities and a wishlist of fields."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from workflow import audit
from workflow.errors import Refused
from workflow.models import Favourite, Opportunity, Person, WishlistField
from workflow.requests.queries import can_see


def favourite_ids(session: Session, student: Person) -> set[int]:
    return set(session.scalars(select(Favourite.opportunity_id).where(Favourite.student_id == student.id)))


def toggle_favourite(session: Session, student: Person, opportunity_id: int, now: datetime) -> bool:
    """Save or unsave; True if it is now a favourite."""
    opportunity = session.get(Opportunity, opportunity_id)
    if opportunity is None or not can_see(session, student, opportunity):
        raise Refused("not_open")
    existing = session.scalars(
        select(Favourite).where(Favourite.student_id == student.id, Favourite.opportunity_id == opportunity_id)
    ).first()
    if existing is not None:
        session.delete(existing)
        saved = False
    else:
        session.add(Favourite(student_id=student.id, opportunity_id=opportunity_id, created_at=now))
        saved = True
    audit.record(
        session,
        action="favourite.saved" if saved else "favourite.removed",
        channel="link",
        now=now,
        actor=student,
        object_type="opportunity",
        object_id=opportunity_id,
    )
    return saved


def wishlist(session: Session, student: Person) -> list[str]:
    return list(
        session.scalars(
            select(WishlistField.field).where(WishlistField.student_id == student.id).order_by(WishlistField.field)
        )
    )


def wish(session: Session, student: Person, field: str, now: datetime) -> str:
    field = " ".join(field.split())[:100].lower()
    if not field:
        raise Refused("name_a_field")
    if field not in wishlist(session, student):
        session.add(WishlistField(student_id=student.id, field=field, created_at=now))
        audit.record(session, action="wishlist.added", channel="link", now=now, actor=student, field=field)
    return field


def unwish(session: Session, student: Person, field: str, now: datetime) -> None:
    session.execute(delete(WishlistField).where(WishlistField.student_id == student.id, WishlistField.field == field))
    audit.record(session, action="wishlist.removed", channel="link", now=now, actor=student, field=field)
