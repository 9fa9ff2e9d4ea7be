"""A school shares an opportunity with its region, or takes it back (a coordinator, on the dashboard).

Shared, the region's other schools' students can find it and ask for it; the owning school's
coordinator decides those requests (`workflow.requests.asking.deciding_school`). Taken back, no new
student of another school can ask for it; requests already made go on as before.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow import audit
from workflow.errors import Refused
from workflow.models import Opportunity, School
from workflow.notifications import Happened, Result
from workflow.oversight.viewer import Viewer, acting_person, require_coordinator


def own_opportunities(session: Session, viewer: Viewer) -> list[Opportunity]:
    """The school's active opportunities, by field and title."""
    return list(
        session.scalars(
            select(Opportunity)
            .where(Opportunity.school_id == viewer.school_id, Opportunity.active.is_(True))
            .order_by(Opportunity.field, Opportunity.title, Opportunity.id)
        )
    )


def shared_in(session: Session, viewer: Viewer) -> list[Opportunity]:
    """The region's other schools' active opportunities shared with it."""
    school = session.get_one(School, viewer.school_id)
    if not school.region:
        return []
    return list(
        session.scalars(
            select(Opportunity)
            .join(School, School.id == Opportunity.school_id)
            .where(
                School.region == school.region,
                Opportunity.school_id != school.id,
                Opportunity.shared_with_region.is_(True),
                Opportunity.active.is_(True),
            )
            .order_by(Opportunity.field, Opportunity.title, Opportunity.id)
        )
    )


def set_shared(
    session: Session, viewer: Viewer, opportunity_id: int, shared: bool, reason: str, now: datetime
) -> Result:
    """Share (`shared`) or take back. Refused: not_found (missing or another school's),
    coordinator_only, no_region (the school is in no region)."""
    opportunity = session.get(Opportunity, opportunity_id, with_for_update=True)
    if opportunity is None or opportunity.school_id != viewer.school_id:
        raise Refused("not_found")
    require_coordinator(viewer)
    if shared and not opportunity.school.region:
        raise Refused("no_region")
    was = opportunity.shared_with_region
    opportunity.shared_with_region = shared
    if was != shared:
        audit.record(
            session,
            action="opportunity.shared" if shared else "opportunity.unshared",
            channel="dashboard",
            now=now,
            actor=acting_person(session, viewer),
            object_type="opportunity",
            object_id=opportunity.id,
            region=opportunity.school.region,
            reason=reason.strip()[:2000] or None,
        )
    verb = "shared" if shared else "taken back"
    return Result([], summary=f"opportunity {opportunity.id} {verb}", happened=Happened.sharing_changed)
