"""Fixing the record, one day or several (`/dashboard/days/...`):

- `GET /dashboard/days?status=pending|disputed|no_checkout`: the days waiting for the mentor, the
  disputed ones, those Relay closed without a check-out; tick several, give one reason, "Confirm
  selected" (`POST /dashboard/days/confirm`, `workflow.oversight.confirm_days`, all or nothing);
- `GET /dashboard/days/{day_id}`: one day with its history, and the fix-the-record form
  (`POST /dashboard/days/{day_id}/resolve`, `workflow.oversight.resolve_day`): confirm on the
  mentor's behalf or mark missed, adjusting the times (local HH:MM) with a reason.

The domain checks and audits (channel "dashboard"); the student's text about a settled dispute is
queued in the same transaction. A refusal shows its words with the entered values kept.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy import and_, or_
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException

from messaging import context, outbox
from web import fixing, staff_session
from web.dashboard import staff_page
from web.fixing import BadInput
from web.paths import Id
from web.staff import SignedIn, SignedInWithCsrf, Staff
from workflow.errors import Refused
from workflow.models import DayStatus, InternshipDay
from workflow.oversight import confirm_days, day_for, resolve_day
from workflow.oversight.attention_days import DayItem, day_item, day_items
from workflow.oversight.student import corrections_of
from workflow.oversight.viewer import placement_scope

router = APIRouter(include_in_schema=False)
LISTS = ("disputed", "pending", "no_checkout")
MOST = 500  # a list longer than this is shown in part (oldest first)


def _condition(status: str) -> Any:
    if status == "pending":
        return InternshipDay.status == DayStatus.pending
    if status == "no_checkout":
        not_settled = or_(InternshipDay.confirmed_via.is_(None), InternshipDay.confirmed_via != "dashboard")
        return and_(InternshipDay.no_checkout.is_(True), not_settled)
    return InternshipDay.status == DayStatus.disputed


def waiting_days(session: Session, staff: Staff, status: str) -> list[DayItem]:
    """The days of one list the staff member may see, oldest first."""
    query = day_items(placement_scope(fixing.viewer(staff)), _condition(status))
    rows = session.execute(query.order_by(InternshipDay.date, InternshipDay.id).limit(MOST)).all()
    return [day_item(row) for row in rows]


def _list_page(
    staff: Staff,
    status: str,
    *,
    code: int = 200,
    error: str | None = None,
    note: str | None = None,
    chosen: list[int] | None = None,
    reason: str = "",
) -> Response:
    with context.current().sessions() as session:
        days = waiting_days(session, staff, status)
    return staff_page(
        "staff_days",
        staff,
        "days",
        code,
        showing=status,
        lists=LISTS,
        days=days,
        zone=fixing.zone(staff),
        error=error,
        note=note,
        chosen=chosen or [],
        reason=reason,
    )


@router.get("/dashboard/days")
def day_list(staff: SignedIn, request: Request, status: str = "disputed") -> Response:
    return _list_page(staff, status if status in LISTS else "disputed", note=fixing.done(request.query_params))


@router.post("/dashboard/days/confirm")
async def confirm_selected(staff: SignedInWithCsrf, request: Request) -> Response:
    form = await request.form()
    chosen, reason = fixing.ids(form, "day_id"), fixing.text(form, "reason")
    status = fixing.text(form, "status")
    status = status if status in LISTS else "disputed"
    now = staff_session.now()
    try:
        with context.current().sessions.begin() as session:
            result = confirm_days(session, fixing.viewer(staff), chosen, reason, now)
            outbox.queue(session, result.notifications, now=now)
    except Refused as refused:
        shown = fixing.problem(refused)
        return _list_page(staff, status, code=shown.status, error=shown.message, chosen=chosen, reason=reason)
    return RedirectResponse(
        f"/dashboard/days?status={status}&done=days_confirmed&n={len(set(chosen))}", status_code=303
    )


def day_page(
    staff: Staff,
    day_id: int,
    *,
    code: int = 200,
    error: str | None = None,
    note: str | None = None,
    entered: dict[str, str] | None = None,
) -> Response:
    """The day's page (404 outside the staff member's scope), with the form filled from `entered`
    (after a refusal) or from the day."""
    where = fixing.zone(staff)
    with context.current().sessions() as session:
        day = day_for(session, fixing.viewer(staff), day_id)
        if day is None:
            raise HTTPException(status_code=404)
        form = entered or {
            # Nothing chosen for a day still open (disputed, waiting): the coordinator decides.
            "status": day.status if day.status in (DayStatus.missed, DayStatus.confirmed) else "",
            "check_in": fixing.hhmm(day.check_in_at, where),
            "check_out": fixing.hhmm(day.check_out_at, where),
            "reason": "",
        }
        corrections = corrections_of(session, [day.id]).get(day.id, [])
        return staff_page(
            "staff_day",
            staff,
            "days",
            code,
            day=day,
            placement=day.placement,
            zone=where,
            corrections=[(c, fixing.who(c.by)) for c in corrections],
            form=form,
            error=error,
            note=note,
        )


@router.get("/dashboard/days/{day_id}")
def day(staff: SignedIn, request: Request, day_id: Id) -> Response:
    return day_page(staff, day_id, note=fixing.done(request.query_params))


@router.post("/dashboard/days/{day_id}/resolve")
async def resolve(staff: SignedInWithCsrf, request: Request, day_id: Id) -> Response:
    form = await request.form()
    entered = {k: fixing.text(form, k) for k in ("status", "check_in", "check_out", "reason")}
    where, now = fixing.zone(staff), staff_session.now()
    try:
        with context.current().sessions.begin() as session:
            day = day_for(session, fixing.viewer(staff), day_id)
            if day is None:
                raise HTTPException(status_code=404)
            check_in = fixing.moment(day.date, entered["check_in"], where)
            check_out = fixing.moment(day.date, entered["check_out"], where)
            result = resolve_day(
                session,
                fixing.viewer(staff),
                day_id,
                status=entered["status"],  # type: ignore[arg-type]  # the domain refuses anything else
                # a time left as the page showed it is kept to the second
                check_in_at=None if entered["check_in"] == fixing.hhmm(day.check_in_at, where) else check_in,
                check_out_at=None if entered["check_out"] == fixing.hhmm(day.check_out_at, where) else check_out,
                reason=entered["reason"],
                now=now,
            )
            outbox.queue(session, result.notifications, now=now)
    except (Refused, BadInput) as error:
        shown = fixing.problem(error)
        return day_page(staff, day_id, code=shown.status, error=shown.message, entered=entered)
    done = "confirmed" if entered["status"] == "confirmed" else "missed"
    return RedirectResponse(f"/dashboard/days/{day_id}?done={done}", status_code=303)
