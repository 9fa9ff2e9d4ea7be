"""Reading requests and opportunities: what a student may see, places taken, who else pursues a site."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from workflow.models import InternshipRequest, Opportunity, Person, School, Site
from workflow.requests.states import HOLDING_A_PLACE, OPEN, PURSUING_THE_SITE, State


def visible_opportunities(session: Session, student: Person, *, field: str = "", words: str = "") -> list[Opportunity]:
    """The student's school's opportunities, and those other schools of its region share."""
    school = student.school
    query = (
        select(Opportunity)
        .join(School, School.id == Opportunity.school_id)
        .join(Site, Site.id == Opportunity.site_id)
        .where(Opportunity.active.is_(True), Site.active.is_(True))  # a deactivated site offers nothing
    )
    if school.region:
        query = query.where(
            or_(
                Opportunity.school_id == school.id,
                (School.region == school.region) & Opportunity.shared_with_region.is_(True),
            )
        )
    else:
        query = query.where(Opportunity.school_id == school.id)
    if field:
        query = query.where(func.lower(Opportunity.field) == field.lower())
    for word in words.split()[:8]:
        like = f"%{word.lower()}%"
        query = query.where(
            or_(
                func.lower(Opportunity.title).like(like),
                func.lower(Opportunity.description).like(like),
                func.lower(Opportunity.field).like(like),
            )
        )
    return list(session.scalars(query.order_by(Opportunity.field, Opportunity.title)))


def can_see(session: Session, student: Person, opportunity: Opportunity) -> bool:
    if not opportunity.site.active:
        return False
    if opportunity.school_id == student.school_id:
        return True
    return bool(
        opportunity.shared_with_region and student.school.region and opportunity.school.region == student.school.region
    )


def count_requests(session: Session, *conditions: ColumnElement[bool]) -> int:
    return int(session.scalar(select(func.count()).select_from(InternshipRequest).where(*conditions)) or 0)


def places_taken(session: Session, opportunity: Opportunity, *, besides: InternshipRequest | None = None) -> int:
    """Requests holding a place of `opportunity`; `besides` (the one being decided) not counted."""
    return count_requests(
        session,
        InternshipRequest.opportunity_id == opportunity.id,
        InternshipRequest.status.in_([s.value for s in HOLDING_A_PLACE]),
        InternshipRequest.id != (besides.id if besides is not None else -1),
    )


def place_in_line(session: Session, request: InternshipRequest) -> int:
    """A waiting request's place in its site's line (1 is next): the order in which freed places
    are offered (`offer_next`), by when each was asked."""
    return 1 + count_requests(
        session,
        InternshipRequest.opportunity_id.in_(
            select(Opportunity.id).where(Opportunity.site_id == request.opportunity.site_id)
        ),
        InternshipRequest.status == State.waiting,
        InternshipRequest.id != request.id,
        or_(
            InternshipRequest.requested_at < request.requested_at,
            (InternshipRequest.requested_at == request.requested_at) & (InternshipRequest.id < request.id),
        ),
    )


def pursuers_of_site(session: Session, site_id: int) -> int:
    return count_requests(
        session,
        InternshipRequest.opportunity_id.in_(select(Opportunity.id).where(Opportunity.site_id == site_id)),
        InternshipRequest.status.in_([s.value for s in PURSUING_THE_SITE]),
    )


def who_else(session: Session, request: InternshipRequest) -> list[InternshipRequest]:
    """Other students pursuing the same site, of every school (for counting: show `pursuers`)."""
    return list(
        session.scalars(
            select(InternshipRequest)
            .join(Opportunity)
            .where(
                Opportunity.site_id == request.opportunity.site_id,
                InternshipRequest.id != request.id,
                InternshipRequest.status.in_([s.value for s in OPEN]),
            )
            .order_by(InternshipRequest.requested_at)
        )
    )


def has_room(session: Session, opportunity: Opportunity) -> bool:
    return (
        places_taken(session, opportunity) < opportunity.capacity
        and pursuers_of_site(session, opportunity.site_id) < opportunity.school.pursuer_limit
    )


def pursuing_requests(session: Session, student: Person) -> list[InternshipRequest]:
    return list(
        session.scalars(
            select(InternshipRequest)
            .where(InternshipRequest.student_id == student.id, InternshipRequest.status == State.pursuing)
            .order_by(InternshipRequest.id)
        )
    )


def requests_of(session: Session, student: Person) -> Sequence[InternshipRequest]:
    return session.scalars(
        select(InternshipRequest)
        .where(InternshipRequest.student_id == student.id)
        .order_by(InternshipRequest.requested_at.desc())
    ).all()


@dataclass(frozen=True)
class Pursuers:
    """Who else pursues a request's site, as its school's coordinator may see them: students of the
    same school by name, those of other schools (a site shared with the region) only as a count."""

    named: list[InternshipRequest]
    elsewhere: int


def pursuers(session: Session, request: InternshipRequest, *, school_id: int | None = None) -> Pursuers:
    """As the coordinators of `school_id` (the request's school unless given) may see them."""
    school_id = request.school_id if school_id is None else school_id
    others = who_else(session, request)
    named = [other for other in others if other.school_id == school_id]
    return Pursuers(named=named, elsewhere=len(others) - len(named))
