"""Who is signed in to the staff workspace, and what they may see: the one place for both.

Every dashboard page and API route takes its `Staff` from a dependency here, never from the URL:

    @router.get("/dashboard/x")
    def page(staff: SignedIn) -> Response: ...            # read: any signed-in coordinator or advisor

    @router.post("/dashboard/x")
    def change(staff: SignedInWithCsrf) -> Response: ...  # write: also checks the CSRF token

and fetches objects through `owned` (one object) or `scope` (a query's WHERE), so that an object of
another school, or another advisor's student, is a 404 exactly like one that does not exist.

Signed out, a page redirects (303) to `/dashboard/sign-in`, an htmx request gets `HX-Redirect`, and
a path under `/api` gets 401 JSON. A write without a valid token gets 403 and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, FastAPI, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import InstrumentedAttribute, Session
from starlette.exceptions import HTTPException

from messaging import context, rendering
from web import api_tokens, staff_session
from workflow.models import InternshipDay, Person, Role, School

SIGN_IN_PATH = "/dashboard/sign-in"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
STAFF_ROLES = frozenset({Role.coordinator, Role.advisor})
T = TypeVar("T")


@dataclass(frozen=True)
class Staff:
    """The signed-in coordinator or advisor, read once per request (plain values, no ORM rows)."""

    person_id: int
    name: str
    email: str
    role: Role  # coordinator or advisor
    school_id: int
    school_name: str
    timezone: str
    session_id: str  # the cookie's id (never stored); the CSRF token derives from it ("" for a token)
    csrf_token: str
    signed_in_by: str = "session"  # "session" (the cookie; writes need CSRF) or "token" (API bearer)

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.coordinator

    def person(self, session: Session) -> Person:
        """This person's row in `session` (for audit.record's actor, or a workflow call)."""
        person = session.get(Person, self.person_id)
        assert person is not None
        return person


class SignInRequired(Exception):
    """No live session: pages go to the sign-in page, the API answers 401."""


class CsrfRejected(Exception):
    """A cookie-authenticated write without the session's CSRF token: 403, nothing changed."""


def staff_of(session: Session, session_id: str | None) -> Staff | None:
    """The staff member behind a session cookie, or None (the session is touched as a side effect)."""
    row = staff_session.find(session, session_id, staff_session.now())
    if row is None or session_id is None:
        return None
    person = session.get(Person, row.person_id)
    if person is None or not person.active or person.role not in STAFF_ROLES or not person.email:
        return None
    school = session.get(School, row.school_id)
    assert school is not None
    return Staff(
        person_id=person.id,
        name=person.name,
        email=person.email,
        role=Role(person.role),
        school_id=school.id,
        school_name=school.name,
        timezone=school.timezone,
        session_id=session_id,
        csrf_token=staff_session.csrf_token(session_id),
    )


def staff_of_token(session: Session, token: str) -> Staff | None:
    """The coordinator behind an API bearer token, or None (unknown, revoked, or no longer staff)."""
    row = api_tokens.authenticate(session, token, staff_session.now())
    if row is None:
        return None
    person = session.get(Person, row.person_id)
    if person is None or not person.active or person.role not in STAFF_ROLES or not person.email:
        return None
    school = session.get_one(School, row.school_id)
    if person.school_id != school.id:
        return None
    return Staff(
        person_id=person.id,
        name=person.name,
        email=person.email,
        role=Role(person.role),
        school_id=school.id,
        school_name=school.name,
        timezone=school.timezone,
        session_id="",
        csrf_token="",
        signed_in_by="token",
    )


def signed_in_staff(request: Request) -> Staff:
    """Dependency: the signed-in staff member, or SignInRequired. Under /api an `Authorization:
    Bearer` header, when present, is the only credential looked at. (A sync function: FastAPI runs
    it in its thread pool, like the database work it does.)"""
    bearer = _bearer(request) if _is_api(request) else None
    with context.current().sessions.begin() as session:
        if bearer is not None:
            staff = staff_of_token(session, bearer)
        else:
            staff = staff_of(session, request.cookies.get(staff_session.COOKIE))
    if staff is None:
        raise SignInRequired("token" if bearer is not None else "session")
    return staff


def _bearer(request: Request) -> str | None:
    """The token of an `Authorization: Bearer` header ("" if the header is there but malformed)."""
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


async def staff_with_csrf(request: Request, staff: Annotated[Staff, Depends(signed_in_staff)]) -> Staff:
    """Dependency for every state-changing route: the staff member, once the CSRF token (form field
    `csrf_token`, or header `X-CSRF-Token` for fetch and htmx) matches their session. A bearer token
    needs none: a browser never sends one by itself, so no other site can make it."""
    if staff.signed_in_by == "token":
        return staff
    token = request.headers.get(CSRF_HEADER)
    if token is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        token = str((await request.form()).get(CSRF_FIELD, ""))  # Starlette caches the parsed form
    if not staff_session.csrf_ok(staff.session_id, token):
        raise CsrfRejected()
    return staff


SignedIn = Annotated[Staff, Depends(signed_in_staff)]
SignedInWithCsrf = Annotated[Staff, Depends(staff_with_csrf)]


# -- scoping --------------------------------------------------------------------------------------


def scope(
    staff: Staff,
    school_id: InstrumentedAttribute[int],
    student_id: InstrumentedAttribute[int] | None = None,
) -> ColumnElement[bool]:
    """The WHERE that limits a query to what `staff` may see: their school, and for an advisor
    only their advisees (when the rows belong to a student). E.g.
    `select(Placement).where(scope(staff, Placement.school_id, Placement.student_id))`."""
    condition: ColumnElement[bool] = school_id == staff.school_id
    if student_id is not None and not staff.is_coordinator:
        advisees = select(Person.id).where(Person.advisor_id == staff.person_id, Person.role == Role.student)
        condition = and_(condition, student_id.in_(advisees))
    return condition


def _day_owner(day: Any) -> tuple[int, int | None]:
    return day.placement.school_id, day.placement.student_id


def _person_owner(person: Any) -> tuple[int, int | None]:
    return person.school_id, person.id if person.role == Role.student else None


def _owner(row: Any) -> tuple[int, int | None]:
    """(school id, student id or None) of any row with `school_id` (and perhaps `student_id`)."""
    return row.school_id, getattr(row, "student_id", None)


OWNERS: dict[type, Callable[[Any], tuple[int, int | None]]] = {InternshipDay: _day_owner, Person: _person_owner}


def visible(session: Session, staff: Staff, row: object) -> bool:
    school_id, student_id = OWNERS.get(type(row), _owner)(row)
    if school_id != staff.school_id:
        return False
    if staff.is_coordinator or student_id is None:
        return True
    student = session.get(Person, student_id)
    return student is not None and student.advisor_id == staff.person_id


def owned(session: Session, staff: Staff, model: type[T], object_id: int) -> T:
    """The object `staff` may see, or a 404 that reads exactly like a missing object's."""
    row = session.get(model, object_id)
    if row is None or not visible(session, staff, row):
        raise HTTPException(status_code=404)
    return row


# -- answers ---------------------------------------------------------------------------------------


def _is_api(request: Request) -> bool:
    return request.url.path == "/api" or request.url.path.startswith("/api/")


async def _sign_in_required(request: Request, exc: Exception) -> Response:
    if _is_api(request):
        bad_token = exc.args[:1] == ("token",)
        detail = rendering.render_copy("api_errors", "bad_token", {}) if bad_token else "sign in required"
        return JSONResponse({"detail": detail}, status_code=401, headers={"WWW-Authenticate": "Bearer"})
    if request.headers.get("HX-Request"):
        return Response(status_code=401, headers={"HX-Redirect": SIGN_IN_PATH})
    return RedirectResponse(SIGN_IN_PATH, status_code=303)


async def _csrf_rejected(request: Request, exc: Exception) -> Response:
    if _is_api(request):
        return JSONResponse({"detail": "missing or wrong CSRF token"}, status_code=403)
    page = rendering.render_page("staff_forbidden", {"school": None, "person": None})
    return HTMLResponse(page, status_code=403, headers={"Cache-Control": "no-store"})


def install(app: FastAPI) -> None:
    """Answer SignInRequired and CsrfRejected (the composition root calls this)."""
    app.add_exception_handler(SignInRequired, _sign_in_required)
    app.add_exception_handler(CsrfRejected, _csrf_rejected)
