"""The request state machine under Postgres row locks: a student's READY waits for the lapse job (the rest is in
tests/unit/test_request_states.py)."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

from tests.unit.test_request_states import NOW, _approved, _ask_to_start, _place
from workflow import requests
from workflow.errors import Refused
from workflow.models import InternshipRequest
from workflow.requests import State


def test_ready_waits_for_a_lapse_in_progress_and_is_refused(make_runtime: Any, postgres_url: str) -> None:
    """The lapse job has expired Maya's request and offered her place on, not yet committed, when
    she sends READY: her start waits for the job, then sees the request expired and is refused,
    rather than overwriting the lapse and holding the place twice."""
    runtime, ids = _place(make_runtime(database_url=postgres_url))
    with runtime.sessions.begin() as session:
        request_id = _approved(session, ids, NOW).id
    later = NOW + timedelta(days=15)
    outcome: list[str] = []

    def ready() -> None:
        with runtime.sessions.begin() as session:
            try:
                _ask_to_start(session, session.get_one(InternshipRequest, request_id), later)
                outcome.append("started")
            except Refused as refused:
                outcome.append(f"{refused.reason}: {refused.details.get('state')}")

    with runtime.sessions() as lapse:
        with lapse.begin():
            requests.pursuit_jobs(lapse, later)
            student = threading.Thread(target=ready)
            student.start()
            student.join(1.0)
            assert student.is_alive(), "READY should wait for the lapse's locks"
        student.join(10)
    assert outcome == ["bad_move: expired"]
    with runtime.sessions() as session:
        assert session.get_one(InternshipRequest, request_id).status == State.expired
