"""The JSON API (`/api/v1`) and its tokens, through the real app on SQLite and Postgres: bearer tokens
made, listed and revoked by the CLI and on the dashboard; cookie or bearer; CSRF for cookie writes
only; each endpoint's answer; another school's ids answer 404; /docs and /openapi.json."""

from __future__ import annotations

import argparse
import io
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from messaging.models import OutboundMessage
from relay import api_token_cli, cli
from relay.app import create_app
from tests.unit import oversight_world as ow
from web import api_tokens, staff_session
from web.models import ApiToken
from workflow import exports
from workflow.models import AuditEntry, DayStatus, InternshipDay, Person
from workflow.requests.states import State


class Clock:
    def __init__(self) -> None:
        self.now = ow.NOW

    def __call__(self) -> Any:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    moved = Clock()
    monkeypatch.setattr(staff_session, "now", moved)
    return moved


@pytest.fixture
def world(make_runtime: Any, backend: dict[str, Any], clock: Clock) -> Any:
    runtime = make_runtime(**backend)
    with runtime.sessions.begin() as session:
        built = ow.build(session)
        ow.request(session, built.students["Nora Noshow"], built.site_id, State.requested)
        day = session.get_one(InternshipDay, _day_of(session, built, "Omar Out"))
        day.status, day.mentor_feedback = DayStatus.disputed, "She left at nine"
    runtime.extra["world"] = built
    return runtime


def _day_of(session: Any, world: ow.World, name: str) -> int:
    placement_id = world.placements[name]
    day_id: int = session.scalars(select(InternshipDay.id).where(InternshipDay.placement_id == placement_id)).one()
    return day_id


@pytest.fixture
def client(world: Any) -> Iterator[TestClient]:
    with TestClient(create_app(world), follow_redirects=False) as test_client:
        yield test_client


def _w(runtime: Any) -> ow.World:
    built: ow.World = runtime.extra["world"]
    return built


def _cookie(client: TestClient, runtime: Any, person_id: int) -> str:
    """Sign `person_id` in on this client (a session row and its cookie); returns the CSRF token."""
    with runtime.sessions.begin() as session:
        session_id = staff_session.start(session, session.get_one(Person, person_id), staff_session.now())
    client.cookies.clear()
    client.cookies.set(staff_session.COOKIE, session_id, domain="testserver.local")
    return staff_session.csrf_token(session_id)


def _token(runtime: Any, email: str = "cora@example.org", label: str = "sync") -> str:
    with runtime.sessions.begin() as session:
        _, secret = api_tokens.create(
            session, api_tokens.coordinator(session, email), label, staff_session.now(), channel="cli"
        )
    return secret


def _bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def _run_cli(runtime: Any, *argv: str) -> tuple[int, str, str]:
    args = cli.parser().parse_args(["api-token", *argv])
    out, err = io.StringIO(), io.StringIO()
    code = api_token_cli.run(runtime, args, out, err)
    return code, out.getvalue(), err.getvalue()


def test_the_cli_makes_lists_and_revokes_tokens(world: Any, client: TestClient, clock: Clock) -> None:
    code, out, err = _run_cli(world, "create", "Cora@Example.org", "--label", "district sync")
    secret = out.strip()
    assert code == 0 and secret.startswith("rly_") and len(secret) >= 4 + 43 and "shown once" in err
    with world.sessions() as session:
        [row] = session.scalars(select(ApiToken))
        assert row.hash == api_tokens.token_hash(secret) and secret not in str(vars(row))
        assert row.label == "district sync" and row.last_used_at is None
    code, out, _ = _run_cli(world, "list", "cora@example.org")
    assert code == 0 and f"{row.id}\tdistrict sync\t" in out and "never used" in out and secret not in out

    assert client.get("/api/v1/students", headers=_bearer(secret)).status_code == 200
    assert "never used" not in _run_cli(world, "list", "cora@example.org")[1]

    assert _run_cli(world, "revoke", str(row.id))[:2] == (0, f"revoked API token {row.id}\n")
    assert _run_cli(world, "revoke", str(row.id))[1] == f"API token {row.id} was already revoked\n"
    refused = client.get("/api/v1/students", headers=_bearer(secret))
    assert refused.status_code == 401 and "revoked" in refused.json()["detail"]
    assert "revoked" in _run_cli(world, "list", "cora@example.org")[1]

    assert _run_cli(world, "create", "alan@example.org")[0] == 1  # an advisor: coordinators only
    assert "no active coordinator" in _run_cli(world, "create", "nobody@example.org")[2]
    assert _run_cli(world, "revoke", "999")[0] == 1
    with world.sessions() as session:
        actions = [(e.action, e.channel) for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert ("api_token.created", "cli") in actions and ("api_token.revoked", "cli") in actions
    assert isinstance(cli.parser().parse_args(["api-token", "revoke", "3"]), argparse.Namespace)


def test_bearer_tokens_authenticate_the_api_only(world: Any, client: TestClient, clock: Clock) -> None:
    secret = _token(world)
    assert client.get("/api/v1/today", headers=_bearer(secret)).status_code == 200
    with world.sessions() as session:
        first = session.scalars(select(ApiToken.last_used_at)).one()
    assert first == ow.NOW
    clock.now = ow.NOW + timedelta(seconds=30)
    client.get("/api/v1/today", headers=_bearer(secret))
    with world.sessions() as session:
        assert session.scalars(select(ApiToken.last_used_at)).one() == first  # at most once a minute
    clock.now = ow.NOW + timedelta(minutes=2)
    client.get("/api/v1/today", headers=_bearer(secret))
    with world.sessions() as session:
        assert session.scalars(select(ApiToken.last_used_at)).one() == clock.now

    for header in ("Bearer rly_madeup", "Bearer ", "Basic Y29yYTp4", f"Bearer {secret}x"):
        answer = client.get("/api/v1/today", headers={"Authorization": header})
        assert answer.status_code == 401 and answer.json()["detail"].startswith("Unknown or revoked API token")
    assert client.get("/api/v1/today").status_code == 401
    page = client.get("/dashboard", headers=_bearer(secret))  # a token is no way into the pages
    assert page.status_code == 303 and page.headers["location"] == "/dashboard/sign-in"


def test_cookie_writes_need_csrf_and_bearer_writes_do_not(world: Any, client: TestClient) -> None:
    w = _w(world)
    with world.sessions() as session:
        disputed, closed = _day_of(session, w, "Omar Out"), _day_of(session, w, "Cal Closed")
    body = {"status": "missed", "reason": "called in sick"}
    csrf = _cookie(client, world, w.coordinator.person_id)
    assert client.get(f"/api/v1/days/{disputed}").status_code == 200  # a cookie reads
    refused = client.post(f"/api/v1/days/{disputed}/resolve", json=body)
    assert refused.status_code == 403 and refused.json() == {"detail": "missing or wrong CSRF token"}
    assert client.get(f"/api/v1/days/{disputed}").json()["status"] == "disputed"
    done = client.post(f"/api/v1/days/{disputed}/resolve", json=body, headers={"X-CSRF-Token": csrf})
    assert done.status_code == 200 and done.json()["status"] == "missed"

    client.cookies.clear()
    by_token = client.post(f"/api/v1/days/{closed}/resolve", json=body, headers=_bearer(_token(world)))
    assert by_token.status_code == 200 and by_token.json()["confirmed_via"] == "dashboard"


def test_today_days_and_a_day(world: Any, client: TestClient) -> None:
    w = _w(world)
    headers = _bearer(_token(world))
    board = client.get("/api/v1/today", headers=headers).json()
    assert board["date"] == "2026-03-10"
    lines = {line["student_email"]: line for line in board["days"]}
    ines = lines["ines.in@example.org"]
    assert ines["presence"] == "in" and ines["check_in_at"] == "2026-03-10T09:02:00-07:00"
    assert ines["scheduled"] == {"start": "2026-03-10T09:00:00-07:00", "end": "2026-03-10T15:00:00-07:00"}
    assert ines["site"] == "Riverside Clinic" and ines["mentor_email"] == "ruth@example.org"
    assert lines["uma.unscheduled@example.org"]["scheduled"] is None
    assert (
        lines["nora.noshow@example.org"]["presence"] == "no_show" and lines["nora.noshow@example.org"]["day_id"] is None
    )
    omar = lines["omar.out@example.org"]
    assert (omar["status"], omar["mentor_feedback"], omar["hours"]) == ("disputed", "She left at nine", 3.07)
    expected = {"student_email", "site", "mentor_email", "scheduled", "presence", "check_in_at", "check_out_at"}
    assert expected | {"goals", "hours", "status", "mentor_feedback", "distance_m"} <= set(ines)
    assert "theo.other@example.org" not in lines

    days = client.get("/api/v1/days", params={"from": "2026-03-01", "to": "2026-03-31"}, headers=headers).json()
    assert {d["student_email"] for d in days} == {
        "ines.in@example.org",
        "omar.out@example.org",
        "cal.closed@example.org",
        "uma.unscheduled@example.org",
    }
    with world.sessions() as session:
        exported = {r["student_email"]: r for r in exports.attendance(session, school="Lincoln High")}
    for day in days:
        assert set(day) == {"id", *exports.ATTENDANCE_FIELDS}
        assert {k: v for k, v in day.items() if k != "id"} == exported[day["student_email"]]
    one = client.get(
        "/api/v1/days",
        params={"from": "2026-03-10", "to": "2026-03-10", "student_email": "OMAR.out@example.org"},
        headers=headers,
    )
    assert [d["student_email"] for d in one.json()] == ["omar.out@example.org"]
    assert client.get("/api/v1/days", params={"from": "2026-03-11", "to": "2026-03-31"}, headers=headers).json() == []
    backwards = client.get("/api/v1/days", params={"from": "2026-03-31", "to": "2026-03-01"}, headers=headers)
    assert backwards.status_code == 400 and backwards.json()["detail"] == "`from` must be on or before `to`."
    bad = client.get("/api/v1/days", params={"from": "March", "to": "2026-03-01"}, headers=headers)
    assert bad.status_code == 400 and bad.json()["code"] == "invalid" and "from" in bad.json()["detail"]
    assert (
        client.get("/api/v1/days", params={"from": "2025-01-01", "to": "2026-03-01"}, headers=headers).status_code
        == 400
    )

    day = client.get(f"/api/v1/days/{days[0]['id']}", headers=headers)
    assert day.status_code == 200 and day.json() == days[0]
    theirs = client.get(f"/api/v1/days/{w.other_day_id}", headers=headers)
    assert theirs.status_code == 404 and theirs.json()["code"] == "not_found"
    assert client.get("/api/v1/days/99999", headers=headers).json() == theirs.json()


def test_days_a_page_at_a_time(world: Any, client: TestClient) -> None:
    headers = _bearer(_token(world))
    month = {"from": "2026-02-01", "to": "2026-03-31"}
    everything = client.get("/api/v1/days", params=month, headers=headers)
    assert "Link" not in everything.headers, "one page holds them all: no next page"
    expected = everything.json()
    assert len(expected) >= 4
    pages: list[list[dict[str, Any]]] = []
    params: dict[str, str] | None = {**month, "limit": "3"}
    url: str | None = "/api/v1/days"
    while url:
        answer = client.get(url, params=params, headers=headers)
        assert answer.status_code == 200, answer.json()
        pages.append(answer.json())
        link = answer.headers.get("Link")
        url, params = (link.split(">;")[0].lstrip("<"), None) if link else (None, None)
        assert link is None or link.endswith('; rel="next"')
    assert all(len(page) == 3 for page in pages[:-1]) and 1 <= len(pages[-1]) <= 3
    assert [d for page in pages for d in page] == expected, "in order, none skipped or repeated"
    bad = client.get("/api/v1/days", params={**month, "cursor": "not-ours"}, headers=headers)
    assert bad.status_code == 400 and bad.json()["code"] == "bad_cursor"
    assert client.get("/api/v1/days", params={**month, "limit": "0"}, headers=headers).status_code == 400
    assert client.get("/api/v1/days", params={**month, "limit": "5001"}, headers=headers).status_code == 400


def test_attention_counts_and_the_first_of_each_list(world: Any, client: TestClient) -> None:
    headers = _bearer(_token(world))
    whole = client.get("/api/v1/attention", headers=headers).json()
    first = client.get("/api/v1/attention", params={"limit": 1}, headers=headers).json()
    assert first["counts"] == whole["counts"], "counts are of the whole lists"
    for name in ("unanswered", "disputed", "no_checkout", "no_shows", "decisions", "compliance"):
        assert first[name] == whole[name][:1]
    assert whole["counts"]["no_shows"] > 1 and len(first["no_shows"]) == 1


def test_resolving_a_day(world: Any, client: TestClient) -> None:
    w = _w(world)
    headers = _bearer(_token(world))
    with world.sessions() as session:
        disputed = _day_of(session, w, "Omar Out")
    path = f"/api/v1/days/{disputed}/resolve"
    missing = client.post(path, json={"status": "confirmed"}, headers=headers)
    assert missing.status_code == 400 and missing.json()["code"] == "reason_required"
    assert client.post(path, json={"status": "confirmed", "reason": "  "}, headers=headers).status_code == 400
    assert client.post(path, json={"status": "maybe", "reason": "x"}, headers=headers).status_code == 400
    future = client.post(
        path, json={"status": "confirmed", "check_out_at": "2026-03-10T23:00:00", "reason": "x"}, headers=headers
    )
    assert future.status_code == 400 and future.json()["code"] == "time_in_future"
    assert client.get(f"/api/v1/days/{disputed}", headers=headers).json()["status"] == "disputed"
    with world.sessions() as session:
        queued_before = len(session.scalars(select(OutboundMessage.id)).all())

    body = {
        "status": "confirmed",
        "check_in_at": "2026-03-10T07:00:00",
        "check_out_at": "2026-03-10T10:00:00-07:00",
        "reason": "mentor phoned",
    }
    done = client.post(path, json=body, headers=headers)
    assert done.status_code == 200, done.text
    settled = done.json()
    assert settled == client.get(f"/api/v1/days/{disputed}", headers=headers).json()
    assert (settled["status"], settled["hours"], settled["confirmed_via"]) == ("confirmed", 3.0, "dashboard")
    assert settled["check_in_at"] == "2026-03-10T07:00:00-07:00"
    with world.sessions() as session:
        assert len(session.scalars(select(OutboundMessage.id)).all()) > queued_before  # the student is texted
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "day.resolved")).one()
        assert entry.detail["reason"] == "mentor phoned" and entry.channel == "dashboard"
    other = client.post(f"/api/v1/days/{w.other_day_id}/resolve", json=body, headers=headers)
    assert other.status_code == 404


def test_students_a_record_and_attention(world: Any, client: TestClient) -> None:
    w = _w(world)
    headers = _bearer(_token(world))
    students = client.get("/api/v1/students", headers=headers).json()
    assert [s["name"] for s in students][:2] == ["Cal Closed", "Eli Expected"]
    assert {s["id"] for s in students} == set(w.students.values())
    ines = next(s for s in students if s["name"] == "Ines In")
    assert ines["advisor_email"] == "alan@example.org" and ines["email"] == "ines.in@example.org"

    record = client.get(f"/api/v1/students/{w.students['Omar Out']}", headers=headers).json()
    assert (
        record["student"]["email"] == "omar.out@example.org" and record["placements"][0]["site"] == "Riverside Clinic"
    )
    assert record["days"][0]["status"] == "disputed" and record["confirmed_hours"] == 0
    assert client.get(f"/api/v1/students/{w.other_student_id}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/students/{w.mentor_id}", headers=headers).status_code == 404  # not a student

    attention = client.get("/api/v1/attention", headers=headers).json()
    assert attention["counts"]["disputed"] == 1 and attention["counts"]["requests"] == 1
    assert attention["disputed"][0]["student"]["email"] == "omar.out@example.org"
    assert attention["decisions"][0]["kind"] == "request" and attention["decisions"][0]["age"] == "P2D"

    advisor = TestClient(client.app, follow_redirects=False)
    _cookie(advisor, world, w.advisor.person_id)
    assert [s["name"] for s in advisor.get("/api/v1/students").json()] == ["Ines In"]
    assert advisor.get(f"/api/v1/students/{w.students['Omar Out']}").status_code == 404


def test_tokens_on_the_dashboard(world: Any, client: TestClient) -> None:
    w = _w(world)
    theirs = _token(world, "rosa@example.org")
    csrf = _cookie(client, world, w.coordinator.person_id)
    page = client.get("/dashboard/api-tokens")
    assert page.status_code == 200 and "You have no tokens yet." in page.text
    assert client.post("/dashboard/api-tokens", data={"label": "sync"}).status_code == 403
    made = client.post("/dashboard/api-tokens", data={"label": "District sync", "csrf_token": csrf})
    assert made.status_code == 200 and "Copy it now" in made.text
    secret = made.text.split('<code class="secret">')[1].split("</code>")[0]
    assert client.get("/api/v1/today", headers=_bearer(secret)).status_code == 200
    listed = client.get("/dashboard/api-tokens")
    assert "District sync" in listed.text and secret not in listed.text and "Copy it now" not in listed.text
    with world.sessions() as session:
        mine = session.scalars(select(ApiToken).where(ApiToken.label == "District sync")).one()
        rosas = session.scalars(select(ApiToken).where(ApiToken.person_id == w.other_coordinator.person_id)).one()
    assert client.post(f"/dashboard/api-tokens/{rosas.id}/revoke", data={"csrf_token": csrf}).status_code == 404
    assert client.get("/api/v1/today", headers=_bearer(theirs)).status_code == 200
    assert client.post(f"/dashboard/api-tokens/{mine.id}/revoke").status_code == 403
    revoked = client.post(f"/dashboard/api-tokens/{mine.id}/revoke", data={"csrf_token": csrf})
    assert revoked.status_code == 303 and revoked.headers["location"] == "/dashboard/api-tokens"
    assert client.get("/api/v1/today", headers=_bearer(secret)).status_code == 401
    assert "revoked" in client.get("/dashboard/api-tokens").text
    with world.sessions() as session:
        actions = {(e.action, e.channel, e.actor_id) for e in session.scalars(select(AuditEntry))}
    me = w.coordinator.person_id
    assert {("api_token.created", "dashboard", me), ("api_token.revoked", "dashboard", me)} <= actions

    _cookie(client, world, w.advisor.person_id)  # advisors have no tokens
    assert "API tokens are for coordinators" in client.get("/dashboard/api-tokens").text


def test_docs_and_the_api_index(client: TestClient) -> None:
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/static/vendor/swagger-ui-bundle.js" in docs.text
    assert "<script>" not in docs.text and "cdn" not in docs.text.lower()
    assert docs.headers["Content-Security-Policy"].startswith("default-src 'self'; script-src 'self';")
    for asset in ("/static/vendor/swagger-ui-bundle.js", "/static/vendor/swagger-ui.css", "/static/api-docs.js"):
        assert client.get(asset).status_code == 200
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    assert {"/api/v1/today", "/api/v1/days", "/api/v1/days/{day_id}", "/api/v1/days/{day_id}/resolve"} <= paths
    assert {"/api/v1/students", "/api/v1/students/{student_id}", "/api/v1/attention"} <= paths
    assert not any(p.startswith("/dashboard") for p in paths)
    fields = spec["components"]["schemas"]["DayOut"]["properties"]
    assert {"id", *exports.ATTENDANCE_FIELDS} == set(fields)
    days_get = spec["paths"]["/api/v1/days"]["get"]
    assert [p["name"] for p in days_get["parameters"]] == ["from", "to", "student_email", "limit", "cursor"]
    assert "Link" in days_get["responses"]["200"]["headers"], "the next page's link is documented"
    attention_get = spec["paths"]["/api/v1/attention"]["get"]
    assert [p["name"] for p in attention_get["parameters"]] == ["limit"]
    assert "HTTPBearer" in spec["components"]["securitySchemes"]
    assert "422" not in spec["paths"]["/api/v1/days"]["get"]["responses"]  # ours answer 400 in words
    index = client.get("/api")
    assert index.status_code == 200 and index.json()["docs"] == "/docs"
    assert client.get("/redoc").status_code == 404
