"""Signed links: `GET /l/<token>` shows what will happen and a form; only `POST` acts.

Mail scanners (Safe Links, Proofpoint, Mimecast) open every link and some submit forms, so GET
and HEAD never change anything, and the form has no pre-selected choice: a form submitted
blindly decides nothing. A token acts once (an atomic update of its row); using it again shows
what was already decided. A tampered, unknown or expired link gets a friendly page saying what
to do next.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from messaging import context, outbox, rendering, short_links, tokens
from messaging.inbound.doors.store import clean
from messaging.inbound.handling.actions import attendance, evaluations, placements
from messaging.inbound.handling.incoming import LinkAction
from messaging.models import ActionToken
from messaging.tokens import Purpose
from workflow.base import utcnow
from workflow.models import Person, School

router = APIRouter()
MAX_COMMENT_CHARS = 4000


LINK_ACTIONS: dict[Purpose, LinkAction] = {
    Purpose.attendance_confirm: attendance.ConfirmDay(),
    Purpose.checkin_location: attendance.ShareLocation(),
    Purpose.request_decide: placements.DecideRequest(),
    Purpose.start_decide: placements.DecideStart(),
    Purpose.student_pages: placements.OpenStudentPages(),
    Purpose.evaluation: evaluations.Evaluate(),
}


def _page(name: str, status: int = 200, **values: Any) -> HTMLResponse:
    values = {"school": None, "person": None, **values}
    return HTMLResponse(rendering.render_page(name, values), status_code=status)


@dataclass
class _Open:
    """A link that may still be acted on: its signature holds, it is unused and in date."""

    claims: tokens.TokenClaims
    row: ActionToken
    action: LinkAction
    person: Person | None
    school: School | None


def _open(session: Session, token: str, now: datetime) -> _Open | HTMLResponse:
    """The link behind a token, or the friendly page that says why it cannot be used."""
    try:
        claims, row = tokens.load(session, token, context.current().config.signing_keys)
    except tokens.BadToken:
        return _page("link_invalid", 404)
    action = LINK_ACTIONS.get(claims.purpose)
    if action is None:
        return _page("link_invalid", 404)
    person = session.get(Person, row.person_id) if row.person_id else None
    school = session.get(School, person.school_id) if person else None
    if row.used_at is not None:
        return _page("link_used", school=school, outcome=row.outcome, used_at=row.used_at)
    if claims.expired(now):
        return _page("link_expired", 410, school=school, person=person)
    return _Open(claims, row, action, person, school)


def _show(token: str) -> HTMLResponse:
    now = utcnow()
    with context.current().sessions() as session:
        found = _open(session, token, now)
        if isinstance(found, HTMLResponse):
            return found
        view = found.action.describe(session, found.row, found.person, now)
        return _page(view.template, school=found.school, person=found.person, view=view, error=None, **view.extra)


def _act(token: str, form: dict[str, str]) -> Response:
    now = utcnow()
    with context.current().sessions.begin() as session:
        found = _open(session, token, now)
        if isinstance(found, HTMLResponse):
            return found
        view = found.action.describe(session, found.row, found.person, now)
        choice = form.get("choice", "")
        if view.choices and choice not in {value for value, _ in view.choices}:
            return _page(
                view.template,
                400,
                school=found.school,
                person=found.person,
                view=view,
                error=rendering.render_copy("form_errors", "no_choice", {}),
                **view.extra,
            )
        problem = getattr(found.action, "form_problem", None)
        error = problem(form) if problem else None
        if error:  # before the link is used: it stays usable for another try, with what was entered
            return _page(
                view.template,
                400,
                school=found.school,
                person=found.person,
                view=view,
                error=error,
                entered=form,
                **view.extra,
            )
        reusable = getattr(found.action, "reusable", False)
        if not reusable and not tokens.use(session, found.row, via="link", outcome="(in progress)", now=now):
            return _page("link_used", school=found.school, outcome=found.row.outcome, used_at=found.row.used_at)
        result = found.action.act(session, found.row, found.person, form, now)
        if result.usable_again:  # nothing was done: the same link may be used once it can be
            found.row.used_at, found.row.used_via, found.row.outcome = None, None, None
        elif not reusable:
            found.row.outcome = result.outcome[:500]
        outbox.queue(session, result.notifications, now=now)
    if result.redirect:
        response: Response = RedirectResponse(result.redirect, status_code=303)
    else:
        response = _page(
            "link_done", school=found.school, person=found.person, outcome=result.outcome, again=result.usable_again
        )
    for name, value in result.cookies.items():
        response.set_cookie(
            name,
            value,
            httponly=True,
            samesite="lax",
            secure=context.current().config.public_base_url.startswith("https"),
        )
    return response


def _short(code: str) -> Response:
    with context.current().sessions() as session:
        token = short_links.token_for(session, code, utcnow())
    if token is None:
        return _page("link_invalid", 404)
    return RedirectResponse(outbox.link_url(token, ""), status_code=303)


@router.api_route("/t/{code}", methods=["GET", "HEAD"], include_in_schema=False)
async def short(code: str) -> Response:
    """A text's short link: on to the signed link it stands for (which only shows; POST acts)."""
    return await run_in_threadpool(_short, code)


@router.api_route("/l/{token}", methods=["GET", "HEAD"], include_in_schema=False)
async def show(token: str) -> Response:
    return await run_in_threadpool(_show, token)


@router.post("/l/{token}", include_in_schema=False)
async def act(token: str, request: Request) -> Response:
    form = await request.form()  # at most web.body_limit.PUBLIC_FORM_BYTES
    values = {key: clean(str(value)[:MAX_COMMENT_CHARS]) for key, value in form.multi_items()}
    return await run_in_threadpool(_act, token, values)
