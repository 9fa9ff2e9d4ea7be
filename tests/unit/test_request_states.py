"""The request state machine: every (state, event) pair; allowed moves move, the others are
refused with a reason and change nothing."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from messaging import outbox, rendering
from tests.support import builders
from workflow import requests
from workflow.errors import Refused
from workflow.models import ComplianceDocument, InternshipRequest, Opportunity, Person, Role
from workflow.requests import TRANSITIONS, Event, State

NOW = datetime(2026, 3, 2, 17, tzinfo=UTC)
LA = ZoneInfo("America/Los_Angeles")


@pytest.mark.parametrize(("state", "event"), list(itertools.product(State, Event)))
def test_every_state_and_event(state: State, event: Event) -> None:
    request = InternshipRequest(status=state.value, updated_at=NOW - timedelta(days=1))
    target = TRANSITIONS.get((state, event))
    if target is None:
        with pytest.raises(Refused) as refused:
            requests.move(request, event, NOW)
        assert (refused.value.reason, refused.value.details) == ("bad_move", {"state": state, "event": event})
        words = rendering.refusal(refused.value)
        assert re.fullmatch(r"This request is [a-z ()]+, so it can't be [a-z ]+\.", words), words
        assert (request.status, request.updated_at) == (state.value, NOW - timedelta(days=1)), "nothing changed"
    else:
        assert requests.move(request, event, NOW) == target
        assert (request.status, request.updated_at) == (target.value, NOW)


def test_the_table_reaches_every_state_and_has_terminal_ones() -> None:
    reached = {target for target in TRANSITIONS.values()} | {State.waiting, State.requested}
    assert reached == set(State)
    terminal = {s for s in State if not any(key[0] == s for key in TRANSITIONS)}
    assert terminal == {State.denied, State.expired, State.active, State.withdrawn}


@pytest.fixture
def placed(make_runtime: Any, sqlite_url: str) -> Any:
    return _place(make_runtime(database_url=sqlite_url))


def _place(runtime: Any) -> Any:
    with runtime.sessions.begin() as session:
        lincoln = builders.school(session, name="Lincoln High")
        cora = builders.person(session, lincoln, Role.coordinator, "Cora Diaz", "cora@example.org")
        alan = builders.person(session, lincoln, Role.advisor, "Alan Park", "alan@example.org")
        clinic = builders.site(session, lincoln, "Riverside Clinic")
        ruth = builders.person(session, lincoln, Role.mentor, "Ruth Chen", "ruth@example.org", site_id=clinic.id)
        maya = builders.person(
            session, lincoln, Role.student, "Maya Lopez", "maya@example.org", phone="+15555550100", advisor_id=alan.id
        )
        sam = builders.person(
            session, lincoln, Role.student, "Sam Ortiz", "sam@example.org", phone="+15555550101", advisor_id=alan.id
        )
        opportunity = Opportunity(
            school_id=lincoln.id, site_id=clinic.id, mentor_id=ruth.id, title="Radiology", field="health", capacity=1
        )
        front_desk = Opportunity(
            school_id=lincoln.id, site_id=clinic.id, mentor_id=ruth.id, title="Front desk", field="health", capacity=1
        )
        session.add_all(
            [
                opportunity,
                front_desk,
                ComplianceDocument(
                    mentor_id=ruth.id, kind="background_check", status="valid", expires_on=date(2030, 1, 1)
                ),
            ]
        )
        session.flush()
        ids = {
            "cora": cora.id,
            "alan": alan.id,
            "maya": maya.id,
            "sam": sam.id,
            "opportunity": opportunity.id,
            "front_desk": front_desk.id,
        }
    return runtime, ids


def test_services_refuse_moves_the_state_does_not_allow_and_change_nothing(placed: Any) -> None:
    runtime, ids = placed
    with runtime.sessions.begin() as session:
        maya, cora = session.get(Person, ids["maya"]), session.get(Person, ids["cora"])
        requests.request_opportunity(session, maya, ids["opportunity"], NOW)
        request = session.query(InternshipRequest).one()
        requests.decide_request(session, request, cora, approve=True, reason="", via="email", now=NOW)
        requests.pursuit_jobs(session, NOW + timedelta(days=15))
        assert request.status == State.expired
        with pytest.raises(Refused, match="'state': 'expired', 'event': 'approve'"):
            requests.decide_request(session, request, cora, approve=True, reason="", via="email", now=NOW)
        with pytest.raises(Refused, match="'event': 'ready'"):
            _ask_to_start(session, request, NOW)
        assert request.status == State.expired
        requests.request_opportunity(session, maya, ids["opportunity"], NOW)  # may ask again after it expired
        with pytest.raises(Refused, match="already_asked"):
            requests.request_opportunity(session, maya, ids["opportunity"], NOW)


def test_a_denied_request_cannot_start(placed: Any) -> None:
    runtime, ids = placed
    with runtime.sessions.begin() as session:
        maya, cora = session.get(Person, ids["maya"]), session.get(Person, ids["cora"])
        requests.request_opportunity(session, maya, ids["opportunity"], NOW)
        request = session.query(InternshipRequest).one()
        requests.decide_request(session, request, cora, approve=False, reason="Not this term", via="link", now=NOW)
        with pytest.raises(Refused, match="'state': 'denied', 'event': 'ready'"):
            _ask_to_start(session, request, NOW)
        assert (request.status, request.reason) == (State.denied, "Not this term")


def _approved(session: Session, ids: dict[str, int], now: datetime) -> InternshipRequest:
    maya, cora = session.get_one(Person, ids["maya"]), session.get_one(Person, ids["cora"])
    requests.request_opportunity(session, maya, ids["opportunity"], now)
    request = session.query(InternshipRequest).filter_by(student_id=maya.id).one()
    requests.decide_request(session, request, cora, approve=True, reason="", via="email", now=now)
    return request


def _ask_to_start(session: Session, request: InternshipRequest, now: datetime) -> None:
    requests.request_start(
        session,
        request,
        request.student,
        days="Tue Thu",
        start=time(9),
        end=time(15),
        first=date(2026, 4, 7),
        last=date(2026, 5, 29),
        now=now,
    )


def test_a_student_who_starts_frees_the_site_for_the_next_in_line(placed: Any) -> None:
    """Started students no longer count as pursuing the site, so the next in line is offered."""
    runtime, ids = placed
    with runtime.sessions.begin() as session:
        sam, alan = session.get(Person, ids["sam"]), session.get(Person, ids["alan"])
        assert sam is not None and alan is not None
        sam.school.pursuer_limit = 1
        maya_request = _approved(session, ids, NOW)
        requests.request_opportunity(session, sam, ids["front_desk"], NOW)
        sam_request = session.query(InternshipRequest).filter_by(student_id=sam.id).one()
        assert sam_request.status == State.waiting, "Maya is the one pursuer the site allows"
        _ask_to_start(session, maya_request, NOW)
        result = requests.decide_start(session, maya_request, alan, approve=True, reason="", via="email", now=NOW)
        assert (maya_request.status, sam_request.status) == (State.active, State.requested)
        told = [(n.template, n.to.email) for n in result.notifications if n.to is not None]
        assert ("sms/request_offered", "sam@example.org") in told
        assert ("email/request_decide", "cora@example.org") in told


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    """A time in March 2026 on the school's clock (Los Angeles; summer time begins Sunday the 8th)."""
    return datetime(2026, 3, day, hour, minute, tzinfo=LA).astimezone(UTC)


REMINDED = [("email/start_reminder", "alan@example.org")]
ESCALATED = [("email/start_escalated", "cora@example.org")]


@pytest.mark.parametrize(
    ("asked", "timeline"),
    [
        pytest.param(
            _at(6, 16, 30),  # Friday afternoon: already Saturday in UTC
            [
                (_at(6, 23), []),
                (_at(7, 12), []),  # the weekend is not school days
                (_at(8, 12), []),
                (_at(9, 9), []),  # Monday: one school day
                (_at(9, 17, 30), []),  # Monday evening is Tuesday in UTC: still one school day here
                (_at(10, 8), REMINDED),  # Tuesday: two school days, one reminder to the advisor
                (_at(10, 16), []),
                (_at(11, 12), []),
                (_at(11, 17, 30), []),
                (_at(12, 8), ESCALATED),  # two school days after the reminder: the coordinator
                (_at(13, 12), []),
                (_at(16, 12), []),
                (_at(30, 12), []),  # never again
            ],
            id="asked-on-a-friday",
        ),
        pytest.param(
            _at(4, 10),  # Wednesday
            [
                (_at(5, 10), []),
                (_at(6, 10), REMINDED),  # Friday
                (_at(7, 10), []),
                (_at(8, 10), []),
                (_at(9, 10), []),  # Monday: one school day since the reminder
                (_at(10, 10), ESCALATED),  # Tuesday
                (_at(11, 10), []),
                (_at(23, 10), []),
            ],
            id="reminded-on-a-friday",
        ),
    ],
)
def test_a_waiting_start_gets_one_reminder_after_two_school_days_then_goes_to_the_coordinator(
    placed: Any, asked: datetime, timeline: list[tuple[datetime, list[tuple[str, str]]]]
) -> None:
    runtime, ids = placed
    with runtime.sessions.begin() as session:
        _ask_to_start(session, _approved(session, ids, asked - timedelta(days=1)), asked)
    for when, expected in timeline:
        with runtime.sessions.begin() as session:
            notes = requests.start_reminders(session, when)
            sent = outbox.queue(session, notes, now=when)  # they render, with a subject
            assert [(m.template, m.to_address) for m in sent] == expected, f"at {when.astimezone(LA):%a %b %-d %H:%M}"
            assert all(m.subject for m in sent)
    with runtime.sessions() as session:
        request = session.query(InternshipRequest).one()
        assert request.status == State.start_requested, "reminding decides nothing"
        assert request.advisor_reminded_at is not None and request.escalated_at is not None
