"""Fixing the record and deciding from the dashboard, through the real app (TestClient) on SQLite and
Postgres: a reason always (400 without, the entered values kept), times adjusted with hours
recounted, a day added, bulk confirm and bulk approve (all or nothing), CSRF, an advisor's rights,
and `confirmed_via: dashboard` in the attendance export."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from messaging.models import OutboundMessage
from relay.app import create_app
from tests.integration.test_staff_sign_in import _csrf, _sign_in
from tests.unit import oversight_world as w
from tests.unit.oversight_world import TODAY, at
from workflow import attendance, exports
from workflow.models import AuditEntry, DayStatus, InternshipDay, InternshipRequest, Person, Placement
from workflow.requests.states import State

MON = date(2026, 3, 9)
CORA, ALAN, ROSA = "cora@example.org", "alan@example.org", "rosa@example.org"


@pytest.fixture
def runtime(make_runtime: Any, backend: dict[str, Any]) -> Any:
    return make_runtime(**backend, quiet_hours="00:00-00:00")


@pytest.fixture
def world(runtime: Any) -> w.World:
    with runtime.sessions.begin() as session:
        return w.build(session)


@pytest.fixture
def client(runtime: Any, world: w.World) -> Iterator[TestClient]:
    with TestClient(create_app(runtime), follow_redirects=False) as test_client:
        yield test_client


def _signed_in(client: TestClient, runtime: Any, address: str = CORA) -> str:
    """Sign in; the CSRF token of the session."""
    _sign_in(client, runtime, address)
    return _csrf(client.get("/dashboard").text)


def _worked(runtime: Any, world: w.World, name: str, on: date, *, answer: bool | None = None) -> int:
    """A day `name` checked in at 9 and out at 3 (answered by the mentor if `answer` is given)."""
    with runtime.sessions.begin() as session:
        student = session.get_one(Person, world.students[name])
        attendance.check_in(session, student, at(9, on=on))
        attendance.check_out(session, student, at(15, on=on))
        day = attendance.day_of(session, session.get_one(Placement, world.placements[name]), on)
        assert day is not None
        if answer is not None:
            mentor = session.get_one(Person, world.mentor_id)
            attendance.answer_day(
                session, day, mentor, present=answer, feedback="Not seen", via="email", now=at(16, on=on)
            )
        return day.id


def _day(runtime: Any, day_id: int) -> InternshipDay:
    with runtime.sessions() as session:
        day: InternshipDay = session.get_one(InternshipDay, day_id)
        session.expunge(day)
        return day


def _requests(runtime: Any, world: w.World, *pairs: tuple[str, State]) -> list[int]:
    with runtime.sessions.begin() as session:
        w.background_check(session, world.mentor_id, date(2099, 1, 1))
        return [
            w.request(session, world.students[name], world.site_id, status, title=f"Role {name}").id
            for name, status in pairs
        ]


def _status(runtime: Any, request_id: int) -> str:
    with runtime.sessions() as session:
        status: str = session.get_one(InternshipRequest, request_id).status
        return status


def test_settling_a_disputed_day_needs_a_reason_recounts_hours_and_texts_the_student(
    client: TestClient, runtime: Any, world: w.World
) -> None:
    day_id = _worked(runtime, world, "Nora Noshow", MON, answer=False)
    csrf = _signed_in(client, runtime)
    page = client.get(f"/dashboard/days/{day_id}")
    assert page.status_code == 200 and "Nora Noshow" in page.text and "Disputed" in page.text
    assert 'value="09:00"' in page.text and 'value="15:00"' in page.text  # the school's local time
    radios = re.findall(r'<input type="radio" name="status"[^>]*>', page.text)
    assert len(radios) == 2 and not any("checked" in r for r in radios), "a disputed day: the coordinator chooses"
    unchosen = {"csrf_token": csrf, "check_in": "09:00", "check_out": "13:30", "reason": "Ruth phoned"}
    refused = client.post(f"/dashboard/days/{day_id}/resolve", data=unchosen)
    assert refused.status_code == 400 and "Choose what happened" in refused.text

    form = {"csrf_token": csrf, "status": "confirmed", "check_in": "09:00", "check_out": "13:30", "reason": "  "}
    refused = client.post(f"/dashboard/days/{day_id}/resolve", data=form)
    assert refused.status_code == 400 and "Please give a reason" in refused.text
    assert 'value="13:30"' in refused.text, "the entered values are kept"
    assert _day(runtime, day_id).status == DayStatus.disputed

    bad = client.post(f"/dashboard/days/{day_id}/resolve", data={**form, "check_out": "1:3x", "reason": "x"})
    assert bad.status_code == 400 and "like 9:05 or 14:30" in bad.text

    done = client.post(f"/dashboard/days/{day_id}/resolve", data={**form, "reason": "Ruth confirmed by phone"})
    assert done.status_code == 303 and done.headers["location"] == f"/dashboard/days/{day_id}?done=confirmed"
    day = _day(runtime, day_id)
    assert (day.status, day.hours, day.confirmed_via) == (DayStatus.confirmed, Decimal("4.50"), "dashboard")
    shown = client.get(done.headers["location"]).text
    assert "the day is confirmed" in shown and "Ruth confirmed by phone" in shown and "Cora Diaz" in shown
    with runtime.sessions() as session:
        texts = session.scalars(select(OutboundMessage).where(OutboundMessage.template == "sms/day_settled")).all()
        assert [t.to_address for t in texts] == [session.get_one(Person, world.students["Nora Noshow"]).phone]
        [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "day.resolved")).all()
        assert entry.channel == "dashboard" and entry.detail["reason"] == "Ruth confirmed by phone"
        [row] = [r for r in exports.attendance(session, school="Lincoln High") if r["date"] == MON.isoformat()]
        assert row["confirmed_via"] == "dashboard" and row["status"] == "confirmed"


def test_marking_missed_and_adding_a_day_never_texted(client: TestClient, runtime: Any, world: w.World) -> None:
    day_id = _worked(runtime, world, "Eli Expected", MON)
    csrf = _signed_in(client, runtime)
    missed = client.post(
        f"/dashboard/days/{day_id}/resolve",
        data={"csrf_token": csrf, "status": "missed", "check_in": "", "check_out": "", "reason": "Sick, mentor said"},
    )
    assert missed.status_code == 303 and _day(runtime, day_id).status == DayStatus.missed

    placement = world.placements["Nora Noshow"]
    page = client.get(f"/dashboard/students/{world.students['Nora Noshow']}")
    assert page.status_code == 200 and f'action="/dashboard/placements/{placement}/days"' in page.text
    form = {"csrf_token": csrf, "date": "2026-03-05", "check_in": "09:00", "check_out": "15:00", "reason": ""}
    refused = client.post(f"/dashboard/placements/{placement}/days", data=form)
    assert (
        refused.status_code == 400 and "Please give a reason" in refused.text and 'value="2026-03-05"' in refused.text
    )
    outside = client.post(f"/dashboard/placements/{placement}/days", data={**form, "date": "2025-01-06", "reason": "x"})
    assert outside.status_code == 400 and "outside this internship" in outside.text
    added = client.post(f"/dashboard/placements/{placement}/days", data={**form, "reason": "Phone was broken"})
    assert added.status_code == 303
    assert "the day is added" in client.get(added.headers["location"]).text
    with runtime.sessions() as session:
        day = session.scalars(
            select(InternshipDay).where(InternshipDay.placement_id == placement, InternshipDay.date == date(2026, 3, 5))
        ).one()
        assert (day.status, day.hours, day.confirmed_via) == (DayStatus.confirmed, Decimal("6.00"), "dashboard")


def test_bulk_confirm_all_or_nothing(client: TestClient, runtime: Any, world: w.World) -> None:
    first, second = _worked(runtime, world, "Nora Noshow", MON), _worked(runtime, world, "Eli Expected", MON)
    csrf = _signed_in(client, runtime)
    listed = client.get("/dashboard/days?status=pending")
    assert listed.status_code == 200 and f'value="{first}"' in listed.text and f'value="{second}"' in listed.text
    form = {"csrf_token": csrf, "status": "pending", "day_id": [str(first), str(world.other_day_id)], "reason": "Phone"}
    assert client.post("/dashboard/days/confirm", data=form).status_code == 404
    assert _day(runtime, first).status == DayStatus.pending, "nothing changed"

    done = client.post("/dashboard/days/confirm", data={**form, "day_id": [str(first), str(second)]})
    assert done.status_code == 303 and "done=days_confirmed&n=2" in done.headers["location"]
    assert {_day(runtime, d).confirmed_via for d in (first, second)} == {"dashboard"}
    assert "2 days confirmed" in client.get(done.headers["location"]).text


def test_bulk_approve_two_requests_all_or_nothing(client: TestClient, runtime: Any, world: w.World) -> None:
    one, two = _requests(runtime, world, ("Nora Noshow", State.requested), ("Eli Expected", State.requested))
    with runtime.sessions.begin() as session:
        theirs = w.request(session, world.other_student_id, w.site_named(session, "Harbor Lab"), State.requested).id
    csrf = _signed_in(client, runtime)
    listed = client.get("/dashboard/requests")
    assert listed.status_code == 200 and f'value="{one}"' in listed.text and f'value="{theirs}"' not in listed.text
    form = {"csrf_token": csrf, "request_id": [str(one), str(theirs)], "reason": "Good fit", "decision": "approve"}
    assert client.post("/dashboard/requests/decide", data=form).status_code == 404
    assert _status(runtime, one) == State.requested and _status(runtime, theirs) == State.requested

    done = client.post("/dashboard/requests/decide", data={**form, "request_id": [str(one), str(two)]})
    assert done.status_code == 303 and "done=approved&n=2" in done.headers["location"]
    assert _status(runtime, one) == _status(runtime, two) == State.pursuing
    with runtime.sessions() as session:
        approved = session.scalars(select(AuditEntry).where(AuditEntry.action == "request.approved")).all()
        assert {e.channel for e in approved} == {"dashboard"} and len(approved) == 2
    page = client.get(f"/dashboard/requests/{one}")
    assert page.status_code == 200 and "Cora Diaz" in page.text and "approved it" in page.text
    assert client.get(f"/dashboard/requests/{theirs}").status_code == 404


def test_writes_need_the_csrf_token(client: TestClient, runtime: Any, world: w.World) -> None:
    day_id = _worked(runtime, world, "Nora Noshow", MON, answer=False)
    [request_id] = _requests(runtime, world, ("Eli Expected", State.requested))
    _signed_in(client, runtime)
    form = {"status": "confirmed", "check_in": "09:00", "check_out": "15:00", "reason": "x"}
    assert client.post(f"/dashboard/days/{day_id}/resolve", data=form).status_code == 403
    assert client.post("/dashboard/days/confirm", data={"day_id": str(day_id), "reason": "x"}).status_code == 403
    decide = {"request_id": str(request_id), "reason": "x", "decision": "approve"}
    assert client.post("/dashboard/requests/decide", data=decide).status_code == 403
    assert client.post(f"/dashboard/requests/{request_id}/decide", data=decide).status_code == 403
    add = {"date": "2026-03-05", "check_in": "09:00", "check_out": "15:00", "reason": "x"}
    assert client.post(f"/dashboard/placements/{world.placements['Eli Expected']}/days", data=add).status_code == 403
    assert _day(runtime, day_id).status == DayStatus.disputed and _status(runtime, request_id) == State.requested


def test_another_schools_objects_are_404(client: TestClient, runtime: Any, world: w.World) -> None:
    csrf = _signed_in(client, runtime, ROSA)
    day_id = _worked(runtime, world, "Nora Noshow", MON, answer=False)
    for path in (f"/dashboard/days/{day_id}", f"/dashboard/students/{world.students['Nora Noshow']}"):
        assert client.get(path).status_code == 404
    form = {"csrf_token": csrf, "status": "confirmed", "check_in": "", "check_out": "", "reason": "x"}
    assert client.post(f"/dashboard/days/{day_id}/resolve", data=form).status_code == 404
    add = {"csrf_token": csrf, "date": "2026-03-05", "check_in": "09:00", "check_out": "15:00", "reason": "x"}
    assert client.post(f"/dashboard/placements/{world.placements['Nora Noshow']}/days", data=add).status_code == 404
    assert _day(runtime, day_id).status == DayStatus.disputed
    assert client.get(f"/dashboard/students/{world.other_student_id}").status_code == 200


def test_an_advisor_sees_advisees_decides_their_starts_and_fixes_nothing(
    client: TestClient, runtime: Any, world: w.World
) -> None:
    start, request = _requests(runtime, world, ("Ines In", State.start_requested), ("Ines In", State.requested))
    with runtime.sessions() as session:
        ines_day = attendance.day_of(session, session.get_one(Placement, world.placements["Ines In"]), TODAY)
        assert ines_day is not None
        day_id = ines_day.id
    csrf = _signed_in(client, runtime, ALAN)
    assert client.get(f"/dashboard/students/{world.students['Ines In']}").status_code == 200
    assert client.get(f"/dashboard/students/{world.students['Nora Noshow']}").status_code == 404
    listed = client.get("/dashboard/requests").text
    assert f'value="{start}"' in listed and "Nora Noshow" not in listed

    page = client.get(f"/dashboard/days/{day_id}")
    assert page.status_code == 200 and "Fix the record" not in page.text
    form = {"csrf_token": csrf, "status": "missed", "check_in": "", "check_out": "", "reason": "x"}
    refused = client.post(f"/dashboard/days/{day_id}/resolve", data=form)
    assert refused.status_code == 403 and "Only a coordinator can do this" in refused.text
    assert _day(runtime, day_id).status == DayStatus.open

    deny = {"csrf_token": csrf, "reason": "Not yet", "decision": "approve"}
    assert client.post(f"/dashboard/requests/{request}/decide", data=deny).status_code == 403
    assert _status(runtime, request) == State.requested
    done = client.post(f"/dashboard/requests/{start}/decide", data={**deny, "reason": "Timetable checked"})
    assert done.status_code == 303 and _status(runtime, start) == State.active
    assert re.search(r"Alex|Alan Park", client.get(done.headers["location"]).text)
