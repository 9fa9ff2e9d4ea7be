"""The region, as a coordinator sees it:

- `GET /dashboard/opportunities`: the school's opportunities, each shared with the region or not,
  with a button to share it or take it back (`POST /dashboard/opportunities/{opportunity_id}/share`,
  field `shared` yes or no; CSRF, audited), and those the region's other schools share in;
- `GET /dashboard/supply-demand`: supply and demand by field (the equity view), a chart and a table
  of the same numbers (`workflow.region.supply_demand`); its JSON is `GET /api/v1/reports/supply-demand`.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from messaging import context
from web import fixing, grouped_bars, staff_session
from web.dashboard import staff_page
from web.fixing import BadInput
from web.paths import Id
from web.staff import SignedIn, SignedInWithCsrf, Staff
from workflow.errors import Refused
from workflow.models import School
from workflow.region import sharing
from workflow.region.supply_demand import FieldRow, supply_and_demand

router = APIRouter(include_in_schema=False)
SERIES = ("Students who want it", "Open places", "Students placed")


def _opportunities_page(
    staff: Staff, *, code: int = 200, error: str | None = None, note: str | None = None
) -> Response:
    viewer = fixing.viewer(staff)
    with context.current().sessions() as session:
        region = session.get_one(School, staff.school_id).region
        return staff_page(
            "staff_opportunities",
            staff,
            "opportunities",
            code,
            own=sharing.own_opportunities(session, viewer),
            shared_in=sharing.shared_in(session, viewer),
            region=region,
            error=error,
            note=note,
        )


@router.get("/dashboard/opportunities")
def opportunities(staff: SignedIn, request: Request) -> Response:
    return _opportunities_page(staff, note=fixing.done(request.query_params))


@router.post("/dashboard/opportunities/{opportunity_id}/share")
async def share(staff: SignedInWithCsrf, request: Request, opportunity_id: Id) -> Response:
    form = await request.form()
    choice = fixing.text(form, "shared")
    try:
        if choice not in ("yes", "no"):
            raise BadInput("pick_sharing")
        now = staff_session.now()
        with context.current().sessions.begin() as session:
            sharing.set_shared(session, fixing.viewer(staff), opportunity_id, choice == "yes", "", now)
    except (Refused, BadInput) as error:
        shown = fixing.problem(error)
        return _opportunities_page(staff, code=shown.status, error=shown.message)
    done = "shared" if choice == "yes" else "unshared"
    return RedirectResponse(f"/dashboard/opportunities?done={done}#opportunity-{opportunity_id}", status_code=303)


def chart(rows: list[FieldRow]) -> grouped_bars.Chart:
    groups = [(r.field, [r.students_wishing, r.open_places, r.placed]) for r in rows]
    return grouped_bars.grouped_bars(
        "Students who want each field, its open places and students placed", SERIES, groups
    )


@router.get("/dashboard/supply-demand")
def supply_demand(staff: SignedIn) -> Response:
    with context.current().sessions() as session:
        rows = supply_and_demand(session, staff.school_id)
        region = session.get_one(School, staff.school_id).region
    return staff_page("staff_supply_demand", staff, "supply_demand", rows=rows, chart=chart(rows), region=region)
