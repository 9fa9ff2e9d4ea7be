"""Signed links: `GET /l/<token>` shows what will happen and a form; only `POST` acts.

Mail scanners (Safe Links, Proofpoint, Mimecast) open every link and some submit forms, so GET
and HEAD never change anything, and the form has no pre-selected choice: a form submitted
blindly decides nothing. A token acts once (an atomic update of its row); using it again shows
what was already decided. A tampered, unknown or expired link gets a friendly page saying what
to do next.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from messaging import context, outbox, rendering, tokens
from messaging.inbound.actions import attendance, placements
from messaging.inbound.incoming import LinkAction
from messaging.models import ActionToken
from workflow.base import utcnow
from workflow.models import Person, School

router = APIRouter()
MAX_COMMENT_CHARS = 4000


LINK_ACTIONS: dict[str, LinkAction] = {
    "attendance.confirm": attendance.ConfirmDay(),
    "checkin.location": attendance.ShareLocation(),
    "request.decide": placements.DecideRequest(),
    "start.decide": placements.DecideStart(),
    "student.pages": placements.OpenStudentPages(),
}


def _page(name: str, status: int = 200, **values: Any) -> HTMLResponse:
    values = {"school": None, "person": None, **values}
    return HTMLResponse(rendering.render_page(name, values), status_code=status)


@dataclass
class _Found:
    claims: tokens.TokenClaims | None = None
    row: ActionToken | None = None
    action: LinkAction | None = None
    person: Person | None = None
    school: School | None = None


def _find(session: Session, token: str) -> _Found:
    cfg = context.current().config
    try:
        claims, row = tokens.load(session, token, cfg.signing_keys)
    except tokens.BadToken:
        return _Found()
    person = session.get(Person, row.person_id) if row.person_id else None
    school = session.get(School, person.school_id) if person else None
    return _Found(claims, row, LINK_ACTIONS.get(claims.purpose), person, school)


def _show(token: str) -> HTMLResponse:
    now = utcnow()
    with context.current().sessions() as session:
        found = _find(session, token)
        if found.row is None or found.action is None or found.claims is None:
            return _page("link_invalid", 404)
        if found.row.used_at is not None:
            return _page("link_used", school=found.school, outcome=found.row.outcome, used_at=found.row.used_at)
        if found.claims.expired(now):
            return _page("link_expired", 410, school=found.school, person=found.person)
        view = found.action.describe(session, found.row, found.person, now)
        return _page(view.template, school=found.school, person=found.person, view=view, error=None, **view.extra)


def _act(token: str, form: dict[str, str]) -> Response:
    now = utcnow()
    with context.current().sessions.begin() as session:
        found = _find(session, token)
        if found.row is None or found.action is None or found.claims is None:
            return _page("link_invalid", 404)
        if found.row.used_at is not None:
            return _page("link_used", school=found.school, outcome=found.row.outcome, used_at=found.row.used_at)
        if found.claims.expired(now):
            return _page("link_expired", 410, school=found.school, person=found.person)
        view = found.action.describe(session, found.row, found.person, now)
        choice = form.get("choice", "")
        if view.choices and choice not in {value for value, _ in view.choices}:
            return _page(
                view.template,
                400,
                school=found.school,
                person=found.person,
                view=view,
                error="Please choose one of the options first.",
                **view.extra,
            )
        reusable = getattr(found.action, "reusable", False)
        if not reusable and not tokens.use(session, found.row, via="link", outcome="(in progress)", now=now):
            return _page("link_used", school=found.school, outcome=found.row.outcome, used_at=found.row.used_at)
        result = found.action.act(session, found.row, found.person, form, now)
        if not reusable:
            found.row.outcome = result.outcome[:500]
        outbox.queue(session, result.notifications, now=now)
    if result.redirect:
        response: Response = RedirectResponse(result.redirect, status_code=303)
    else:
        response = _page("link_done", school=found.school, person=found.person, outcome=result.outcome)
    for name, value in result.cookies.items():
        response.set_cookie(
            name,
            value,
            httponly=True,
            samesite="lax",
            secure=context.current().config.public_base_url.startswith("https"),
        )
    return response


@router.api_route("/l/{token}", methods=["GET", "HEAD"], include_in_schema=False)
async def show(token: str) -> Response:
    return await run_in_threadpool(_show, token)


@router.post("/l/{token}", include_in_schema=False)
async def act(token: str, request: Request) -> Response:
    form = await request.form()
    values = {key: str(value)[:MAX_COMMENT_CHARS] for key, value in form.multi_items()}
    return await run_in_threadpool(_act, token, values)
