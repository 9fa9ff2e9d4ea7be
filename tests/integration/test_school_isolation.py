"""No route lets one school see or change another's records (issue 9, "Done when").

Two schools, A and B, each with a coordinator, an advisor, a mentor, students, placements, days
(pending and disputed), requests (a request and a start) and an API token. The test ENUMERATES the
app's routes under /dashboard and /api, so a route added later cannot escape it:

- every path parameter is filled by its name with an object of school A (`day_id`, `request_id`,
  `student_id`, `placement_id`, `mentor_id`, `token_id`, `advisor_id`, `site_id`,
  `opportunity_id`); a parameter of any other name fails the
  test: give it a name here (and make the route answer 404 for another school's object);
- as school B's coordinator (cookie and CSRF token; again with B's bearer token under /api), every
  method of every route with A's ids answers 404, and A's days, requests, placements, tokens,
  audit log and outbox are exactly as before. Routes without an object in their path (lists,
  bulk forms) get A's ids in their bodies and queries: they must not fail, leak A's names or
  change A's records;
- without a session every route sends pages to the sign-in page and answers 401 under /api.

Public routes are listed in PUBLIC, by path.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from datetime import time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy import select

from messaging.models import OutboundMessage
from relay.app import create_app
from tests.support import builders
from tests.unit import oversight_world as ow
from web import api_tokens, staff_session
from web.models import ApiToken
from workflow.models import (
    AuditEntry,
    ComplianceDocument,
    DayStatus,
    InternshipDay,
    InternshipRequest,
    Person,
    Placement,
    Role,
)
from workflow.requests.states import State

PUBLIC = {"/dashboard/sign-in", "/dashboard/sign-in/{token}", "/dashboard/sign-out", "/api", "/api/"}
PARAMETERS = (
    "day_id",
    "request_id",
    "student_id",
    "placement_id",
    "mentor_id",
    "token_id",
    "advisor_id",
    "site_id",
    "opportunity_id",
)
YESTERDAY = ow.TODAY - timedelta(days=1)


def _school(session: Any, tag: str) -> dict[str, Any]:
    """A school named `tag`, its people and records; the ids and words that are its own."""
    school = builders.school(session, f"{tag} High", region="Bay")  # neighbours: one region
    coordinator = builders.person(session, school, Role.coordinator, f"{tag} Coordinator", f"coordinator@{tag}.example")
    advisor = builders.person(session, school, Role.advisor, f"{tag} Advisor", f"advisor@{tag}.example")
    site = builders.site(session, school, f"{tag} Clinic")
    mentor = builders.person(session, school, Role.mentor, f"{tag} Mentor", f"mentor@{tag}.example", site_id=site.id)
    session.add(ComplianceDocument(mentor_id=mentor.id, kind="background_check", note=f"{tag} paper copy"))
    students, placements, days = [], [], []
    for n, status in enumerate((DayStatus.pending, DayStatus.disputed)):
        student = builders.person(
            session,
            school,
            Role.student,
            f"{tag} Student{n}",
            f"student{n}@{tag}.example",
            phone=f"+1555{'1' if tag == 'alpha' else '2'}00000{n}",
            advisor_id=advisor.id,
        )
        placement = builders.placement(
            session, school, student, mentor, site, weekdays=ow.SCHOOL_DAYS, start=time(9), end=time(15)
        )
        day = InternshipDay(
            placement_id=placement.id,
            date=YESTERDAY,
            status=status,
            check_in_at=ow.at(9, on=YESTERDAY),
            check_out_at=ow.at(15, on=YESTERDAY),
            hours=Decimal("6.00"),
            goals=f"{tag} goals",
            confirmation_requested_at=ow.at(15, on=YESTERDAY),
            mentor_feedback=f"{tag} feedback" if status == DayStatus.disputed else None,
        )
        session.add(day)
        session.flush()
        students.append(student.id)
        placements.append(placement.id)
        days.append(day.id)
    requested = ow.request(session, students[0], site.id, State.requested, title=f"{tag} Radiology")
    start = ow.request(session, students[1], site.id, State.start_requested, title=f"{tag} Pharmacy")
    token, secret = api_tokens.create(session, coordinator, f"{tag} sync", ow.NOW, channel="cli")
    return {
        "school_id": school.id,
        "coordinator_id": coordinator.id,
        "secret": secret,
        "ids": {
            "day_id": days[1],  # the disputed day
            "request_id": requested.id,
            "student_id": students[0],
            "placement_id": placements[0],
            "mentor_id": mentor.id,
            "token_id": token.id,
            "advisor_id": advisor.id,
            "site_id": site.id,
            "opportunity_id": requested.opportunity_id,
        },
        "days": days,
        "requests": [requested.id, start.id],
        "words": [
            f"{tag} Student0",
            f"student0@{tag}.example",
            f"{tag} Radiology",
            f"{tag} feedback",
            f"{tag} sync",
            f"{tag} paper copy",
        ],
    }


@pytest.fixture
def schools(make_runtime: Any, sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(staff_session, "now", lambda: ow.NOW)
    runtime = make_runtime(database_url=sqlite_url)
    with runtime.sessions.begin() as session:
        runtime.extra["a"] = _school(session, "alpha")
        runtime.extra["b"] = _school(session, "bravo")
    return runtime


def _region_admin(session: Any, region: str) -> int:
    """A region admin of `region` (with a school of its own there, their anchor)."""
    anchor = builders.school(session, f"{region} Anchor High", region=region)
    admin = builders.person(session, anchor, Role.region_admin, f"{region} Admin", f"admin@{region.lower()}.example")
    admin.region = region
    session.flush()
    return int(admin.id)


@pytest.fixture
def client(schools: Any) -> Iterator[TestClient]:
    with TestClient(create_app(schools), follow_redirects=False) as test_client:
        yield test_client


def _flat(routes: list[Any]) -> Iterator[Any]:
    """Every route, with routers included into others flattened (FastAPI 0.165 keeps an included
    router as one `_IncludedRouter` whose `effective_route_contexts` are its routes, prefixed)."""
    for route in routes:
        if hasattr(route, "effective_route_contexts"):
            yield from route.effective_route_contexts()
        else:
            yield route


def _routes(client: TestClient) -> list[tuple[str, str, Any]]:
    """(method, path, route) for every route under /dashboard, /region and /api but the public ones."""
    found: list[tuple[str, str, Any]] = []
    for route in _flat(client.app.routes):  # type: ignore[attr-defined]
        path = getattr(route, "path", "")
        if path in PUBLIC or not path.startswith(("/dashboard", "/region", "/api")):
            continue
        found.extend((method, path, route) for method in sorted(set(route.methods or ()) - {"HEAD"}))
    return found


def _fill(path: str, ids: dict[str, int]) -> str:
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in ids:
            pytest.fail(f"{path}: name the path parameter {name!r} one of {PARAMETERS} (or add it to this test)")
        return str(ids[name])

    return re.sub(r"{(\w+)(?::\w+)?}", one, path)


def _plausible(a: dict[str, Any], csrf: str) -> dict[str, Any]:
    """Values a form or JSON body of any route might take, aimed at school A's objects."""
    return {
        "csrf_token": csrf,
        "reason": "isolation test",
        "status": "confirmed",
        "check_in_at": "2026-03-09T09:00:00",
        "check_out_at": "2026-03-09T15:00:00",
        "check_in": "09:00",
        "check_out": "15:00",
        "date": YESTERDAY.isoformat(),
        "day": YESTERDAY.isoformat(),
        "label": "isolation",
        "kind": "background_check",
        "expires_on": "2030-01-01",
        "note": "isolation test",
        "approve": "yes",
        "shared": "yes",
        "decision": "approve",
        "address": "student0@alpha.example",
        "email": "student0@alpha.example",
        "day_ids": a["days"],
        "request_ids": a["requests"],
        **{name: a["ids"][name] for name in PARAMETERS},
    }


def _query(route: Any, a: dict[str, Any]) -> dict[str, Any]:
    values = {
        "from": "2026-03-01",
        "to": "2026-03-31",
        "student_email": "student0@alpha.example",
        "all": "1",  # Needs attention's every item
        "limit": "5000",  # the most of each page or list
        "cursor": base64.urlsafe_b64encode(b"2026-02-01|0|").decode().rstrip("="),  # a page of /api/v1/days
        **a["ids"],
    }
    query = {}
    for param in route.dependant.query_params if getattr(route, "dependant", None) else []:
        name = param.alias
        if name in values:
            query[name] = values[name]
        elif param.field_info.is_required():
            pytest.fail(f"{route.path}: give the required query parameter {name!r} a value in this test")
    return query


def _json_body(route: Any, plausible: dict[str, Any]) -> dict[str, Any] | None:
    if getattr(route, "body_field", None) is None:
        return None
    model = route.body_field.field_info.annotation
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return None
    body = {}
    for name, field in model.model_fields.items():
        if name in plausible:
            body[name] = plausible[name]
        elif field.is_required():
            pytest.fail(f"{route.path}: give the body field {name!r} a plausible value in this test")
    return body


def _ask(client: TestClient, method: str, route: Any, ids: dict[str, int], a: dict[str, Any], **kw: Any) -> Any:
    csrf = kw.pop("csrf", "")
    plausible = _plausible(a, csrf)
    url, query = _fill(route.path, ids), _query(route, a)
    if method == "GET":
        return client.get(url, params=query, **kw)
    headers = {**kw.pop("headers", {}), "X-CSRF-Token": csrf} if csrf else kw.pop("headers", {})
    if route.path.startswith("/api"):
        return client.request(method, url, params=query, json=_json_body(route, plausible), headers=headers)
    return client.request(method, url, params=query, data=plausible, headers=headers)


def _rows(session: Any, model: Any, *where: Any) -> list[dict[str, Any]]:
    rows = session.scalars(select(model).where(*where))
    return sorted(({c.key: getattr(r, c.key) for c in model.__table__.columns} for r in rows), key=repr)


def _snapshot(runtime: Any) -> dict[str, Any]:
    """Everything of school A a route could change."""
    school_id = runtime.extra["a"]["school_id"]
    with runtime.sessions() as session:
        placements = select(Placement.id).where(Placement.school_id == school_id)
        people = session.scalars(select(Person).where(Person.school_id == school_id)).all()
        addresses = {p.email for p in people if p.email} | {p.phone for p in people if p.phone}
        return {
            "days": _rows(session, InternshipDay, InternshipDay.placement_id.in_(placements)),
            "requests": _rows(session, InternshipRequest, InternshipRequest.school_id == school_id),
            "placements": _rows(session, Placement, Placement.school_id == school_id),
            "people": _rows(session, Person, Person.school_id == school_id),
            "documents": _rows(session, ComplianceDocument, ComplianceDocument.mentor_id.in_([p.id for p in people])),
            "tokens": _rows(session, ApiToken, ApiToken.school_id == school_id),
            "audit": _rows(session, AuditEntry, AuditEntry.school_id == school_id),
            "outbox": _rows(session, OutboundMessage, OutboundMessage.to_address.in_(addresses)),
        }


def _sign_in(client: TestClient, runtime: Any, person_id: int) -> str:
    with runtime.sessions.begin() as session:
        session_id = staff_session.start(session, session.get_one(Person, person_id), ow.NOW)
    client.cookies.clear()
    client.cookies.set(staff_session.COOKIE, session_id, domain="testserver.local")
    return staff_session.csrf_token(session_id)


def _check(answer: Any, method: str, route: Any, a: dict[str, Any], how: str) -> str | None:
    """What is wrong with B's answer about A's objects, or None."""
    has_object = "{" in route.path
    if has_object and answer.status_code != 404:
        return f"{how} {method} {route.path}: {answer.status_code}, not 404"
    if answer.status_code >= 500:
        return f"{how} {method} {route.path}: {answer.status_code}"
    sent = {str(value).lower() for value in _plausible(a, "").values()}  # a form shows back what it was sent
    leaked = [word for word in a["words"] if word.lower() in answer.text.lower() and word.lower() not in sent]
    if leaked:
        return f"{how} {method} {route.path}: shows {leaked}"
    return None


def test_another_schools_coordinator_gets_404_and_changes_nothing(client: TestClient, schools: Any) -> None:
    a, b = schools.extra["a"], schools.extra["b"]
    routes = _routes(client)
    assert {("GET", "/api/v1/days/{day_id}"), ("POST", "/api/v1/days/{day_id}/resolve")} <= {
        (m, p) for m, p, _ in routes
    }
    assert ("POST", "/dashboard/api-tokens/{token_id}/revoke") in {(m, p) for m, p, _ in routes}
    before = _snapshot(schools)
    problems = []
    for method, _, route in routes:
        csrf = _sign_in(client, schools, b["coordinator_id"])
        problems.append(_check(_ask(client, method, route, a["ids"], a, csrf=csrf), method, route, a, "cookie"))
        if route.path.startswith("/api"):
            client.cookies.clear()
            bearer = {"Authorization": f"Bearer {b['secret']}"}
            problems.append(_check(_ask(client, method, route, a["ids"], a, headers=bearer), method, route, a, "token"))
    assert [p for p in problems if p] == []
    after = _snapshot(schools)
    for part in before:
        assert after[part] == before[part], f"school A's {part} changed"


def test_the_same_requests_as_school_as_own_coordinator_are_not_all_404(client: TestClient, schools: Any) -> None:
    """The control: A's own coordinator reaches A's objects, so the 404s above are about the school."""
    a = schools.extra["a"]
    _sign_in(client, schools, a["coordinator_id"])
    reached = {path for method, path, route in _routes(client) if method == "GET" and "{" in path}
    reached = {p for p in reached if client.get(_fill(p, a["ids"])).status_code == 200}
    assert {"/api/v1/days/{day_id}", "/api/v1/students/{student_id}", "/dashboard/mentors/{mentor_id}"} <= reached
    edits = {f"/dashboard/{kind}/{{{one}_id}}/edit" for kind, one in (("students", "student"), ("mentors", "mentor"),
             ("advisors", "advisor"), ("sites", "site"), ("opportunities", "opportunity"))}  # fmt: skip
    assert edits <= reached
    assert "/dashboard/reports/students/{student_id}" in reached
    # the reports (no object in their path) show A's own students to A, and none of them to B (above)
    for path in ("/dashboard/reports", "/dashboard/reports/sites", "/dashboard/reports/feedback"):
        assert "alpha" in client.get(path, params={"from": "2026-03-01", "to": "2026-03-31"}).text, path
    hours = client.get("/api/v1/reports/hours", params={"from": "2026-03-01", "to": "2026-03-31"}).json()
    assert {row["student_email"] for row in hours} == {"student0@alpha.example", "student1@alpha.example"}


def test_without_a_session_every_route_signs_in_or_answers_401(client: TestClient, schools: Any) -> None:
    a = schools.extra["a"]
    problems = []
    for method, path, route in _routes(client):
        client.cookies.clear()
        answer = _ask(client, method, route, a["ids"], a)
        if path.startswith("/api"):
            ok = answer.status_code == 401 and answer.headers["content-type"].startswith("application/json")
        else:
            ok = answer.status_code == 303 and answer.headers["location"] == "/dashboard/sign-in"
        if not ok:
            problems.append(f"{method} {path}: {answer.status_code}")
    assert problems == []


def test_an_unknown_path_parameter_fails_the_test() -> None:
    with pytest.raises(pytest.fail.Exception, match="name the path parameter 'thing_id'"):
        _fill("/dashboard/things/{thing_id}", {"day_id": 1})


@pytest.mark.parametrize("bad", ["99999999999999999999", "0", "-1", "abc"])
def test_an_id_out_of_range_in_any_route_is_404(client: TestClient, schools: Any, bad: str) -> None:
    """Every route's id is a `web.paths.Id`: a number the database cannot hold names nothing."""
    a = schools.extra["a"]
    problems = []
    for method, _, route in _routes(client):
        if "{" not in route.path:
            continue
        csrf = _sign_in(client, schools, a["coordinator_id"])
        url = re.sub(r"{(\w+)(?::\w+)?}", bad, route.path)
        plausible = _plausible(a, csrf)
        headers = {"X-CSRF-Token": csrf}
        if method == "GET":
            answer = client.get(url)
        elif route.path.startswith("/api"):
            answer = client.request(method, url, json=_json_body(route, plausible), headers=headers)
        else:
            answer = client.request(method, url, data=plausible, headers=headers)
        if answer.status_code != 404:
            problems.append(f"{method} {route.path} with {bad}: {answer.status_code}")
    assert problems == []


def test_a_region_admin_sees_their_region_only_and_no_school_page(client: TestClient, schools: Any) -> None:
    """A region admin of another region (North) opens every route: the region's pages show North's
    counts, never Bay's schools or A's words; the coordinators' pages and API are not theirs (sign-in
    page, 401 or 403), so nothing of A's comes back and nothing changes. (The region's routes have
    no object in their path: what another region's admin could reach is Bay's figures, checked here.)"""
    a = schools.extra["a"]
    with schools.sessions.begin() as session:
        north = _region_admin(session, "North")
    before = _snapshot(schools)
    problems = []
    for method, path, route in _routes(client):
        csrf = _sign_in(client, schools, north)
        answer = _ask(client, method, route, a["ids"], a, csrf=csrf)
        if answer.status_code >= 500 or ("{" in path and answer.status_code not in (303, 401, 403, 404)):
            problems.append(f"{method} {path}: {answer.status_code}")
        shown = [w for w in [*a["words"], "alpha High", "bravo High", "Bay"] if w.lower() in answer.text.lower()]
        if shown:
            problems.append(f"{method} {path}: shows {shown}")
        if path.startswith("/region") and method == "GET" and answer.status_code != 200:
            problems.append(f"{method} {path}: {answer.status_code}, not the admin's own page")
    assert problems == []
    assert _snapshot(schools) == before
