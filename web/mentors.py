"""A mentor's page (`GET /dashboard/mentors/{mentor_id}`, from `workflow.oversight.mentor`): their
students, how they answer, the feedback they gave and their compliance documents; and adding or
renewing a document (`POST /dashboard/mentors/{mentor_id}/documents`, a coordinator's, with the
CSRF token, audited by `workflow.compliance.save_document`). Another school's mentor is a 404."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from starlette.exceptions import HTTPException

from messaging import context
from web import fixing, staff_session
from web.dashboard import staff_page
from web.fixing import BadInput
from web.paths import Id
from web.staff import SignedIn, SignedInWithCsrf, Staff
from workflow import compliance
from workflow.errors import Refused
from workflow.oversight.mentor import mentor_for, mentor_record
from workflow.oversight.viewer import acting_person, require_coordinator

router = APIRouter(include_in_schema=False)
FIELDS = ("kind", "status", "expires_on", "note")


def mentor_page(
    staff: Staff,
    mentor_id: int,
    *,
    code: int = 200,
    note: str | None = None,
    error: str | None = None,
    entered: dict[str, str] | None = None,
) -> Response:
    """The page (404 outside the staff member's scope); `error` and `entered` refill the add form."""
    with context.current().sessions() as session:
        record = mentor_record(session, fixing.viewer(staff), mentor_id, staff_session.now())
    if record is None:
        raise HTTPException(status_code=404)
    return staff_page(
        "staff_mentor",
        staff,
        "mentors",
        code,
        record=record,
        zone=fixing.zone(staff),
        note=note,
        error=error,
        entered=entered or {"kind": "", "status": "valid", "expires_on": "", "note": ""},
        statuses=compliance.STATUSES,
    )


@router.get("/dashboard/mentors/{mentor_id}")
def mentor(staff: SignedIn, request: Request, mentor_id: Id) -> Response:
    return mentor_page(staff, mentor_id, note=fixing.done(request.query_params))


def _expiry(text: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadInput("bad_expiry") from None


@router.post("/dashboard/mentors/{mentor_id}/documents")
async def save(staff: SignedInWithCsrf, request: Request, mentor_id: Id) -> Response:
    """Add the mentor's document of a kind, or renew the one on file."""
    form = await request.form()
    entered = {k: fixing.text(form, k).strip() for k in FIELDS}
    now = staff_session.now()
    try:
        with context.current().sessions.begin() as session:
            viewer = fixing.viewer(staff)
            found = mentor_for(session, viewer, mentor_id)
            if found is None:
                raise HTTPException(status_code=404)
            require_coordinator(viewer)
            before = {d.kind for d in compliance.documents_of(session, found)}
            document = compliance.save_document(
                session,
                acting_person(session, viewer),
                found,
                kind=entered["kind"],
                status=entered["status"],
                expires_on=_expiry(entered["expires_on"]),
                note=entered["note"],
                now=now,
            )
            done = "document_renewed" if document.kind in before else "document_added"
    except (Refused, BadInput) as error:
        shown = fixing.problem(error)
        return mentor_page(staff, mentor_id, code=shown.status, error=shown.message, entered=entered)
    return RedirectResponse(f"/dashboard/mentors/{mentor_id}?done={done}#documents", status_code=303)
