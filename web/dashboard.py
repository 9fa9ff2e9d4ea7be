"""The coordinator's and advisor's workspace (`/dashboard`), behind sign-in, and `/`, which leads
staff to it. Its pages live in their own modules (Today in web/today.py, Needs attention in
web/attention.py); each takes its `Staff` from `web.staff` (`SignedIn` to read, `SignedInWithCsrf`
to change anything) and renders with `staff_page`, a template that extends `web/_staff.html`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from fastapi.responses import HTMLResponse

from messaging import rendering
from web.staff import Staff

router = APIRouter(include_in_schema=False)


def staff_page(name: str, staff: Staff, here: str, status: int = 200, **values: Any) -> HTMLResponse:
    """A page of the workspace: `web/<name>.html`, given the staff member (`staff`, with its
    `csrf_token` for forms) and which nav entry is current (`here`: today, attention)."""
    school = {"name": staff.school_name, "locale": "en"}
    html = rendering.render_page(name, {"school": school, "person": None, "staff": staff, "here": here, **values})
    return HTMLResponse(html, status_code=status)


@router.get("/")
def home() -> Response:
    return HTMLResponse(rendering.render_page("home", {"school": None, "person": None}))
