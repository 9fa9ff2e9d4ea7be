"""The region admin's pages (sign-in as coordinators do; `web.region_staff`), counts only, never a
student's name:

- `GET /region`: the region overview, its schools side by side (`workflow.region.overview`);
- `GET /region/network`: the network story, the region's and the whole network's
  (`workflow.region.network`; JSON at `GET /api/v1/reports/network`);
- `POST /region/sign-out`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from messaging import context, rendering
from web import grouped_bars, report_period, staff_session
from web.region_staff import RegionAdmin, RegionAdminWithCsrf, SignedInRegionAdmin
from web.sign_in import signed_out
from workflow.region.network import COLUMNS, network_story
from workflow.region.overview import Overview, overview, totals

router = APIRouter(include_in_schema=False)


def region_page(name: str, admin: RegionAdmin, here: str, **values: Any) -> HTMLResponse:
    html = rendering.render_page(name, {"school": None, "person": None, "admin": admin, "here": here, **values})
    return HTMLResponse(html)


def today() -> date:
    return staff_session.now().date()


def fields_chart(found: Overview) -> grouped_bars.Chart:
    """Opportunities by field, one bar per school (the "two schools, two maps" picture)."""
    names = [s.name for s in found.schools]
    groups = [(f, [s.by_field.get(f, 0) for s in found.schools]) for f in found.fields]
    return grouped_bars.grouped_bars("Opportunities by field, per school", names, groups)


@router.get("/region")
def region_overview(admin: SignedInRegionAdmin) -> Response:
    with context.current().sessions() as session:
        found = overview(session, admin.region)
    return region_page(
        "region_overview", admin, "overview", found=found, totals=totals(found), chart=fields_chart(found)
    )


@router.get("/region/network")
def region_network(admin: SignedInRegionAdmin, request: Request) -> Response:
    """The page, or with `?format=csv` (or json) the same rows as a file (`relay report network`)."""
    with context.current().sessions() as session:
        rows = network_story(session, today(), region=admin.region)
    fmt = report_period.wanted_format(request.query_params)
    if fmt:
        return report_period.download("network-story", [row.as_dict() for row in rows], COLUMNS, fmt)
    return region_page("region_network", admin, "network", rows=rows, today=today())


@router.post("/region/sign-out")
def sign_out(admin: RegionAdminWithCsrf) -> Response:
    return signed_out(admin.session_id, admin.person)
