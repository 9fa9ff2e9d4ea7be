"""A student's pages (`/s/...`), opened from the link Relay texts on FIND or READY.

Search opportunities by field and words, save favourites, keep a wishlist of fields, ask for an
opportunity, suggest a new site, ask to start an approved one, and read their own record (every
day, their hours by week, their internships), which prints as a portfolio. Mobile first. Every change is
a POST carrying a form token tied to the session cookie; GET pages change nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from messaging import context, outbox, rendering, student_cookie
from messaging.inbound.doors.store import clean
from web import hours_chart, student_session
from web.paths import Id
from workflow import browsing, evaluations, requests
from workflow.attendance.days import local
from workflow.base import utcnow
from workflow.errors import Refused
from workflow.learning_record import learning_record
from workflow.models import InternshipRequest, Person, Role
from workflow.notifications import Happened, Result
from workflow.schedule_text import ScheduleTextError, parse_date, parse_days, parse_time

router = APIRouter(prefix="/s", include_in_schema=False)
STATUS_WORDS = {
    "waiting": "In line: you'll get a text when a place opens",
    "requested": "Waiting for your coordinator",
    "denied": "Not approved",
    "pursuing": "Approved: contact your mentor and set up your start",
    "expired": "Window ended",
    "start_requested": "Waiting for your advisor to approve your start",
    "active": "Started",
    "withdrawn": "Withdrawn",
}
Action = Callable[[Session, Person, dict[str, str], datetime], tuple[str, Result]]
START_FIELDS = ("days", "start_time", "end_time", "start_date", "end_date")  # kept when the form comes back


def _student(session: Session, cookie: str | None) -> Person | None:
    student_id = student_cookie.student_id(cookie)
    person = session.get(Person, student_id) if student_id else None
    return person if person is not None and person.role == Role.student and person.active else None


def _page(name: str, status: int = 200, **values: Any) -> HTMLResponse:
    return HTMLResponse(rendering.render_page(name, {"school": None, "person": None, **values}), status_code=status)


def _signed_out() -> HTMLResponse:
    return _page("s_signed_out", 401)


def _view(name: str, cookie: str | None, build: Callable[[Session, Person], dict[str, Any]], note: str) -> Response:
    with context.current().sessions() as session:
        student = _student(session, cookie)
        if student is None:
            return _signed_out()
        values = build(session, student)
        return _page(
            name,
            school=student.school,
            person=student,
            zone=student.school.zone,
            note=note,
            csrf=student_session.form_token(cookie or ""),
            status_words=STATUS_WORDS,
            **values,
        )


def _find(q: str, field: str) -> Callable[[Session, Person], dict[str, Any]]:
    def build(session: Session, student: Person) -> dict[str, Any]:
        everything = requests.visible_opportunities(session, student)
        results = requests.visible_opportunities(session, student, field=field, words=q)
        return {
            "results": results,
            "fields": sorted({o.field for o in everything if o.field}),
            "q": q,
            "field": field,
            "favourites": browsing.favourite_ids(session, student),
            "wishlist": browsing.wishlist(session, student),
        }

    return build


def _requests(kept: dict[str, str]) -> Callable[[Session, Person], dict[str, Any]]:
    def build(session: Session, student: Person) -> dict[str, Any]:
        return {
            "requests": requests.requests_of(session, student),
            "weekdays": ("Mon", "Tue", "Wed", "Thu", "Fri"),
            "kept": kept,
        }

    return build


def _act(cookie: str | None, form: dict[str, str], action: Action, back: str, keep: tuple[str, ...] = ()) -> Response:
    """Apply `action`; back to `back` with what happened. When it was refused, the fields named in
    `keep` go back too, so the form shows what the student entered."""
    now = utcnow()
    if not cookie or not student_session.form_token_ok(cookie, form.get("csrf", "")):
        return _signed_out()
    with context.current().sessions.begin() as session:
        student = _student(session, cookie)
        if student is None:
            return _signed_out()
        try:
            note, result = action(session, student, form, now)
        except Refused as refused:
            note, result = rendering.refusal(refused), Result(happened=Happened.refused)
        except ScheduleTextError as problem:
            note, result = str(problem), Result(happened=Happened.unreadable)
        outbox.queue(session, result.notifications, now=now)
    query = {"note": note}
    if result.happened in (Happened.refused, Happened.unreadable):
        query |= {key: form[key][:200] for key in keep if form.get(key)}
    separator = "&" if "?" in back else "?"
    return RedirectResponse(f"{back}{separator}{urlencode(query)}", status_code=303)


async def _form(request: Request) -> dict[str, str]:
    """The posted fields (at most web.body_limit.PUBLIC_FORM_BYTES)."""
    form = await request.form()
    values: dict[str, str] = {}
    for key, value in form.multi_items():
        text = clean(str(value)[:2000])  # no NUL: Postgres cannot hold it
        values[key] = f"{values[key]} {text}" if key in values else text
    return values


# -- pages -------------------------------------------------------------------------------------------


@router.get("/")
async def find_page(request: Request, q: str = "", field: str = "", note: str = "") -> Response:
    cookie = request.cookies.get(student_cookie.COOKIE)
    return await run_in_threadpool(_view, "s_find", cookie, _find(clean(q[:200]), clean(field[:100])), note[:300])


@router.get("/requests")
async def requests_page(request: Request, note: str = "") -> Response:
    """`again` and the start form's fields, when a start came back: the form shows them again."""
    kept = {key: request.query_params.get(key, "")[:200] for key in ("again", *START_FIELDS)}
    cookie = request.cookies.get(student_cookie.COOKIE)
    return await run_in_threadpool(_view, "s_requests", cookie, _requests(kept), note[:300])


@router.get("/suggest")
async def suggest_page(request: Request, note: str = "") -> Response:
    return await run_in_threadpool(
        _view, "s_suggest", request.cookies.get(student_cookie.COOKIE), lambda session, student: {}, note[:300]
    )


def _record(session: Session, student: Person) -> dict[str, Any]:
    today = local(utcnow(), student.school).date()
    learning = learning_record(session, student, today)
    answered = [e for e in evaluations.for_student(session, student.id) if e.status == "answered"]
    return {"learning": learning, "chart": hours_chart.chart(learning.weeks), "today": today, "evaluations": answered}


@router.get("/record")
async def record_page(request: Request) -> Response:
    """The student's own record, every day of it; prints as a portfolio (static/record.css)."""
    return await run_in_threadpool(_view, "s_record", request.cookies.get(student_cookie.COOKIE), _record, "")


# -- actions ------------------------------------------------------------------------------------------


def _note(block: str, **context: str) -> str:
    """What the page says after an action: `{% block <block> %}` of web/student_notes.txt."""
    return rendering.render_copy("student_notes", block, context)


def _favourite(opportunity_id: int) -> Action:
    def act(session: Session, student: Person, form: dict[str, str], now: datetime) -> tuple[str, Result]:
        saved = browsing.toggle_favourite(session, student, opportunity_id, now)
        return _note("favourite_saved" if saved else "favourite_removed"), Result(happened=Happened.noted)

    return act


def _request(opportunity_id: int) -> Action:
    def act(session: Session, student: Person, form: dict[str, str], now: datetime) -> tuple[str, Result]:
        result = requests.request_opportunity(session, student, opportunity_id, now)
        waiting = result.happened is Happened.request_waiting
        return _note("request_waiting" if waiting else "request_sent"), result

    return act


def _wish(session: Session, student: Person, form: dict[str, str], now: datetime) -> tuple[str, Result]:
    field = browsing.wish(session, student, form.get("field", ""), now)
    return _note("wish_added", field=field), Result(happened=Happened.noted)


def _unwish(session: Session, student: Person, form: dict[str, str], now: datetime) -> tuple[str, Result]:
    browsing.unwish(session, student, form.get("field", ""), now)
    return _note("wish_removed"), Result(happened=Happened.noted)


def _suggest(session: Session, student: Person, form: dict[str, str], now: datetime) -> tuple[str, Result]:
    accepted, result = requests.suggest(
        session,
        student,
        name=form.get("name", ""),
        address=form.get("address", ""),
        field=form.get("field", ""),
        contact=form.get("contact", ""),
        now=now,
    )
    return _note("suggestion_sent" if accepted else "suggestion_do_not_solicit"), result


def _mine(session: Session, student: Person, request_id: int) -> InternshipRequest:
    request = session.get(InternshipRequest, request_id)
    if request is None or request.student_id != student.id:
        raise Refused("not_yours")
    return request


def _start(request_id: int) -> Action:
    def act(session: Session, student: Person, form: dict[str, str], now: datetime) -> tuple[str, Result]:
        request = _mine(session, student, request_id)
        if not form.get("days", "").strip():
            return rendering.render_copy("form_errors", "no_days", {}), Result(happened=Happened.unreadable)
        result = requests.request_start(
            session,
            request,
            student,
            days=parse_days(form.get("days", "")),
            start=parse_time(form.get("start_time", "")),
            end=parse_time(form.get("end_time", "")),
            first=parse_date(form.get("start_date", "")),
            last=parse_date(form.get("end_date", "")),
            now=now,
        )
        return _note("start_sent"), result

    return act


def _withdraw(request_id: int) -> Action:
    def act(session: Session, student: Person, form: dict[str, str], now: datetime) -> tuple[str, Result]:
        result = requests.withdraw(session, _mine(session, student, request_id), student, now)
        return _note("withdrawn"), result

    return act


async def _post(request: Request, action: Action, back: str, keep: tuple[str, ...] = ()) -> Response:
    form = await _form(request)
    return await run_in_threadpool(_act, request.cookies.get(student_cookie.COOKIE), form, action, back, keep)


@router.post("/favourite/{opportunity_id}")
async def favourite(opportunity_id: Id, request: Request) -> Response:
    return await _post(request, _favourite(opportunity_id), "/s/")


@router.post("/request/{opportunity_id}")
async def ask(opportunity_id: Id, request: Request) -> Response:
    return await _post(request, _request(opportunity_id), "/s/")


@router.post("/wishlist")
async def add_wish(request: Request) -> Response:
    return await _post(request, _wish, "/s/")


@router.post("/wishlist/remove")
async def remove_wish(request: Request) -> Response:
    return await _post(request, _unwish, "/s/")


@router.post("/suggest")
async def suggest(request: Request) -> Response:
    return await _post(request, _suggest, "/s/suggest")


@router.post("/start/{request_id}")
async def start(request_id: Id, request: Request) -> Response:
    return await _post(request, _start(request_id), "/s/requests", ("again", *START_FIELDS))


@router.post("/withdraw/{request_id}")
async def withdraw(request_id: Id, request: Request) -> Response:
    return await _post(request, _withdraw(request_id), "/s/requests")
