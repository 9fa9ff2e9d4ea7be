"""Who is looking, and what they may see: every query of the coordinator's workspace is scoped here.

A coordinator sees their own school; an advisor sees only their advisees (students whose
`Person.advisor_id` is the advisor). An object outside the viewer's scope is answered exactly like
a missing one: the lookups return None, and the page turns None into 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.orm import Session

from workflow.errors import Refused
from workflow.models import InternshipDay, InternshipRequest, Opportunity, Person, Placement, Role
from workflow.requests.states import State

STAFF = (Role.coordinator, Role.advisor)


@dataclass(frozen=True)
class Viewer:
    """The signed-in person: a coordinator or an advisor, of one school."""

    person_id: int
    role: Role  # Role.coordinator or Role.advisor
    school_id: int

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.coordinator


def viewer_of(person: Person) -> Viewer:
    """The viewer for a staff person; Refused("not_staff") for anyone else or an inactive person."""
    if person.role not in STAFF or not person.active:
        raise Refused("not_staff")
    return Viewer(person_id=person.id, role=Role(person.role), school_id=person.school_id)


def viewer_for(session: Session, person_id: int) -> Viewer | None:
    """The viewer for a signed-in person id, or None if they are no longer active staff."""
    person = session.get(Person, person_id)
    if person is None or person.role not in STAFF or not person.active:
        return None
    return viewer_of(person)


def acting_person(session: Session, viewer: Viewer) -> Person:
    """The viewer's own row, for the audit log and the state machines' checks."""
    person = session.get(Person, viewer.person_id)
    if person is None or person.school_id != viewer.school_id or not person.active:
        raise Refused("not_staff")
    return person


def require_coordinator(viewer: Viewer) -> None:
    """Advisors read their advisees' records and decide their starts; every other change is the
    coordinator's."""
    if not viewer.is_coordinator:
        raise Refused("coordinator_only")


def require_reason(reason: str) -> str:
    """A change on the dashboard keeps its reason; a blank one is refused."""
    reason = reason.strip()
    if not reason:
        raise Refused("reason_required")
    return reason[:2000]


def advisees(viewer: Viewer) -> Select[int]:
    """The ids of the advisor's students (a subquery)."""
    return select(Person.id).where(
        Person.advisor_id == viewer.person_id, Person.school_id == viewer.school_id, Person.role == Role.student
    )


def student_scope(viewer: Viewer) -> ColumnElement[bool]:
    """The condition on `Person` for the students the viewer may see."""
    condition = and_(Person.school_id == viewer.school_id, Person.role == Role.student)
    if not viewer.is_coordinator:
        condition = and_(condition, Person.advisor_id == viewer.person_id)
    return condition


def placement_scope(viewer: Viewer) -> ColumnElement[bool]:
    """The condition on `Placement` (and so on its days) for what the viewer may see."""
    condition = Placement.school_id == viewer.school_id
    if not viewer.is_coordinator:
        condition = and_(condition, Placement.student_id.in_(advisees(viewer)))
    return condition


def request_scope(viewer: Viewer) -> ColumnElement[bool]:
    """The condition on `InternshipRequest`: the school's students' requests (an advisor: advisees');
    a coordinator also sees the requests other schools' students make for the school's opportunities
    shared with the region, which they decide. Of those students they see only the request itself
    (its page shows the student's name and school): never their record, days or other requests."""
    condition = InternshipRequest.school_id == viewer.school_id
    if not viewer.is_coordinator:
        return and_(condition, InternshipRequest.student_id.in_(advisees(viewer)))
    ours = select(Opportunity.id).where(Opportunity.school_id == viewer.school_id)
    return or_(condition, InternshipRequest.opportunity_id.in_(ours))


def deciding_scope(viewer: Viewer) -> ColumnElement[bool]:
    """The requests and starts waiting for this viewer's school: a request for one of its
    opportunities (whoever's student asked), a start of one of its students."""
    ours = select(Opportunity.id).where(Opportunity.school_id == viewer.school_id)
    return and_(
        request_scope(viewer),
        or_(
            (InternshipRequest.status == State.requested) & InternshipRequest.opportunity_id.in_(ours),
            (InternshipRequest.status == State.start_requested) & (InternshipRequest.school_id == viewer.school_id),
        ),
    )


def days_in_scope(viewer: Viewer) -> Select[InternshipDay]:
    """A query of the days the viewer may see, to narrow further."""
    return (
        select(InternshipDay).join(Placement, Placement.id == InternshipDay.placement_id).where(placement_scope(viewer))
    )


def day_for(session: Session, viewer: Viewer, day_id: int) -> InternshipDay | None:
    """The day, or None if it is missing or outside the viewer's scope."""
    return session.scalars(days_in_scope(viewer).where(InternshipDay.id == day_id)).one_or_none()


def placement_for(session: Session, viewer: Viewer, placement_id: int) -> Placement | None:
    """The placement, or None if it is missing or outside the viewer's scope."""
    return session.scalars(select(Placement).where(Placement.id == placement_id, placement_scope(viewer))).one_or_none()


def request_for(session: Session, viewer: Viewer, request_id: int) -> InternshipRequest | None:
    """The request (or start), or None if it is missing or outside the viewer's scope."""
    return session.scalars(
        select(InternshipRequest).where(InternshipRequest.id == request_id, request_scope(viewer))
    ).one_or_none()


def student_for(session: Session, viewer: Viewer, student_id: int) -> Person | None:
    """The student, or None if they are missing or outside the viewer's scope."""
    return session.scalars(select(Person).where(Person.id == student_id, student_scope(viewer))).one_or_none()
