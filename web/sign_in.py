"""Signing in to the staff workspace by an emailed link; no passwords.

- `POST /dashboard/sign-in` answers the same page whatever the address, so nobody can learn who is
  registered. For an active coordinator or advisor it emails (through the outbox, in the same
  transaction) a one-time link valid `LINK_TTL`. Requests are capped per address and per client
  address per hour (`PER_ADDRESS_PER_HOUR`, `PER_CLIENT_PER_HOUR`); past a cap the page is the same
  and nothing is sent. Every request is recorded (`staff_sign_in_requests`) to count them.
- The link (`/dashboard/sign-in/<token>`) shows a "Sign in" button on `GET` and signs nobody in:
  mail scanners open links. Its `POST` uses the token once (an atomic update of its row), starts a
  new session (`web.staff_session`) and redirects to `/dashboard`. A forged, expired or used link
  gets a page that says so, with the form to ask for a new one.
- Every sign-in, sign-out and refused link is in the audit log (channel `dashboard`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from messaging import context, outbox, rendering, tokens
from messaging.inbound.doors.store import clean
from messaging.tokens import Purpose
from web import staff_session
from web.models import SignInRequest
from web.staff import SIGN_IN_PATH, STAFF_ROLES, SignedInWithCsrf
from workflow import audit
from workflow.models import Person, Role, School
from workflow.notifications import Category, Notification

router = APIRouter(include_in_schema=False)
LINK_TTL = timedelta(minutes=15)
PER_ADDRESS_PER_HOUR = 5  # sign-in requests for one email address; more and no email is sent
PER_CLIENT_PER_HOUR = 20  # sign-in requests from one client address, whatever the email addresses
MAX_EMAIL_CHARS = 320
CHANNEL = "dashboard"
SIGN_IN_ROLES = STAFF_ROLES | {Role.region_admin}  # region admins sign in the same way (web.region_staff)


def _page(name: str, status: int = 200, **values: Any) -> HTMLResponse:
    html = rendering.render_page(name, {"school": None, "person": None, **values})
    return HTMLResponse(html, status_code=status)


def _client(request: Request) -> str:
    return (request.client.host if request.client else "")[:64] or "unknown"


def _same_origin(request: Request) -> bool:
    """A browser's cross-site form post is refused (login CSRF: signing a victim in as someone else).
    Browsers say where a request comes from in `Sec-Fetch-Site`; older ones only in `Origin`, which
    is "null" under our no-referrer policy, so "null" alone is no proof either way."""
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return True
    ours = {f"{request.url.scheme}://{request.headers.get('host', '')}"}
    public = urlsplit(context.current().config.public_base_url)
    ours.add(f"{public.scheme}://{public.netloc}")
    return origin in ours


# -- asking for a link -------------------------------------------------------------------------------


def _recent(session: Session, column: Any, value: str, now: datetime) -> int:
    count = session.scalar(
        select(func.count())
        .select_from(SignInRequest)
        .where(column == value, SignInRequest.at > now - timedelta(hours=1))
    )
    return count or 0


def staff_with_email(session: Session, email: str) -> list[Person]:
    """The active coordinators, advisors and region admins with this address (one per school and role)."""
    rows = session.scalars(
        select(Person)
        .where(func.lower(Person.email) == email, Person.role.in_(SIGN_IN_ROLES), Person.active.is_(True))
        .order_by(Person.id)
    )
    return list(rows)


def request_link(session: Session, email: str, client: str, now: datetime) -> str:
    """Record a request and queue the sign-in emails it earns; returns the outcome (never shown)."""
    email = email.strip().lower()[:MAX_EMAIL_CHARS]
    capped = (
        _recent(session, SignInRequest.email, email, now) >= PER_ADDRESS_PER_HOUR
        or _recent(session, SignInRequest.client, client, now) >= PER_CLIENT_PER_HOUR
    )
    people = [] if capped else staff_with_email(session, email)
    outcome = "capped" if capped else "emailed" if people else "unknown"
    session.add(SignInRequest(at=now, email=email, client=client, outcome=outcome))
    cfg = context.current().config
    notes = []
    for person in people:
        token = tokens.issue(
            session,
            purpose=Purpose.login,
            object_type="person",
            object_id=person.id,
            person_id=person.id,
            ttl=LINK_TTL,
            keys=cfg.signing_keys,
            now=now,
        )
        url = f"{cfg.public_base_url}{SIGN_IN_PATH}/{token}"
        context_values = {"sign_in_url": url, "minutes": int(LINK_TTL.total_seconds() // 60), "role": _as(person)}
        notes.append(Notification(template="email/sign_in", to=person, context=context_values, kind=Category.answer))
        audit.record(session, action="staff.sign_in_link_sent", channel=CHANNEL, now=now, actor=person, client=client)
    outbox.queue(session, notes, now=now)
    return outcome


def _as(person: Person) -> str:
    """How the sign-in email names the role: "coordinator", or "region admin for Bay Region"."""
    return f"region admin for {person.region}" if person.role == Role.region_admin else str(person.role)


@router.get(SIGN_IN_PATH)
def sign_in_page(signed_out: str = "") -> Response:
    return _page("staff_sign_in", state="signed_out" if signed_out else "ask", email="", error=None)


@router.post(SIGN_IN_PATH)
async def ask_for_link(request: Request) -> Response:
    form = await request.form()  # at most web.body_limit.PUBLIC_FORM_BYTES
    email = clean(str(form.get("email", ""))).strip()[:MAX_EMAIL_CHARS]
    if "@" not in email:
        return _page("staff_sign_in", 400, state="ask", email=email, error="no_address")
    client = _client(request)

    def work() -> None:
        with context.current().sessions.begin() as session:
            request_link(session, email, client, staff_session.now())

    await run_in_threadpool(work)
    return _page("staff_sign_in", state="sent", email=email, error=None, per_hour=PER_ADDRESS_PER_HOUR)


# -- using the link ----------------------------------------------------------------------------------


def _open(session: Session, token: str, now: datetime, method: str, client: str) -> Person | HTMLResponse:
    """The person a sign-in link is for, or the page saying why it cannot be used (audited)."""
    person: Person | None = None
    try:
        claims, row = tokens.load(session, token, context.current().config.signing_keys)
        if claims.purpose != Purpose.login:
            raise tokens.BadToken("not a sign-in link")
        person = session.get(Person, row.person_id) if row.person_id else None
        if person is None or not person.active or person.role not in SIGN_IN_ROLES:
            raise tokens.BadToken("not for staff")
        why = "used" if row.used_at is not None else "expired" if claims.expired(now) else None
    except tokens.BadToken:
        why = "invalid"
    if why is None and person is not None:
        return person
    audit.record(
        session,
        action="staff.sign_in_refused",
        channel=CHANNEL,
        now=now,
        actor=person,
        why=why,
        method=method,
        client=client,
    )
    school = session.get(School, person.school_id) if person else None
    return _page("staff_sign_in_link_bad", 404 if why == "invalid" else 410, school=school, why=why, email="")


@router.api_route(SIGN_IN_PATH + "/{token}", methods=["GET", "HEAD"])
async def show_link(token: str, request: Request) -> Response:
    client = _client(request)

    def work() -> Response:
        now = staff_session.now()
        with context.current().sessions.begin() as session:
            found = _open(session, token, now, "GET", client)
            if isinstance(found, HTMLResponse):
                return found
            return _page("staff_sign_in_link", school=found.school, person=found)

    return await run_in_threadpool(work)


@router.post(SIGN_IN_PATH + "/{token}")
async def use_link(token: str, request: Request) -> Response:
    if not _same_origin(request):
        return _page("staff_forbidden", 403)
    client, agent = _client(request), request.headers.get("user-agent", "")
    previous = request.cookies.get(staff_session.COOKIE)

    def work() -> Response:
        now = staff_session.now()
        with context.current().sessions.begin() as session:
            found = _open(session, token, now, "POST", client)
            if isinstance(found, HTMLResponse):
                return found
            _, row = tokens.load(session, token, context.current().config.signing_keys)
            if not tokens.use(session, row, via="link", outcome="signed in", now=now):
                return _page("staff_sign_in_link_bad", 410, school=found.school, why="used", email="")
            old = staff_session.find(session, previous, now)  # this browser's earlier session, if any
            if old is not None:
                staff_session.end(session, old, now, "replaced")
            session_id = staff_session.start(session, found, now, user_agent=agent, client=client)
            home = "/region" if found.role == Role.region_admin else "/dashboard"
            audit.record(session, action="staff.signed_in", channel=CHANNEL, now=now, actor=found, client=client)
        response = RedirectResponse(home, status_code=303)
        staff_session.set_cookie(response, session_id)
        return response

    return await run_in_threadpool(work)


@router.post("/dashboard/sign-out")
def sign_out(staff: SignedInWithCsrf) -> Response:
    return signed_out(staff.session_id, staff.person)


def signed_out(session_id: str, person: Callable[[Session], Person]) -> Response:
    """End the session `session_id` (audited as `person` signing out, once) and go to the sign-in
    page without its cookie: for the school staff's dashboard and the region admin's alike."""
    now = staff_session.now()
    with context.current().sessions.begin() as session:
        row = staff_session.find(session, session_id, now)
        if row is not None and staff_session.end(session, row, now):
            audit.record(session, action="staff.signed_out", channel=CHANNEL, now=now, actor=person(session))
    response = RedirectResponse(f"{SIGN_IN_PATH}?signed_out=1", status_code=303)
    staff_session.clear_cookie(response)
    return response
