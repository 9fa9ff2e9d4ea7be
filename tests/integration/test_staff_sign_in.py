"""Attack tests of the staff workspace's foundation: sign-in by emailed link, sessions, CSRF, scoping,
security headers. Through the real app (FastAPI's TestClient) on SQLite and on Postgres."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from starlette.exceptions import HTTPException

from messaging import tokens
from messaging.models import OutboundMessage
from relay.app import create_app
from tests.conftest import TEST_KEYS
from tests.support import builders
from web import sign_in, staff, staff_session
from web.models import StaffSession
from workflow.models import AuditEntry, Person, Placement, Role

CASEY = "casey@a-high.example"
ALEX = "alex@a-high.example"
BLAKE = "blake@b-high.example"


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    moved = Clock()
    monkeypatch.setattr(staff_session, "now", moved)
    return moved


@pytest.fixture
def world(make_runtime: Any, backend: dict[str, Any]) -> Any:
    runtime = make_runtime(**backend)
    with runtime.sessions.begin() as session:
        a = builders.school(session, "A High")
        b = builders.school(session, "B High")
        builders.person(session, a, Role.coordinator, "Casey Rivera", CASEY)
        builders.person(session, a, Role.advisor, "Alex Kim", ALEX)
        builders.person(session, a, Role.mentor, "Ruth Chen", "ruth@clinic.example")
        builders.person(session, b, Role.coordinator, "Blake Ode", BLAKE)
    return runtime


@pytest.fixture
def client(world: Any) -> Iterator[TestClient]:
    with TestClient(create_app(world), follow_redirects=False) as test_client:
        yield test_client


def _sign_in_emails(runtime: Any, address: str | None = None) -> list[OutboundMessage]:
    with runtime.sessions() as session:
        query = select(OutboundMessage).where(OutboundMessage.template == "email/sign_in")
        if address:
            query = query.where(OutboundMessage.to_address == address)
        return list(session.scalars(query.order_by(OutboundMessage.id)))


def _link(runtime: Any, address: str) -> str:
    body = _sign_in_emails(runtime, address)[-1].body_text or ""
    match = re.search(r"http://relay\.test:8000(/dashboard/sign-in/[a-z2-7]{48})", body)
    assert match, body
    return match.group(1)


def _sign_in(client: TestClient, runtime: Any, address: str = CASEY) -> str:
    assert client.post("/dashboard/sign-in", data={"email": address}).status_code == 200
    done = client.post(_link(runtime, address))
    assert done.status_code == 303 and done.headers["location"] == "/dashboard"
    cookie: str | None = client.cookies.get(staff_session.COOKIE)
    assert cookie
    return cookie


def _plant(client: TestClient, value: str) -> None:
    """The browser holds this session cookie (and no other)."""
    client.cookies.clear()
    client.cookies.set(staff_session.COOKIE, value, domain="testserver.local")


def _csrf(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', page)
    assert match
    return match.group(1)


def _audit(runtime: Any, action: str) -> list[AuditEntry]:
    with runtime.sessions() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def _live_sessions(runtime: Any) -> int:
    with runtime.sessions() as session:
        return (
            session.scalar(select(func.count()).select_from(StaffSession).where(StaffSession.ended_at.is_(None))) or 0
        )


def test_no_session_goes_to_sign_in_and_the_api_answers_401(client: TestClient) -> None:
    @client.app.get("/api/v1/whoami")  # type: ignore[attr-defined,untyped-decorator]
    def whoami(who: staff.SignedIn) -> dict[str, str]:
        return {"name": who.name}

    page = client.get("/dashboard")
    assert page.status_code == 303 and page.headers["location"] == "/dashboard/sign-in"
    assert client.get("/dashboard", headers={"HX-Request": "true"}).headers["HX-Redirect"] == "/dashboard/sign-in"
    api = client.get("/api/v1/whoami")
    assert api.status_code == 401 and api.json() == {"detail": "sign in required"}
    _plant(client, "made-up")
    assert client.get("/dashboard").status_code == 303
    form = client.get("/dashboard/sign-in")
    assert form.status_code == 200 and '<label for="email">' in form.text and 'name="email"' in form.text
    home = client.get("/")
    assert home.status_code == 200 and 'href="/dashboard/sign-in"' in home.text


def test_a_coordinator_signs_in_from_the_link_once(client: TestClient, world: Any, clock: Clock) -> None:
    asked = client.post("/dashboard/sign-in", data={"email": "  Casey@A-High.example "})
    assert asked.status_code == 200 and "we've emailed a link" in asked.text
    [email] = _sign_in_emails(world, CASEY)
    assert email.subject == "Your link to sign in to Relay" and "15 minutes" in (email.body_text or "")
    link = _link(world, CASEY)

    for _ in range(2):  # a mail scanner opening the link signs nobody in
        shown = client.get(link)
        assert shown.status_code == 200 and ">Sign in</button>" in shown.text and "Casey Rivera" in shown.text
        assert staff_session.COOKIE not in shown.cookies
        assert shown.headers["Referrer-Policy"] == "no-referrer"
    assert client.head(link).status_code == 200
    assert _live_sessions(world) == 0 and client.get("/dashboard").status_code == 303

    done = client.post(link)
    assert done.status_code == 303 and done.headers["location"] == "/dashboard"
    set_cookie = done.headers["set-cookie"].lower()
    assert "httponly" in set_cookie and "samesite=lax" in set_cookie and "secure" not in set_cookie
    today = client.get("/dashboard")
    assert today.status_code == 200 and "Casey Rivera" in today.text and "A High" in today.text
    assert ">Today<" in today.text and ">Needs attention<" in today.text and ">Sign out</button>" in today.text
    [signed_in] = _audit(world, "staff.signed_in")
    assert signed_in.channel == "dashboard" and "Casey Rivera" in signed_in.actor

    client.cookies.clear()
    again = client.post(link)  # a used link
    assert again.status_code == 410 and "already used" in again.text and 'action="/dashboard/sign-in"' in again.text
    assert staff_session.COOKIE not in again.cookies and _live_sessions(world) == 1
    assert {e.detail["why"] for e in _audit(world, "staff.sign_in_refused")} == {"used"}


def test_forged_expired_and_other_purpose_links_sign_nobody_in(client: TestClient, world: Any, clock: Clock) -> None:
    client.post("/dashboard/sign-in", data={"email": CASEY})
    link = _link(world, CASEY)
    forged = link[:-1] + ("a" if link[-1] != "a" else "b")
    for bad in (forged, "/dashboard/sign-in/not-a-token"):
        for answer in (client.get(bad), client.post(bad)):
            assert answer.status_code == 404 and "couldn't open this sign-in link" in answer.text
            assert "Email me a new link" in answer.text and staff_session.COOKIE not in answer.cookies
    with world.sessions.begin() as session:
        mentor = session.scalars(select(Person).where(Person.role == Role.mentor)).one()
        other = tokens.issue(
            session,
            purpose="attendance.confirm",
            object_type="day",
            object_id=1,
            person_id=mentor.id,
            ttl=timedelta(days=1),
            keys=TEST_KEYS,
            now=clock.now,
        )
    assert client.post(f"/dashboard/sign-in/{other}").status_code == 404

    clock.now += sign_in.LINK_TTL + timedelta(seconds=1)
    late = client.post(link)
    assert late.status_code == 410 and "expired" in late.text and staff_session.COOKIE not in late.cookies
    assert _live_sessions(world) == 0 and client.get("/dashboard").status_code == 303
    assert len(_audit(world, "staff.sign_in_refused")) >= 6


def test_a_cross_site_post_of_a_link_is_refused(client: TestClient, world: Any) -> None:
    client.post("/dashboard/sign-in", data={"email": CASEY})
    link = _link(world, CASEY)
    for headers in ({"Origin": "https://evil.example"}, {"Origin": "null", "Sec-Fetch-Site": "cross-site"}):
        refused = client.post(link, headers=headers)
        assert refused.status_code == 403 and _live_sessions(world) == 0
    same = client.post(link, headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"})  # no-referrer
    assert same.status_code == 303 and _live_sessions(world) == 1


def test_the_session_id_changes_at_sign_in(client: TestClient, world: Any) -> None:
    planted = "attacker-chosen-session-id-0123456789abcdef"
    _plant(client, planted)
    cookie = _sign_in(client, world)
    assert cookie != planted
    with world.sessions() as session:
        assert session.get(StaffSession, staff_session.id_hash(planted)) is None
        assert session.get(StaffSession, staff_session.id_hash(cookie)) is not None
        assert session.get(StaffSession, cookie) is None  # only the hash is stored
    first = cookie
    second = _sign_in(client, world)  # signing in again replaces this browser's session
    assert second != first
    _plant(client, first)
    assert client.get("/dashboard").status_code == 303


def test_sign_out_ends_the_session_server_side(client: TestClient, world: Any) -> None:
    cookie = _sign_in(client, world)
    token = _csrf(client.get("/dashboard").text)
    out = client.post("/dashboard/sign-out", data={"csrf_token": token})
    assert out.status_code == 303 and out.headers["location"] == "/dashboard/sign-in?signed_out=1"
    assert "signed out" in client.get(out.headers["location"]).text
    _plant(client, cookie)  # the old cookie, kept by an attacker
    assert client.get("/dashboard").status_code == 303
    assert _live_sessions(world) == 0 and len(_audit(world, "staff.signed_out")) == 1


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(client: TestClient, world: Any) -> None:
    _sign_in(client, world)
    token = _csrf(client.get("/dashboard").text)
    other = TestClient(client.app, follow_redirects=False)
    _sign_in(other, world, BLAKE)
    stolen = _csrf(other.get("/dashboard").text)  # another session's token does not fit this one
    for data in ({}, {"csrf_token": "0" * 64}, {"csrf_token": stolen}):
        refused = client.post("/dashboard/sign-out", data=data)
        assert refused.status_code == 403 and "nothing was changed" in refused.text
    assert client.post("/dashboard/sign-out", headers={"X-CSRF-Token": "nope"}).status_code == 403
    assert _live_sessions(world) == 2 and client.get("/dashboard").status_code == 200
    assert client.post("/dashboard/sign-out", headers={"X-CSRF-Token": token}).status_code == 303
    assert _live_sessions(world) == 1


def test_sessions_end_after_12_idle_hours_and_after_14_days(client: TestClient, world: Any, clock: Clock) -> None:
    _sign_in(client, world)
    clock.now += timedelta(hours=11, minutes=59)
    assert client.get("/dashboard").status_code == 200
    clock.now += staff_session.IDLE
    assert client.get("/dashboard").status_code == 303
    clock.now -= staff_session.IDLE  # an ended session stays ended, whatever the clock says
    assert client.get("/dashboard").status_code == 303

    _sign_in(client, world)
    started = clock.now
    while clock.now + timedelta(hours=11) < started + staff_session.LIFETIME:
        clock.now += timedelta(hours=11)
        assert client.get("/dashboard").status_code == 200
    clock.now = started + staff_session.LIFETIME
    assert client.get("/dashboard").status_code == 303
    with world.sessions() as session:
        assert sorted(session.scalars(select(StaffSession.ended_why))) == ["idle", "too_old"]


def test_unknown_addresses_get_the_same_page_and_nothing_is_queued(client: TestClient, world: Any) -> None:
    known = client.post("/dashboard/sign-in", data={"email": CASEY})
    for address in ("nobody@a-high.example", "ruth@clinic.example"):  # unknown, and a mentor
        answer = client.post("/dashboard/sign-in", data={"email": address})
        assert answer.status_code == known.status_code
        assert answer.text.replace(address, CASEY) == known.text
    assert [m.to_address for m in _sign_in_emails(world)] == [CASEY]
    assert client.post("/dashboard/sign-in", data={"email": "no-at-sign"}).status_code == 400


def test_sign_in_emails_stop_at_the_caps(client: TestClient, world: Any, clock: Clock) -> None:
    for _ in range(sign_in.PER_ADDRESS_PER_HOUR + 2):
        assert client.post("/dashboard/sign-in", data={"email": CASEY}).status_code == 200
    assert len(_sign_in_emails(world, CASEY)) == sign_in.PER_ADDRESS_PER_HOUR
    clock.now += timedelta(hours=1, seconds=1)
    client.post("/dashboard/sign-in", data={"email": CASEY})
    assert len(_sign_in_emails(world, CASEY)) == sign_in.PER_ADDRESS_PER_HOUR + 1

    clock.now += timedelta(hours=1, seconds=1)
    for n in range(sign_in.PER_CLIENT_PER_HOUR):  # one client, many addresses
        client.post("/dashboard/sign-in", data={"email": f"probe{n}@a-high.example"})
    client.post("/dashboard/sign-in", data={"email": ALEX})
    assert _sign_in_emails(world, ALEX) == []


def test_security_headers_on_every_page(client: TestClient, world: Any) -> None:
    _sign_in(client, world)
    for path in ("/", "/dashboard", "/dashboard/sign-in", "/static/relay.css", "/no-such-page", "/l/x", "/s/"):
        answer = client.get(path, headers={"Accept": "text/html"})
        csp = answer.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, path
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Referrer-Policy"] in ("same-origin", "no-referrer")
    for path in ("/", "/dashboard", "/dashboard/sign-in", "/no-such-page", "/l/x", "/s/"):
        assert "unsafe-inline" not in client.get(path).headers["Content-Security-Policy"], path
    assert client.get("/dashboard").headers["Cache-Control"] == "no-store"
    not_found = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert not_found.status_code == 404 and "Coordinators and advisors" in not_found.text
    assert client.get("/static/vendor/htmx.min.js").status_code == 200


def test_objects_are_seen_only_as_the_signed_in_person(world: Any) -> None:
    with world.sessions.begin() as session:
        a, b = builders.school(session, "A High"), builders.school(session, "B High")
        casey, alex = (session.scalars(select(Person).where(Person.email == e)).one() for e in (CASEY, ALEX))
        blake = session.scalars(select(Person).where(Person.email == BLAKE)).one()
        mine = builders.person(session, a, Role.student, "Maya Lopez", "maya@a-high.example", advisor_id=alex.id)
        theirs = builders.person(session, a, Role.student, "Sam Reed", "sam@a-high.example")
        builders.person(session, b, Role.student, "Bo Dee", "bo@b-high.example")

        def as_staff(person: Person) -> staff.Staff:
            return staff.Staff(
                person.id, person.name, person.email or "", Role(person.role), person.school_id, "", "", "", ""
            )

        coordinator, advisor, other_school = as_staff(casey), as_staff(alex), as_staff(blake)
        assert staff.owned(session, coordinator, Person, theirs.id) is theirs
        assert staff.owned(session, advisor, Person, mine.id) is mine
        for who, object_id in ((other_school, mine.id), (advisor, theirs.id), (coordinator, 10**9)):
            with pytest.raises(HTTPException) as refused:
                staff.owned(session, who, Person, object_id)
            assert refused.value.status_code == 404
        query = select(Person.name).where(
            staff.scope(advisor, Person.school_id, Person.id), Person.role == Role.student
        )
        assert list(session.scalars(query)) == ["Maya Lopez"]
        assert session.scalars(select(Placement).where(staff.scope(other_school, Placement.school_id))).all() == []


def test_the_cookie_is_secure_when_relay_is_reached_over_https(make_runtime: Any, sqlite_url: str) -> None:
    runtime = make_runtime(database_url=sqlite_url, public_base_url="https://relay.example")
    with runtime.sessions.begin() as session:
        builders.person(session, builders.school(session), Role.coordinator, "Casey Rivera", CASEY)
    with TestClient(create_app(runtime), base_url="https://relay.example", follow_redirects=False) as client:
        client.post("/dashboard/sign-in", data={"email": CASEY})
        body = _sign_in_emails(runtime, CASEY)[-1].body_text or ""
        path = re.search(r"https://relay\.example(/dashboard/sign-in/[a-z2-7]{48})", body)
        assert path
        done = client.post(path.group(1), headers={"Origin": "https://relay.example"})
        assert done.status_code == 303 and "secure" in done.headers["set-cookie"].lower()
