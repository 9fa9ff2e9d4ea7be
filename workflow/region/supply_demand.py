"""Supply and demand by field (the equity view): for one school, each field's opportunities (its own
and those shared in from its region), open places, the students who want it, their requests and
the students placed in it. Sorted with the gap first, so the coordinator sees where to recruit.

- opportunities: active ones; `opportunities_shared_in` are other schools' of the same region
  shared with it;
- open places: over those opportunities, capacity less the places held (requested, pursuing,
  asking to start, active), never below 0 per opportunity;
- students wishing: the school's active students with the field on their wishlist (their own
  choice or an interest survey, `relay import wishlists`), each counted once;
- requests: the school's students' requests for opportunities of the field, whatever became of them;
- placed: the school's students with a placement in the field (the opportunity's field when the
  placement came from a request, else the site's), each counted once;
- gap: students wishing less open places; the biggest first.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from workflow.models import InternshipRequest, Opportunity, Person, Placement, Role, School, Site, WishlistField
from workflow.region.figures import field_key, label
from workflow.requests.states import HOLDING_A_PLACE

COLUMNS = (
    "field",
    "opportunities_own",
    "opportunities_shared_in",
    "open_places",
    "students_wishing",
    "requests",
    "placed",
)


@dataclass(frozen=True)
class FieldRow:
    field: str
    opportunities_own: int
    opportunities_shared_in: int
    open_places: int
    students_wishing: int
    requests: int
    placed: int

    @property
    def gap(self) -> int:
        """Students who want the field beyond its open places (negative: places to spare)."""
        return self.students_wishing - self.open_places

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _supply(session: Session, school: School) -> dict[str, list[int]]:
    """key -> [own, shared in, open places]."""
    held = (
        select(func.count())
        .select_from(InternshipRequest)
        .where(
            InternshipRequest.opportunity_id == Opportunity.id,
            InternshipRequest.status.in_([s.value for s in HOLDING_A_PLACE]),
        )
        .correlate(Opportunity)
        .scalar_subquery()
    )
    own = Opportunity.school_id == school.id
    visible = own
    if school.region:
        visible = or_(own, and_(School.region == school.region, Opportunity.shared_with_region.is_(True)))
    key = field_key(Opportunity.field)
    free = Opportunity.capacity - held
    rows = session.execute(
        select(
            key,
            func.sum(case((own, 1), else_=0)),
            func.sum(case((own, 0), else_=1)),
            func.sum(case((free > 0, free), else_=0)),
        )
        .join(School, School.id == Opportunity.school_id)
        .where(Opportunity.active.is_(True), visible)
        .group_by(key)
    )
    return {k: [int(a or 0), int(b or 0), int(c or 0)] for k, a, b, c in rows}


def _wishing(session: Session, school: School) -> dict[str, int]:
    key = field_key(WishlistField.field)
    rows = session.execute(
        select(key, func.count(func.distinct(WishlistField.student_id)))
        .join(Person, Person.id == WishlistField.student_id)
        .where(Person.school_id == school.id, Person.role == Role.student, Person.active.is_(True))
        .group_by(key)
    )
    return {k: int(n) for k, n in rows}


def _requests(session: Session, school: School) -> dict[str, int]:
    key = field_key(Opportunity.field)
    rows = session.execute(
        select(key, func.count())
        .select_from(InternshipRequest)
        .join(Opportunity, Opportunity.id == InternshipRequest.opportunity_id)
        .where(InternshipRequest.school_id == school.id)
        .group_by(key)
    )
    return {k: int(n) for k, n in rows}


def _placed(session: Session, school: School) -> dict[str, int]:
    key = field_key(func.coalesce(Opportunity.field, Site.field))
    rows = session.execute(
        select(key, func.count(func.distinct(Placement.student_id)))
        .select_from(Placement)
        .join(Site, Site.id == Placement.site_id)
        .outerjoin(InternshipRequest, InternshipRequest.placement_id == Placement.id)
        .outerjoin(Opportunity, Opportunity.id == InternshipRequest.opportunity_id)
        .where(Placement.school_id == school.id)
        .group_by(key)
    )
    return {k: int(n) for k, n in rows}


def supply_and_demand(session: Session, school_id: int) -> list[FieldRow]:
    """One row per field seen in any of the figures, the biggest gap first, then by field."""
    school = session.get_one(School, school_id)
    supply, wishing = _supply(session, school), _wishing(session, school)
    requests, placed = _requests(session, school), _placed(session, school)
    keys = set(supply) | set(wishing) | set(requests) | set(placed)
    empty = [0, 0, 0]
    found = defaultdict(lambda: empty, supply)
    rows = [
        FieldRow(
            field=label(key),
            opportunities_own=found[key][0],
            opportunities_shared_in=found[key][1],
            open_places=found[key][2],
            students_wishing=wishing.get(key, 0),
            requests=requests.get(key, 0),
            placed=placed.get(key, 0),
        )
        for key in keys
    ]
    return sorted(rows, key=lambda r: (-r.gap, r.field))
