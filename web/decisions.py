"""Deciding requests and starts from the dashboard, through the same state machines and messages as
a reply or a link (`workflow.oversight.decide_requests`, via "dashboard"):

- `GET /dashboard/requests`: the requests and starts waiting for a decision (age, who else pursues
  the site; other schools' students only as a count); tick several, one reason, "Approve selected"
  or "Deny selected" (`POST /dashboard/requests/decide`, all or nothing);
- `GET /dashboard/requests/{request_id}`: one request with its history, and approve or deny
  (`POST /dashboard/requests/{request_id}/decide`). Advisors decide only their advisees' starts.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from starlette.exceptions import HTTPException

from messaging import context, outbox
from web import fixing, staff_session
from web.dashboard import staff_page
from web.fixing import BadInput
from web.paths import Id
from web.staff import SignedIn, SignedInWithCsrf, Staff
from workflow.errors import Refused
from workflow.models import AuditEntry
from workflow.notifications import Happened
from workflow.oversight import decide_requests, request_for
from workflow.oversight.attention import decisions
from workflow.requests.queries import who_else
from workflow.requests.states import State

router = APIRouter(include_in_schema=False)
WAITING = (State.requested, State.start_requested)


def _list_page(
    staff: Staff,
    *,
    code: int = 200,
    error: str | None = None,
    note: str | None = None,
    chosen: list[int] | None = None,
    reason: str = "",
) -> Response:
    now = staff_session.now()
    with context.current().sessions() as session:
        waiting = decisions(session, fixing.viewer(staff), now)  # all of them, oldest first
    return staff_page(
        "staff_requests",
        staff,
        "requests",
        code,
        decisions=waiting,
        zone=fixing.zone(staff),
        error=error,
        note=note,
        chosen=chosen or [],
        reason=reason,
    )


@router.get("/dashboard/requests")
def waiting(staff: SignedIn, request: Request) -> Response:
    return _list_page(staff, note=fixing.done(request.query_params))


def _decide(staff: Staff, chosen: list[int], decision: str, reason: str) -> int:
    """Approve or deny; Refused (nothing changed) or done, with the messages queued. Returns how
    many approved starts were blocked by their mentor's documents (they are still waiting)."""
    if decision not in ("approve", "deny"):
        raise BadInput("pick_decision")
    now = staff_session.now()
    with context.current().sessions.begin() as session:
        result = decide_requests(session, fixing.viewer(staff), chosen, decision == "approve", reason, now)
        outbox.queue(session, result.notifications, now=now)
        return result.summary.count(f": {Happened.start_blocked}")


def _done(decision: str, count: int, blocked: int = 0) -> str:
    if blocked:
        return f"done=blocked&n={blocked}"
    return f"done={'approved' if decision == 'approve' else 'denied'}&n={count}"


@router.post("/dashboard/requests/decide")
async def decide_selected(staff: SignedInWithCsrf, request: Request) -> Response:
    form = await request.form()
    chosen, reason = fixing.ids(form, "request_id"), fixing.text(form, "reason")
    decision = fixing.text(form, "decision")
    try:
        blocked = _decide(staff, chosen, decision, reason)
    except (Refused, BadInput) as error:
        shown = fixing.problem(error)
        return _list_page(staff, code=shown.status, error=shown.message, chosen=chosen, reason=reason)
    return RedirectResponse(f"/dashboard/requests?{_done(decision, len(set(chosen)), blocked)}", status_code=303)


def request_page(
    staff: Staff,
    request_id: int,
    *,
    code: int = 200,
    error: str | None = None,
    note: str | None = None,
    reason: str = "",
) -> Response:
    """The request's page (404 outside the staff member's scope)."""
    viewer = fixing.viewer(staff)
    with context.current().sessions() as session:
        row = request_for(session, viewer, request_id)
        if row is None:
            raise HTTPException(status_code=404)
        others = who_else(session, row)  # other schools' students only as a count, shared site or not
        seen = [o for o in others if o.school_id == staff.school_id and request_for(session, viewer, o.id)]
        history = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.object_type == "request", AuditEntry.object_id == row.id)
            .order_by(AuditEntry.at, AuditEntry.id)
        ).all()
        ours = row.school_id == staff.school_id  # else: another school's student asking for our opportunity
        may_decide = row.status in WAITING and (staff.is_coordinator or row.status == State.start_requested)
        may_decide = may_decide and (row.opportunity.school_id if row.status == State.requested else row.school_id) == (
            staff.school_id
        )
        return staff_page(
            "staff_request",
            staff,
            "requests",
            code,
            request=row,
            opportunity=row.opportunity,
            ours=ours,
            student_school=None if ours else row.school.name,
            owner=None if row.opportunity.school_id == staff.school_id else row.opportunity.school.name,
            others=seen,
            others_elsewhere=len(others) - len(seen),
            history=[(entry, fixing.who(entry.actor)) for entry in history],
            may_decide=may_decide,
            zone=fixing.zone(staff),
            error=error,
            note=note,
            reason=reason,
        )


@router.get("/dashboard/requests/{request_id}")
def one(staff: SignedIn, request: Request, request_id: Id) -> Response:
    return request_page(staff, request_id, note=fixing.done(request.query_params))


@router.post("/dashboard/requests/{request_id}/decide")
async def decide_one(staff: SignedInWithCsrf, request: Request, request_id: Id) -> Response:
    form = await request.form()
    reason, decision = fixing.text(form, "reason"), fixing.text(form, "decision")
    try:
        blocked = _decide(staff, [request_id], decision, reason)
    except (Refused, BadInput) as error:
        shown = fixing.problem(error)
        return request_page(staff, request_id, code=shown.status, error=shown.message, reason=reason)
    return RedirectResponse(f"/dashboard/requests/{request_id}?{_done(decision, 1, blocked)}", status_code=303)
