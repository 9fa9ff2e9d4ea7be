"""A student's page (`GET /dashboard/students/{student_id}`, from `workflow.oversight.student_record`):
their placements (flagged when the mentor is not cleared), evaluations
(`workflow.evaluations.for_student`), every day (linking to the day's page), their requests with
their history, wishlist, favourites, confirmed hours; and
adding a day that was never texted (`POST /dashboard/placements/{placement_id}/days`,
`workflow.oversight.add_day`), which a coordinator does from the placement on this page."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from starlette.exceptions import HTTPException

from messaging import context, outbox
from web import fixing, staff_session
from web.dashboard import staff_page
from web.fixing import BadInput
from web.paths import Id
from web.staff import SignedIn, SignedInWithCsrf, Staff
from workflow import evaluations
from workflow.errors import Refused
from workflow.oversight import add_day, placement_for, student_record

router = APIRouter(include_in_schema=False)
ADD_FIELDS = ("date", "check_in", "check_out", "reason")


def student_page(
    staff: Staff,
    student_id: int,
    *,
    code: int = 200,
    note: str | None = None,
    adding: int | None = None,
    error: str | None = None,
    entered: dict[str, str] | None = None,
) -> Response:
    """The page (404 outside the staff member's scope); `adding` is the placement whose add-a-day
    form shows `error` and the values `entered`."""
    with context.current().sessions() as session:
        record = student_record(session, fixing.viewer(staff), student_id, staff_session.now())
        shown = evaluations.for_student(session, student_id) if record is not None else []
    if record is None:
        raise HTTPException(status_code=404)
    return staff_page(
        "staff_student",
        staff,
        "students",
        code,
        record=record,
        evaluations=shown,
        zone=fixing.zone(staff),
        note=note,
        adding=adding,
        error=error,
        entered=entered or dict.fromkeys(ADD_FIELDS, ""),
    )


@router.get("/dashboard/students/{student_id}")
def student(staff: SignedIn, request: Request, student_id: Id) -> Response:
    return student_page(staff, student_id, note=fixing.done(request.query_params))


@router.post("/dashboard/placements/{placement_id}/days")
async def add(staff: SignedInWithCsrf, request: Request, placement_id: Id) -> Response:
    form = await request.form()
    entered = {k: fixing.text(form, k) for k in ADD_FIELDS}
    where, now = fixing.zone(staff), staff_session.now()
    with context.current().sessions() as session:
        placement = placement_for(session, fixing.viewer(staff), placement_id)
        if placement is None:
            raise HTTPException(status_code=404)
        student_id = placement.student_id
    try:
        with context.current().sessions.begin() as session:
            on = fixing.a_date(entered["date"])
            check_in = fixing.moment(on, entered["check_in"], where)
            check_out = fixing.moment(on, entered["check_out"], where)
            if check_in is None or check_out is None:
                raise Refused("times_needed", date=f"{on:%a %b %-d}")
            result = add_day(
                session, fixing.viewer(staff), placement_id, on, check_in, check_out, entered["reason"], now
            )
            outbox.queue(session, result.notifications, now=now)
    except (Refused, BadInput) as error:
        shown = fixing.problem(error)
        return student_page(
            staff, student_id, code=shown.status, adding=placement_id, error=shown.message, entered=entered
        )
    return RedirectResponse(f"/dashboard/students/{student_id}?done=added", status_code=303)
