"""The request's state table and its locks.

Every move of a request is in `TRANSITIONS`, in one place; a move that is not there is refused
with a reason and changes nothing. Places are counted under a lock on the site (the per-site
pursuer limit spans its opportunities), then the opportunity, then the request: always in that
order, so two students racing for the last place or the site's last slot cannot both win it, and
two transactions never wait on each other in a circle.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow import audit
from workflow.errors import Refused
from workflow.models import InternshipRequest, Site


class State(enum.StrEnum):
    waiting = "waiting"  # beyond capacity or the site's pursuer limit: in line
    requested = "requested"  # waiting for the coordinator
    denied = "denied"
    pursuing = "pursuing"  # approved: the student has the mentor's contact and a window
    expired = "expired"  # the window ended before a start was requested
    start_requested = "start_requested"  # waiting for the advisor
    active = "active"  # the internship has started (a placement exists)
    withdrawn = "withdrawn"


class Event(enum.StrEnum):
    offer = "offer"  # a place freed up for a waiting request
    approve = "approve"
    deny = "deny"
    lapse = "lapse"
    ready = "ready"
    advisor_approve = "advisor_approve"
    advisor_deny = "advisor_deny"
    withdraw = "withdraw"


TRANSITIONS: dict[tuple[State, Event], State] = {
    (State.waiting, Event.offer): State.requested,
    (State.waiting, Event.withdraw): State.withdrawn,
    (State.requested, Event.approve): State.pursuing,
    (State.requested, Event.deny): State.denied,
    (State.requested, Event.withdraw): State.withdrawn,
    (State.pursuing, Event.ready): State.start_requested,
    (State.pursuing, Event.lapse): State.expired,
    (State.pursuing, Event.withdraw): State.withdrawn,
    (State.start_requested, Event.advisor_approve): State.active,
    (State.start_requested, Event.advisor_deny): State.pursuing,  # the student may ask again
    (State.start_requested, Event.withdraw): State.withdrawn,
}
OPEN = (State.waiting, State.requested, State.pursuing, State.start_requested)
HOLDING_A_PLACE = (State.requested, State.pursuing, State.start_requested, State.active)
PURSUING_THE_SITE = (State.requested, State.pursuing, State.start_requested)


def check(request: InternshipRequest, event: Event) -> State:
    """Where `event` would take the request; Refused (with the reason) if it may not happen."""
    state = State(request.status)
    target = TRANSITIONS.get((state, event))
    if target is None:
        raise Refused("bad_move", state=state.value, event=event.value)
    return target


def move(request: InternshipRequest, event: Event, now: datetime) -> State:
    target = check(request, event)
    request.status = target
    request.updated_at = now
    return target


def move_on_its_own(session: Session, request: InternshipRequest, event: Event, action: str, now: datetime) -> State:
    """A move nobody asked for (a scheduled job, a freed place): made and audited as the system's,
    in the request's school."""
    target = move(request, event, now)
    audit.record(
        session,
        action=action,
        channel="system",
        now=now,
        object_type="request",
        object_id=request.id,
        school_id=request.school_id,
    )
    return target


def lock_site(session: Session, site_id: int) -> None:
    """Hold the site row until commit (SELECT ... FOR UPDATE on Postgres; on SQLite, BEGIN
    IMMEDIATE already lets one writer at a time). Take it before the opportunity or request rows."""
    session.execute(select(Site.id).where(Site.id == site_id).with_for_update())


def hold(session: Session, request: InternshipRequest) -> None:
    """Lock the request's site, then re-read the request under it, so its state is the current one
    (a decision by link and by reply at once cannot both move it)."""
    lock_site(session, request.opportunity.site_id)
    session.refresh(request, with_for_update=True)
