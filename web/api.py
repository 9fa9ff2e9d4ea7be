"""The JSON API, `/api/v1`: Today, the days (as `relay export attendance`, with ids), settling a day,
the students and their records, and Needs attention. Documented at `/docs`.

Authenticated like the dashboard (`web.staff`): the session cookie, then writes need the CSRF
token (header `X-CSRF-Token`), or `Authorization: Bearer <token>` (`web.api_tokens`), which needs
none. Every query is scoped by the signed-in person through `workflow.oversight`: another school's
id answers 404, exactly like a missing one, and changes nothing. Errors are JSON `{"detail": words,
"code": ...}` with the words of templates/web/api_errors.txt or refusals.txt.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, FastAPI, Query, Request, Response, Security
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPBearer
from sqlalchemy.orm import Session

from messaging import context, outbox, rendering
from web import staff_session
from web.api_models import (
    AttentionOut,
    DayOut,
    ErrorOut,
    MentorOut,
    OpportunityOut,
    ResolveIn,
    SiteOut,
    StudentHoursOut,
    StudentOut,
    StudentRecordOut,
    TodayDay,
    TodayOut,
)
from web.paths import Id
from web.staff import SignedIn, SignedInWithCsrf, Staff
from workflow import roster
from workflow.errors import Refused
from workflow.oversight import Viewer, listing, needs_attention, resolve_day, student_record, today
from workflow.oversight.attention import SHOWN
from workflow.reports import hours

PREFIX = "/api/v1"
MAX_DAYS = 366  # one school year and a bit at a time
PAGE_SIZE = 500  # days per page of GET /days by default
MAX_LIMIT = 5000  # at most, per page (and per list of /attention)
STATUS_OF = {"not_found": 404, "coordinator_only": 403, "not_staff": 403}
ERRORS: dict[int | str, dict[str, Any]] = {  # "4XX" also stands in for FastAPI's 422: ours is a 400
    400: {"model": ErrorOut, "description": "the request doesn't fit (what is wrong is in `detail`)"},
    401: {"model": ErrorOut, "description": "no session and no valid bearer token"},
    404: {"model": ErrorOut, "description": "missing, or not one of your school's"},
    "4XX": {"model": ErrorOut, "description": "any other refusal, in words (`detail`) and a `code`"},
}
bearer = HTTPBearer(auto_error=False, description="an API token from `relay api-token create EMAIL`")
router = APIRouter(prefix=PREFIX, tags=["v1"], dependencies=[Security(bearer)], responses=ERRORS)


class ApiError(Exception):
    def __init__(self, status: int, code: str, **values: Any) -> None:
        super().__init__(code)
        self.status, self.code, self.values = status, code, values


@contextmanager
def _work(staff: Staff) -> Iterator[tuple[Session, Viewer, ZoneInfo, datetime]]:
    """One transaction as the signed-in person: the session, their viewer, the school's zone, now.
    A refusal rolls it back and becomes a JSON error."""
    try:
        with context.current().sessions.begin() as session:
            viewer = Viewer(person_id=staff.person_id, role=staff.role, school_id=staff.school_id)
            yield session, viewer, ZoneInfo(staff.timezone), staff_session.now()
    except Refused as refused:
        raise ApiError(STATUS_OF.get(refused.reason, 400), refused.reason, words=rendering.refusal(refused)) from None


def _day(session: Session, viewer: Viewer, zone: ZoneInfo, day_id: int) -> DayOut:
    row = listing.day_row(session, viewer, day_id)
    if row is None:
        raise ApiError(404, "not_found")
    return DayOut.model_validate(row, context={"zone": zone})


@router.get("/today", response_model=TodayOut, summary="Today: every placement today and every check-in")
def get_today(staff: SignedIn) -> TodayOut:
    with _work(staff) as (session, viewer, zone, now):
        board = today(session, viewer, now)
    lines = [
        TodayDay.model_validate(
            {
                **{name: getattr(line, name) for name in TodayDay.model_fields if hasattr(line, name)},
                "student_id": line.student.id,
                "student_email": line.student.email,
                "mentor_email": line.mentor.email,
                "scheduled": {"start": line.scheduled_start, "end": line.scheduled_end}
                if line.scheduled_start and line.scheduled_end
                else None,
                "mentor_feedback": line.feedback,
            },
            context={"zone": zone},
        )
        for line in board.lines
    ]
    return TodayOut(date=board.date, days=lines)


NEXT_PAGE = {
    "Link": {
        "description": 'the next page, when there is one: `<URL>; rel="next"`, the same query with its `cursor`',
        "schema": {"type": "string"},
    }
}


@router.get(
    "/days",
    response_model=list[DayOut],
    summary="Internship days between two dates, a page at a time",
    responses={200: {"description": "the page's days, by date, then student, then id", "headers": NEXT_PAGE}},
)
def get_days(
    staff: SignedIn,
    request: Request,
    response: Response,
    since: Annotated[date, Query(alias="from", description="first date (YYYY-MM-DD), inclusive")],
    until: Annotated[date, Query(alias="to", description="last date (YYYY-MM-DD), inclusive")],
    student_email: Annotated[str | None, Query(description="only this student's days")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="days per page")] = PAGE_SIZE,
    cursor: Annotated[
        str | None, Query(max_length=500, description='where to go on: from the `Link: rel="next"` header')
    ] = None,
) -> list[DayOut]:
    """The days as `relay export attendance` has them, with their ids, `limit` at a time. While
    there are more, the answer has a `Link` header to the next page (RFC 8288, `rel="next"`);
    the last page has none. `relay export attendance` gives them all at once."""
    if until < since:
        raise ApiError(400, "dates_backwards")
    if until - since >= timedelta(days=MAX_DAYS):
        raise ApiError(400, "range_too_long", max_days=MAX_DAYS)
    after = _cursor(cursor) if cursor else None
    with _work(staff) as (session, viewer, zone, _):
        rows = listing.days_between(
            session, viewer, since, until, student_email=student_email, limit=limit + 1, after=after
        )
    if len(rows) > limit:
        rows = rows[:limit]
        following = request.url.include_query_params(cursor=_next_cursor(listing.after(rows[-1])))
        response.headers["Link"] = f'<{following.path}?{following.query}>; rel="next"'
    return [DayOut.model_validate(row, context={"zone": zone}) for row in rows]


def _next_cursor(after: listing.After) -> str:
    text = f"{after.date.isoformat()}|{after.id}|{after.student_email}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _cursor(cursor: str) -> listing.After:
    """The place a cursor points at, or a 400 (`bad_cursor`)."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        on, day_id, email = text.split("|", 2)
        return listing.After(date.fromisoformat(on), email, int(day_id))
    except ValueError:
        raise ApiError(400, "bad_cursor") from None


@router.get("/days/{day_id}", response_model=DayOut, summary="One internship day")
def get_day(staff: SignedIn, day_id: Id) -> DayOut:
    with _work(staff) as (session, viewer, zone, _):
        return _day(session, viewer, zone, day_id)


@router.post(
    "/days/{day_id}/resolve",
    response_model=DayOut,
    summary="Settle a day: confirm it on the mentor's behalf or mark it missed",
    responses={400: {"model": ErrorOut, "description": "no reason, or times that don't fit the day"}},
)
def resolve(staff: SignedInWithCsrf, day_id: Id, body: ResolveIn) -> DayOut:
    """A reason is required. Times not given are kept; a confirmed day needs both. Hours are
    recounted; the export then shows `confirmed_via: dashboard`; a student disputed on the day
    is texted."""
    with _work(staff) as (session, viewer, zone, now):
        result = resolve_day(
            session,
            viewer,
            day_id,
            status=body.status,
            check_in_at=_aware(body.check_in_at, zone),
            check_out_at=_aware(body.check_out_at, zone),
            reason=body.reason,
            now=now,
        )
        outbox.queue(session, result.notifications, now=now)
        return _day(session, viewer, zone, day_id)


def _aware(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    """A time as given, or, without an offset, the school's wall-clock time."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=zone)


@router.get("/students", response_model=list[StudentOut], summary="Your students (an advisor: advisees)")
def get_students(staff: SignedIn) -> list[StudentOut]:
    with _work(staff) as (session, viewer, _, _):
        rows = listing.students(session, viewer)
    return [StudentOut.model_validate(row) for row in rows]


@router.get("/students/{student_id}", response_model=StudentRecordOut, summary="A student's record")
def get_student(staff: SignedIn, student_id: Id) -> StudentRecordOut:
    with _work(staff) as (session, viewer, zone, _):
        record = student_record(session, viewer, student_id)
        if record is None:
            raise ApiError(404, "not_found")
    return StudentRecordOut.model_validate(record, context={"zone": zone})


Search = Annotated[str, Query(max_length=200, description="name, email, phone, field or site contains this")]
Show = Annotated[Literal["active", "inactive", "all"], Query(description="deactivated ones too, or only them")]


@router.get("/mentors", response_model=list[MentorOut], summary="Your school's mentors")
def get_mentors(staff: SignedIn, q: Search = "", show: Show = "active") -> list[MentorOut]:
    with _work(staff) as (session, viewer, _, _):
        rows = roster.mentor_rows(session, viewer.school_id, q, show)
    return [MentorOut.model_validate(row) for row in rows]


@router.get("/sites", response_model=list[SiteOut], summary="Your school's sites, with do-not-solicit")
def get_sites(staff: SignedIn, q: Search = "", show: Show = "active") -> list[SiteOut]:
    with _work(staff) as (session, viewer, _, _):
        return [SiteOut.model_validate(site) for site in roster.site_rows(session, viewer.school_id, q, show)]


@router.get("/opportunities", response_model=list[OpportunityOut], summary="Your school's opportunities")
def get_opportunities(staff: SignedIn, q: Search = "", show: Show = "active") -> list[OpportunityOut]:
    with _work(staff) as (session, viewer, _, _):
        rows = roster.opportunity_rows(session, viewer.school_id, q, show)
    return [OpportunityOut.model_validate(row) for row in rows]


@router.get("/attention", response_model=AttentionOut, summary="Needs attention: counts and the first of each list")
def get_attention(
    staff: SignedIn,
    limit: Annotated[
        int,
        Query(ge=1, le=MAX_LIMIT, description="how many items of each list (oldest or most urgent first)"),
    ] = SHOWN,
) -> AttentionOut:
    """`counts` are of the whole lists; each list holds its first `limit` items (for `unanswered`,
    the first `limit` mentors, each with all their days). The days themselves are all in
    `GET /days`."""
    with _work(staff) as (session, viewer, zone, now):
        attention = needs_attention(session, viewer, now, limit=limit)
    return AttentionOut.model_validate(attention, context={"zone": zone})


@router.get(
    "/reports/hours",
    response_model=list[StudentHoursOut],
    summary="Hours and attendance per student between two dates (the Reports page)",
)
def get_hours(
    staff: SignedIn,
    since: Annotated[date, Query(alias="from", description="first date (YYYY-MM-DD), inclusive")],
    until: Annotated[date, Query(alias="to", description="last date (YYYY-MM-DD), inclusive")],
) -> list[StudentHoursOut]:
    """One object per student placed in the period, by name. A scheduled day that is over with no
    check-in counts as missed (from the day the placement was entered in Relay); hours count once
    confirmed. The days themselves: `GET /days`, or `relay export attendance --from --to`."""
    if until < since:
        raise ApiError(400, "dates_backwards")
    if until - since >= timedelta(days=MAX_DAYS):
        raise ApiError(400, "range_too_long", max_days=MAX_DAYS)
    with _work(staff) as (session, viewer, zone, now):
        report = hours.hours_by_student(session, viewer, since, until, now.astimezone(zone).date())
    return [StudentHoursOut.model_validate(hours.student_record(line)) for line in report.students]


# -- the index and errors -------------------------------------------------------------------------

index = APIRouter(include_in_schema=False)


@index.get("/api")
@index.get("/api/")
def api_index() -> dict[str, Any]:
    """What is here, for someone who opens /api: the version's paths and where they are documented."""
    return {"versions": {"v1": PREFIX}, "docs": "/docs", "openapi": "/openapi.json"}


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    words = exc.values.pop("words", None) or rendering.render_copy("api_errors", exc.code, exc.values)
    return JSONResponse({"detail": words, "code": exc.code}, status_code=exc.status)


async def invalid_input(request: Request, exc: Exception) -> Response:
    """Under /api, a request that doesn't fit its shape is a 400 with the problems in words."""
    assert isinstance(exc, RequestValidationError)
    if not request.url.path.startswith("/api/"):
        return await request_validation_exception_handler(request, exc)
    problems = "; ".join(
        f"{'.'.join(str(p) for p in error['loc'] if p not in ('body', 'query', 'path'))}: {error['msg']}"
        for error in exc.errors()
    )
    words = rendering.render_copy("api_errors", "invalid", {"problems": problems})
    return JSONResponse({"detail": words, "code": "invalid"}, status_code=400)


def install(app: FastAPI) -> None:
    """Mount the API and its index, and answer its errors as JSON (the composition root calls this)."""
    app.include_router(router)
    app.include_router(index)
    app.add_exception_handler(ApiError, _api_error)
