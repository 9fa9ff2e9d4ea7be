"""The region's figures as JSON, under `/api/v1/reports` (documented at `/docs`):

- `GET supply-demand`: supply and demand by field for the signed-in staff member's school (cookie
  or bearer token, like the rest of `/api/v1`);
- `GET network`: the network story, for region admins only (their session cookie): their region's
  row, then the whole network's. Anyone else signed in gets 403; nobody signed in, 401.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Security
from pydantic import BaseModel, Field

from messaging import context
from web import staff_session
from web.api import ERRORS, PREFIX, ApiError, bearer
from web.region_staff import RegionAdmin, region_admin_of
from web.staff import SignedIn, SignInRequired, staff_of
from workflow.region.network import network_story
from workflow.region.supply_demand import supply_and_demand

router = APIRouter(prefix=f"{PREFIX}/reports", tags=["reports"], dependencies=[Security(bearer)], responses=ERRORS)


class SupplyDemandOut(BaseModel):
    field: str = Field(description='the field, trimmed and lowercased ("(no field)" for none)')
    opportunities_own: int = Field(description="the school's active opportunities")
    opportunities_shared_in: int = Field(description="other schools' of the region, shared with it")
    open_places: int = Field(description="capacity less places held, over both")
    students_wishing: int = Field(description="the school's students with the field on their wishlist or survey")
    requests: int = Field(description="the school's students' requests for the field, any outcome")
    placed: int = Field(description="the school's students placed in the field")


class NetworkOut(BaseModel):
    region: str = Field(description='the region, or "All regions" for the whole network')
    students_with_days: int = Field(description="students with at least one day checked in or confirmed")
    internships_started: int
    internships_completed: int
    median_weeks: float | None = Field(description="median length of the internships started, in weeks")
    confirmed_hours: float
    attendance_rate: float | None = Field(description="days attended over days scheduled up to today (0 to 1)")
    feedback: int = Field(description="days with a comment from the mentor")


@router.get("/supply-demand", response_model=list[SupplyDemandOut])
def supply_demand(staff: SignedIn) -> list[SupplyDemandOut]:
    """One object per field, the biggest gap (students wishing less open places) first."""
    with context.current().sessions() as session:
        rows = supply_and_demand(session, staff.school_id)
    return [SupplyDemandOut(**row.as_dict()) for row in rows]


def _region_admin(request: Request) -> RegionAdmin:
    cookie = request.cookies.get(staff_session.COOKIE)
    with context.current().sessions.begin() as session:
        admin = region_admin_of(session, cookie)
        other = staff_of(session, cookie) if admin is None else None
    if admin is not None:
        return admin
    if other is not None or request.headers.get("authorization"):
        raise ApiError(403, "region_admins_only")
    raise SignInRequired("session")


@router.get("/network", response_model=list[NetworkOut])
def network(request: Request) -> list[NetworkOut]:
    """The region admin's region, then the whole network (counts only, no names)."""
    admin = _region_admin(request)
    with context.current().sessions() as session:
        rows = network_story(session, staff_session.now().date(), region=admin.region)
    return [NetworkOut(**row.as_dict()) for row in rows]
