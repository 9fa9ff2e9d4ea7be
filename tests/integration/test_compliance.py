"""Mentors' compliance documents through the real app (issue 11): one rule for who is cleared; an
expired background check blocks the advisor's start (the link stays usable) and puts the mentor in
Needs attention; renewing it on the mentor's page (CSRF, audited) lets the same link approve; a
placement for a mentor who is not cleared is imported and flagged; the mentor's and the student's
pages show what the issue lists."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from messaging import outbox
from messaging.models import OutboundMessage
from relay import transfer
from relay.app import create_app
from tests.integration.test_staff_sign_in import Clock, _audit, _csrf, _sign_in
from tests.support import builders
from web import staff_session
from workflow import compliance
from workflow.imports import import_rows
from workflow.models import (
    ComplianceDocument,
    DayStatus,
    Favourite,
    InternshipDay,
    InternshipRequest,
    Opportunity,
    Person,
    Placement,
    Role,
    School,
    WishlistField,
)
from workflow.requests.starting import start_email
from workflow.requests.states import State

LA = ZoneInfo("America/Los_Angeles")
CASEY, ALAN, BLAKE = "casey@a-high.example", "alan@a-high.example", "blake@b-high.example"


@dataclass
class World:
    runtime: Any
    today: date
    ruth: int
    maya: int
    start: int
    document: int


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    moved = Clock()
    moved.now = datetime.now(LA).replace(hour=12, minute=0, second=0, microsecond=0)
    monkeypatch.setattr(staff_session, "now", moved)
    return moved


@pytest.fixture
def world(make_runtime: Any, backend: dict[str, Any], clock: Clock) -> World:
    runtime = make_runtime(**backend)
    today = clock.now.date()
    with runtime.sessions.begin() as session:
        a, b = builders.school(session, "A High"), builders.school(session, "B High")
        builders.person(session, a, Role.coordinator, "Casey Rivera", CASEY)
        builders.person(session, b, Role.coordinator, "Blake Ode", BLAKE)
        alan = builders.person(session, a, Role.advisor, "Alan Turing", ALAN)
        clinic = builders.site(session, a, "Riverside Clinic")
        ruth = builders.person(session, a, Role.mentor, "Ruth Chen", "ruth@clinic.example", site_id=clinic.id)
        maya = builders.person(
            session, a, Role.student, "Maya Lopez", "maya@a-high.example", phone="+15555550101", advisor_id=alan.id
        )
        expired = ComplianceDocument(
            mentor_id=ruth.id, kind="background_check", status="valid", expires_on=today - timedelta(days=3)
        )
        session.add(expired)
        opportunity = Opportunity(school_id=a.id, site_id=clinic.id, mentor_id=ruth.id, title="Radiology", capacity=2)
        session.add(opportunity)
        session.flush()
        start = InternshipRequest(
            school_id=a.id,
            student_id=maya.id,
            opportunity_id=opportunity.id,
            status=State.start_requested,
            days="Tue Thu",
            start_time=time(9),
            end_time=time(15),
            start_date=today + timedelta(days=7),
            end_date=today + timedelta(days=60),
            start_requested_at=clock.now,
        )
        session.add(start)
        session.add_all(
            [
                WishlistField(student_id=maya.id, field="veterinary medicine"),
                Favourite(student_id=maya.id, opportunity_id=opportunity.id),
            ]
        )
        session.flush()
        return World(runtime, today, ruth.id, maya.id, start.id, expired.id)


@pytest.fixture
def client(world: World) -> Iterator[TestClient]:
    with TestClient(create_app(world.runtime), follow_redirects=False) as test_client:
        yield test_client


def _decide_link(world: World) -> str:
    """The advisor's start email, as the app queues it, and the signed link in it."""
    with world.runtime.sessions.begin() as session:
        request = session.get_one(InternshipRequest, world.start)
        (message,) = outbox.queue(session, [start_email(session, request, reminder=False)])
        body = message.body_text or ""
    match = re.search(r"https?://[^/\s]+(/l/[A-Za-z0-9_.\-]+)", body)
    assert match, body
    return match.group(1)


def _status(world: World) -> str:
    with world.runtime.sessions() as session:
        return str(session.get_one(InternshipRequest, world.start).status)


def _words(html: str) -> str:
    return re.sub(r"\s+", " ", html.replace("&#39;", "'").replace("&amp;", "&"))


def test_the_rule_is_one_for_every_kind_the_school_requires(world: World) -> None:
    with world.runtime.sessions.begin() as session:
        ruth = session.get_one(Person, world.ruth)
        today = world.today
        assert [str(p) for p in compliance.problems(session, ruth, today)] == [
            f"Ruth Chen's background check expired on {today - timedelta(days=3):%b %-d, %Y}"
        ]
        document = session.get_one(ComplianceDocument, world.document)
        document.expires_on = today  # expiring today is still valid today
        assert compliance.problems(session, ruth, today) == []
        assert compliance.standing(document, today) == compliance.Standing.expiring
        document.status = "pending"
        assert [p.standing for p in compliance.problems(session, ruth, today)] == [compliance.Standing.pending]
        document.status, document.expires_on = "valid", None
        session.get_one(School, ruth.school_id).required_documents = "background_check tb_test"
        assert [str(p) for p in compliance.problems(session, ruth, today)] == ["Ruth Chen has no tb test on file"]


def test_expired_check_blocks_the_start_then_renewal_lets_the_same_link_approve(
    client: TestClient, world: World
) -> None:
    link = _decide_link(world)
    expired_on = f"{world.today - timedelta(days=3):%b %-d, %Y}"
    shown = _words(client.get(link).text)
    assert f"Before you approve: Ruth Chen's background check expired on {expired_on}" in shown

    blocked = _words(client.post(link, data={"choice": "approve"}).text)
    assert f"Not approved yet: Ruth Chen's background check expired on {expired_on}" in blocked
    assert "open this same link and approve again" in blocked
    assert _status(world) == State.start_requested
    assert len(_audit(world.runtime, "request.start_blocked")) == 1
    with world.runtime.sessions() as session:
        told = session.scalars(
            select(OutboundMessage.to_address).where(OutboundMessage.template == "email/start_blocked")
        )
        assert set(told) == {ALAN, CASEY}

    _sign_in(client, world.runtime, CASEY)
    attention = _words(client.get("/dashboard/attention").text)
    assert f'<a href="/dashboard/mentors/{world.ruth}">Ruth Chen</a>: background check <strong>expired' in attention
    page = client.get(f"/dashboard/mentors/{world.ruth}")
    assert "Not cleared to take a student" in _words(page.text)
    assert 'Maya Lopez</strong></a>, Radiology <span class="badge badge-warn">Blocked' in _words(page.text)
    next_year = (world.today + timedelta(days=365)).isoformat()
    renew = {"kind": "background_check", "status": "valid", "expires_on": next_year, "note": "Renewed by fax"}
    assert client.post(f"/dashboard/mentors/{world.ruth}/documents", data=renew).status_code == 403  # no CSRF
    done = client.post(f"/dashboard/mentors/{world.ruth}/documents", data={**renew, "csrf_token": _csrf(page.text)})
    assert done.status_code == 303
    assert done.headers["location"] == f"/dashboard/mentors/{world.ruth}?done=document_renewed#documents"
    (entry,) = _audit(world.runtime, "compliance.renewed")
    assert entry.channel == "dashboard" and entry.object_type == "mentor" and entry.object_id == world.ruth
    assert entry.detail["before"]["expires_on"] == (world.today - timedelta(days=3)).isoformat()
    assert entry.detail["after"] == {"status": "valid", "expires_on": next_year, "note": "Renewed by fax"}
    after = _words(client.get(done.headers["location"]).text)
    assert "Done: the document is renewed." in after and "Cleared: every required document is valid." in after
    assert "Renewed by fax" in after
    assert "Ruth Chen</a>: background check" not in _words(client.get("/dashboard/attention").text)

    client.cookies.clear()
    approved = _words(client.post(link, data={"choice": "approve"}).text)
    assert "Maya's start is approved." in approved
    assert _status(world) == State.active
    again = _words(client.get(link).text)
    assert "This was already answered" in again and "Maya's start is approved." in again
    with world.runtime.sessions() as session:
        assert session.scalars(select(Placement.mentor_id)).one() == world.ruth


def test_adding_a_document_refuses_bad_input_and_advisors_and_other_schools(client: TestClient, world: World) -> None:
    _sign_in(client, world.runtime, CASEY)
    page = client.get(f"/dashboard/mentors/{world.ruth}")
    csrf = _csrf(page.text)
    bad = client.post(
        f"/dashboard/mentors/{world.ruth}/documents",
        data={"csrf_token": csrf, "kind": "tb test", "status": "valid", "expires_on": "next june", "note": ""},
    )
    assert bad.status_code == 400 and "Please pick the expiry date" in bad.text and 'value="tb test"' in bad.text
    unnamed = client.post(
        f"/dashboard/mentors/{world.ruth}/documents",
        data={"csrf_token": csrf, "kind": "  ", "status": "valid"},
    )
    assert unnamed.status_code == 400 and "Please name the kind of document" in unnamed.text
    added = client.post(
        f"/dashboard/mentors/{world.ruth}/documents",
        data={"csrf_token": csrf, "kind": "TB test", "status": "pending", "expires_on": "", "note": "Sent Monday"},
    )
    assert added.headers["location"].endswith("?done=document_added#documents")
    assert len(_audit(world.runtime, "compliance.added")) == 1
    with world.runtime.sessions() as session:
        kinds = set(session.scalars(select(ComplianceDocument.kind).where(ComplianceDocument.mentor_id == world.ruth)))
    assert kinds == {"background_check", "tb_test"}

    _sign_in(client, world.runtime, BLAKE)
    assert client.get(f"/dashboard/mentors/{world.ruth}").status_code == 404
    _sign_in(client, world.runtime, ALAN)  # Maya's advisor: sees Ruth once Ruth has one of his students
    assert client.get(f"/dashboard/mentors/{world.ruth}").status_code == 404
    with world.runtime.sessions.begin() as session:
        school = session.get_one(School, session.get_one(Person, world.ruth).school_id)
        builders.placement(
            session, school, session.get_one(Person, world.maya), session.get_one(Person, world.ruth), _clinic(session)
        )
    page = client.get(f"/dashboard/mentors/{world.ruth}")
    assert page.status_code == 200 and "Add another document" not in page.text
    refused = client.post(
        f"/dashboard/mentors/{world.ruth}/documents",
        data={"csrf_token": _csrf(page.text), "kind": "background_check", "status": "valid"},
    )
    assert refused.status_code == 403 and "Only a coordinator can do this" in refused.text


def _clinic(session: Any) -> Any:
    from workflow.models import Site

    return session.scalars(select(Site).where(Site.name == "Riverside Clinic")).one()


def test_a_placement_for_a_mentor_not_cleared_is_imported_and_flagged(world: World, tmp_path: Path) -> None:
    header = [
        "school",
        "student_email",
        "mentor_email",
        "site",
        "days",
        "start_time",
        "end_time",
        "start_date",
        "end_date",
    ]
    row = ["A High", "maya@a-high.example", "ruth@clinic.example", "Riverside Clinic", "Tue Thu", "9:00", "15:00"]
    row += ["2026-01-12", "2026-03-20"]
    with world.runtime.sessions.begin() as session:
        report = import_rows(
            session, "placements", header, [dict(zip(header, row, strict=True))], now=staff_session.now()
        )
    assert report.created == 1 and len(report.flags) == 1
    expired_on = f"{world.today - timedelta(days=3):%b %-d, %Y}"
    assert str(report.flags[0]) == (
        f"line 2: imported, but flagged: Ruth Chen's background check expired on {expired_on} (Maya Lopez's mentor)"
    )
    (entry,) = _audit(world.runtime, "import.placements")
    assert entry.detail["flagged"] == [str(report.flags[0])]

    path = tmp_path / "placements.csv"
    path.write_text(",".join(header) + "\n" + ",".join(row) + "\n")
    out, err = io.StringIO(), io.StringIO()
    assert transfer.import_file(world.runtime, "placements", path, out=out, err=err) == 0
    assert "1 to look at (imported all the same):" in out.getvalue() and "(Maya Lopez's mentor)" in out.getvalue()

    renewed = tmp_path / "compliance.csv"
    renewed.write_text(
        "school,mentor_email,kind,status,expires_on,note\n"
        f"A High,ruth@clinic.example,Background check,valid,{world.today + timedelta(days=200)},paper copy\n"
    )
    assert transfer.import_file(world.runtime, "compliance", renewed, out=io.StringIO(), err=err) == 0
    out = io.StringIO()
    assert transfer.import_file(world.runtime, "placements", path, out=out, err=err) == 0
    assert "to look at" not in out.getvalue()
    with world.runtime.sessions() as session:
        document = session.get_one(ComplianceDocument, world.document)
        assert document.note == "paper copy" and session.scalars(select(Placement)).one()


def test_the_mentors_page_and_the_students_page(client: TestClient, world: World) -> None:
    with world.runtime.sessions.begin() as session:
        school = session.get_one(School, session.get_one(Person, world.ruth).school_id)
        placement = builders.placement(
            session, school, session.get_one(Person, world.maya), session.get_one(Person, world.ruth), _clinic(session)
        )
        for n, (wait, feedback) in enumerate([(2, "Great with patients"), (4, None), (None, None)]):
            on = world.today - timedelta(days=n + 1)
            asked = datetime.combine(on, time(15), LA)
            session.add(
                InternshipDay(
                    placement_id=placement.id,
                    date=on,
                    status=DayStatus.confirmed if wait else DayStatus.pending,
                    check_in_at=datetime.combine(on, time(9), LA),
                    check_out_at=asked,
                    hours=6,
                    goals="Shadow the radiographer" if n == 0 else None,
                    confirmation_requested_at=asked,
                    confirmed_at=asked + timedelta(hours=wait) if wait else None,
                    confirmed_via="email" if wait else None,
                    mentor_feedback=feedback,
                )
            )
    _sign_in(client, world.runtime, CASEY)
    mentor = _words(client.get(f"/dashboard/mentors/{world.ruth}").text)
    assert "<strong>67%</strong> of 3 days answered" in mentor
    assert "<strong>3 hours</strong> median time to answer" in mentor
    assert "Great with patients" in mentor and f'href="/dashboard/students/{world.maya}"' in mentor
    assert "Flagged: mentor not cleared" in mentor and 'class="badge badge-expired">Expired' in mentor

    student = _words(client.get(f"/dashboard/students/{world.maya}").text)
    assert f'with <a href="/dashboard/mentors/{world.ruth}">Ruth Chen</a>' in student
    assert "Flagged: the mentor isn't cleared" in student
    assert "Shadow the radiographer" in student and "6 h" in student
    assert "veterinary medicine" in student and "<strong>Radiology</strong> at Riverside Clinic" in student
    today = _words(client.get("/dashboard").text)
    assert f'with <a href="/dashboard/mentors/{world.ruth}">Ruth Chen</a>' in today


def test_needs_attention_lists_a_missing_check_for_a_mentor_with_work_only(client: TestClient, world: World) -> None:
    with world.runtime.sessions.begin() as session:
        school = session.get_one(School, session.get_one(Person, world.ruth).school_id)
        clinic = _clinic(session)
        omar = builders.person(session, school, Role.mentor, "Omar Diaz", "omar@clinic.example", site_id=clinic.id)
        builders.person(session, school, Role.mentor, "Idle Ida", "ida@clinic.example", site_id=clinic.id)
        session.add(Opportunity(school_id=school.id, site_id=clinic.id, mentor_id=omar.id, title="Lab", capacity=1))
    _sign_in(client, world.runtime, CASEY)
    page = _words(client.get("/dashboard/attention").text)
    assert "Omar Diaz</a>: <strong>no background check on file</strong>" in page
    assert "Idle Ida" not in page
    assert 'Mentor documents <span class="count">2</span>' in page
    api = client.get("/api/v1/attention").json()
    missing = [c for c in api["compliance"] if c["standing"] == "missing"]
    assert [(c["mentor"]["name"], c["document_id"], c["kind"]) for c in missing] == [
        ("Omar Diaz", None, "background_check")
    ]


def test_approving_a_blocked_start_on_the_dashboard_says_it_was_not_approved(client: TestClient, world: World) -> None:
    _sign_in(client, world.runtime, CASEY)
    page = client.get(f"/dashboard/requests/{world.start}")
    answer = client.post(
        f"/dashboard/requests/{world.start}/decide",
        data={"csrf_token": _csrf(page.text), "decision": "approve", "reason": "Good fit"},
    )
    assert answer.status_code == 303 and answer.headers["location"].endswith("?done=blocked&n=1")
    shown = _words(client.get(answer.headers["location"]).text)
    assert "Not approved: 1 start blocked by the mentor's documents" in shown
    assert "start blocked by the mentor's paperwork" in shown  # the request's history
    assert _status(world) == State.start_requested
