"""The request state machine: every (state, event) pair; allowed moves move, the others are
refused with a reason and change nothing."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest

from tests.support import school, world
from workflow import requests
from workflow.models import ComplianceDocument, InternshipRequest, Opportunity, Person, Role
from workflow.requests import TRANSITIONS, Event, Refused, State

NOW = datetime(2026, 3, 2, 17, tzinfo=UTC)


@pytest.mark.parametrize(("state", "event"), list(itertools.product(State, Event)))
def test_every_state_and_event(state: State, event: Event) -> None:
    request = InternshipRequest(status=state.value, updated_at=NOW - timedelta(days=1))
    target = TRANSITIONS.get((state, event))
    if target is None:
        with pytest.raises(Refused, match=r"^This request is .+, so it can't be .+\.$"):
            requests.move(request, event, NOW)
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
    runtime = make_runtime(database_url=sqlite_url)
    with runtime.sessions.begin() as session:
        lincoln = world.school(session, name="Lincoln High")
        cora = world.person(session, lincoln, Role.coordinator, "Cora Diaz", "cora@example.org")
        alan = world.person(session, lincoln, Role.advisor, "Alan Park", "alan@example.org")
        clinic = school.site(session, lincoln, "Riverside Clinic")
        ruth = world.person(session, lincoln, Role.mentor, "Ruth Chen", "ruth@example.org", site_id=clinic.id)
        maya = world.person(
            session, lincoln, Role.student, "Maya Lopez", "maya@example.org", phone="+15555550100", advisor_id=alan.id
        )
        opportunity = Opportunity(
            school_id=lincoln.id, site_id=clinic.id, mentor_id=ruth.id, title="Radiology", field="health", capacity=1
        )
        session.add_all(
            [
                opportunity,
                ComplianceDocument(
                    mentor_id=ruth.id, kind="background_check", status="valid", expires_on=date(2030, 1, 1)
                ),
            ]
        )
        session.flush()
        ids = {"cora": cora.id, "alan": alan.id, "maya": maya.id, "opportunity": opportunity.id}
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
        with pytest.raises(Refused, match=r"expired .+ can't be approved"):
            requests.decide_request(session, request, cora, approve=True, reason="", via="email", now=NOW)
        with pytest.raises(Refused, match="can't be started"):
            requests.request_start(
                session,
                request,
                maya,
                days="Tue",
                start=time(9),
                end=time(15),
                first=date(2026, 3, 3),
                last=date(2026, 5, 1),
                now=NOW,
            )
        assert request.status == State.expired
        requests.request_opportunity(session, maya, ids["opportunity"], NOW)  # may ask again after it expired
        with pytest.raises(Refused, match="already asked"):
            requests.request_opportunity(session, maya, ids["opportunity"], NOW)


def test_a_denied_request_cannot_start(placed: Any) -> None:
    runtime, ids = placed
    with runtime.sessions.begin() as session:
        maya, cora = session.get(Person, ids["maya"]), session.get(Person, ids["cora"])
        requests.request_opportunity(session, maya, ids["opportunity"], NOW)
        request = session.query(InternshipRequest).one()
        requests.decide_request(session, request, cora, approve=False, reason="Not this term", via="link", now=NOW)
        with pytest.raises(Refused, match="is denied, so it can't be started"):
            requests.request_start(
                session,
                request,
                maya,
                days="Tue",
                start=time(9),
                end=time(15),
                first=date(2026, 3, 3),
                last=date(2026, 5, 1),
                now=NOW,
            )
        assert (request.status, request.reason) == (State.denied, "Not this term")
