"""Who hears what as a request moves: the mentor when the coordinator approves, the student with
their place when a request waits in line, the coordinator the places others hold, and the student
by text (as the page promised) when the advisor approves the start."""

from __future__ import annotations

from typing import Any

import pytest

from messaging import outbox
from messaging.models import OutboundMessage
from tests.support import builders
from tests.unit.test_request_states import NOW, _ask_to_start, _place
from workflow import requests
from workflow.models import InternshipRequest, Person, Role


@pytest.fixture
def placed(make_runtime: Any, sqlite_url: str) -> Any:
    return _place(make_runtime(database_url=sqlite_url, quiet_hours="00:00-00:00"))


def _sent(runtime: Any, template: str) -> list[OutboundMessage]:
    with runtime.sessions() as session:
        return list(session.query(OutboundMessage).filter_by(template=template).order_by(OutboundMessage.id))


def _ask(runtime: Any, student: int, opportunity: int) -> None:
    with runtime.sessions.begin() as session:
        result = requests.request_opportunity(session, session.get_one(Person, student), opportunity, NOW)
        outbox.queue(session, result.notifications, now=NOW)


def test_the_mentor_hears_when_a_student_is_approved_to_contact_them(placed: Any) -> None:
    runtime, ids = placed
    _ask(runtime, ids["maya"], ids["opportunity"])
    with runtime.sessions.begin() as session:
        request = session.query(InternshipRequest).one()
        cora = session.get_one(Person, ids["cora"])
        result = requests.decide_request(session, request, cora, approve=True, reason="", via="email", now=NOW)
        outbox.queue(session, result.notifications, now=NOW)
    [mail] = _sent(runtime, "email/mentor_student_coming")
    assert mail.to_address == "ruth@example.org"
    assert mail.subject == "Maya Lopez may contact you about Radiology"
    body = " ".join(mail.body_text.split())
    assert "approved Maya Lopez's request for Radiology at Riverside Clinic" in body
    assert "(maya@example.org)" in body and "until Mon Mar 16" in body
    assert "When the advisor approves, you'll get an email with the schedule." in body


def test_a_request_put_in_line_tells_the_student_their_place(placed: Any) -> None:
    runtime, ids = placed
    with runtime.sessions.begin() as session:
        session.get_one(Person, ids["sam"]).school.pursuer_limit = 1
    _ask(runtime, ids["maya"], ids["opportunity"])  # the one pursuer the site allows
    _ask(runtime, ids["sam"], ids["front_desk"])  # another opportunity, the same site's line
    with runtime.sessions.begin() as session:
        lincoln = session.get_one(Person, ids["sam"]).school
        dee = builders.person(session, lincoln, Role.student, "Dee Ray", "dee@example.org", phone="+15555550102")
        dee_id = dee.id
    _ask(runtime, dee_id, ids["opportunity"])  # after Sam, for another of the site's opportunities
    texts = [(m.to_address, m.body_text) for m in _sent(runtime, "sms/request_waiting")]
    assert texts == [
        (
            "+15555550101",
            "Your request for Front desk at Riverside Clinic is in line: you're number 1. "
            "We'll text you when a place opens.",
        ),
        (
            "+15555550102",
            "Your request for Radiology at Riverside Clinic is in line: you're number 2. "
            "We'll text you when a place opens.",
        ),
    ]


def test_places_taken_counts_others_not_the_request_being_decided(placed: Any) -> None:
    runtime, ids = placed
    _ask(runtime, ids["maya"], ids["opportunity"])
    [mail] = _sent(runtime, "email/request_decide")
    assert "Places already taken by other students: 0 of 1." in mail.body_text


def test_the_advisors_approval_reaches_the_student_by_text(placed: Any) -> None:
    runtime, ids = placed
    _ask(runtime, ids["maya"], ids["opportunity"])
    with runtime.sessions.begin() as session:
        request = session.query(InternshipRequest).one()
        cora, alan = session.get_one(Person, ids["cora"]), session.get_one(Person, ids["alan"])
        requests.decide_request(session, request, cora, approve=True, reason="", via="email", now=NOW)
        _ask_to_start(session, request, NOW)
        result = requests.decide_start(session, request, alan, approve=True, reason="", via="email", now=NOW)
        outbox.queue(session, result.notifications, now=NOW)
    [text] = _sent(runtime, "sms/start_approved")
    assert text.to_address == "+15555550100"
    assert text.body_text == (
        "Your advisor approved your start at Riverside Clinic! Text CHECKIN when you arrive on Tue Apr 7, "
        "and CHECKOUT when you leave."
    )
