"""Evaluations' scheduled jobs with a controlled clock (Los Angeles), the export, and the import's
mid-point column: asked once at the end (and halfway when the school says so), reminded after 5
school days, then the coordinators told; recommendations leave Relay only with consent."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from sqlalchemy import select

from messaging.models import OutboundMessage
from relay import transfer
from relay.jobs import _domain_runner
from tests.support import builders
from workflow import evaluations, imports
from workflow.models import Evaluation, EvaluationStatus, Person, School

LEVELS = {
    "personal_qualities": 4,
    "communication": 3,
    "quantitative_reasoning": 3,
    "empirical_reasoning": 2,
    "social_reasoning": 4,
}


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def run(job: Any, now: datetime) -> None:
    _domain_runner(job)(now)


def _messages(runtime: Any, template: str) -> list[OutboundMessage]:
    with runtime.sessions() as session:
        query = select(OutboundMessage).where(OutboundMessage.template == template).order_by(OutboundMessage.id)
        return list(session.scalars(query))


def _evaluations(runtime: Any) -> list[Evaluation]:
    with runtime.sessions() as session:
        return list(session.scalars(select(Evaluation).order_by(Evaluation.id)))


@pytest.fixture
def runtime(make_runtime: Any, sqlite_url: str) -> Any:
    return make_runtime(database_url=sqlite_url, quiet_hours="00:00-00:00")


@pytest.fixture
def place(runtime: Any) -> builders.SchoolWorld:
    """Tue and Thu, 9 to 3, Jan 12 to Fri Mar 13 2026 (3pm PDT is 22:00 UTC)."""
    return builders.build(
        runtime,
        weekdays="Tue Thu",
        start=time(9, 0),
        end=time(15, 0),
        start_date=date(2026, 1, 12),
        end_date=date(2026, 3, 13),
    )


def test_asked_once_after_the_last_days_end(runtime: Any, place: Any) -> None:
    run(evaluations.ask_evaluations, utc(3, 13, 21, 59))
    assert _evaluations(runtime) == []
    run(evaluations.ask_evaluations, utc(3, 13, 22, 0))
    run(evaluations.ask_evaluations, utc(3, 13, 22, 15))
    [evaluation] = _evaluations(runtime)
    assert (evaluation.moment, evaluation.status, evaluation.asked_at) == ("end", "asked", utc(3, 13, 22))
    assert len(_messages(runtime, "email/evaluation_request")) == 1
    [text] = _messages(runtime, "sms/evaluation_rate")
    assert text.to_address == builders.STUDENT_PHONE


def test_a_placement_that_ended_weeks_ago_is_not_asked_about(runtime: Any, place: Any) -> None:
    run(evaluations.ask_evaluations, utc(3, 28, 20))  # 15 days after
    assert _evaluations(runtime) == []


@pytest.mark.parametrize("midpoint", [True, False])
def test_a_midpoint_evaluation_only_when_the_school_asks_for_one(runtime: Any, place: Any, midpoint: bool) -> None:
    with runtime.sessions.begin() as session:
        session.get(School, place.school_id).midpoint_evaluation = midpoint
    run(evaluations.ask_evaluations, utc(2, 10, 20))  # Jan 12 + 30 days is Feb 11: not yet
    assert _evaluations(runtime) == []
    run(evaluations.ask_evaluations, utc(2, 11, 20))
    moments = [e.moment for e in _evaluations(runtime)]
    assert moments == (["mid"] if midpoint else [])
    assert _messages(runtime, "sms/evaluation_rate") == [], "the student rates the internship at its end only"
    if midpoint:
        [email] = _messages(runtime, "email/evaluation_request")
        assert "halfway through the internship" in email.body_text


def test_reminded_after_five_school_days_then_the_coordinator_is_told(runtime: Any, place: Any) -> None:
    run(evaluations.ask_evaluations, utc(3, 13, 22))  # Friday
    run(evaluations.remind_evaluations, utc(3, 19, 23))  # Thursday: 4 school days
    assert _evaluations(runtime)[0].status == EvaluationStatus.asked
    run(evaluations.remind_evaluations, utc(3, 20, 17))  # next Friday: 5 (the weekend does not count)
    run(evaluations.remind_evaluations, utc(3, 20, 18))
    [evaluation] = _evaluations(runtime)
    assert (evaluation.status, evaluation.reminded_at) == (EvaluationStatus.reminded, utc(3, 20, 17))
    emails = _messages(runtime, "email/evaluation_request")
    assert len(emails) == 2 and (emails[1].subject or "").startswith("Reminder: ")
    run(evaluations.remind_evaluations, utc(3, 23, 23))  # Monday: 1 school day after the reminder
    assert _messages(runtime, "email/evaluation_escalated") == []
    run(evaluations.remind_evaluations, utc(3, 24, 17))  # Tuesday: 2
    run(evaluations.remind_evaluations, utc(3, 25, 17))
    [told] = _messages(runtime, "email/evaluation_escalated")
    assert told.to_address == "cora@example.org" and told.subject == "Ruth Chen hasn't evaluated Maya Lopez yet"
    assert _evaluations(runtime)[0].status == EvaluationStatus.escalated


def test_an_answered_evaluation_is_never_reminded(runtime: Any, place: Any) -> None:
    run(evaluations.ask_evaluations, utc(3, 13, 22))
    with runtime.sessions.begin() as session:
        evaluation = session.scalars(select(Evaluation)).one()
        mentor = session.get(Person, place.mentor_id)
        assert mentor is not None
        evaluations.record_answer(
            session, evaluation, mentor, LEVELS, comment="", endorsement="", via="email", now=utc(3, 16, 17)
        )
    run(evaluations.remind_evaluations, utc(3, 30, 17))
    assert len(_messages(runtime, "email/evaluation_request")) == 1
    assert _evaluations(runtime)[0].status == EvaluationStatus.answered


def _answered(runtime: Any, place: Any, *, comment: str, consent: bool | None) -> None:
    run(evaluations.ask_evaluations, utc(3, 13, 22))
    with runtime.sessions.begin() as session:
        evaluation = session.scalars(select(Evaluation)).one()
        mentor = session.get(Person, place.mentor_id)
        assert mentor is not None
        evaluations.record_answer(
            session,
            evaluation,
            mentor,
            LEVELS,
            comment=comment,
            endorsement="-A true professional",
            via="link",
            now=utc(3, 16, 17),
        )
        evaluation.endorsement_consent = consent


def _export(runtime: Any, fmt: str) -> str:
    out = io.StringIO()
    assert transfer.export(runtime, "evaluations", fmt, out) == 0
    return out.getvalue()


def test_the_export_quotes_formulas_and_shows_a_recommendation_only_with_consent(runtime: Any, place: Any) -> None:
    _answered(runtime, place, comment='=HYPERLINK("http://evil.example")', consent=True)
    [row] = list(csv.DictReader(io.StringIO(_export(runtime, "csv"))))
    assert row["comment"] == '\'=HYPERLINK("http://evil.example")' and row["endorsement"] == "'-A true professional"
    assert (row["communication"], row["empirical_reasoning"], row["moment"], row["status"]) == (
        "3",
        "2",
        "end",
        "answered",
    )
    [record] = json.loads(_export(runtime, "json"))
    assert record["answered_at"] == "2026-03-16T10:00:00-07:00" and record["social_reasoning"] == 4
    assert record["endorsement"] == "-A true professional" and record["student_rating"] is None


@pytest.mark.parametrize("consent", [None, False])
def test_without_consent_the_recommendation_stays_in_relay(runtime: Any, place: Any, consent: bool | None) -> None:
    _answered(runtime, place, comment="Great", consent=consent)
    [record] = json.loads(_export(runtime, "json"))
    assert record["endorsement"] is None and record["endorsement_consent"] is consent
    with runtime.sessions() as session:
        [shown] = evaluations.for_student(session, place.student_id)
        assert (
            shown.endorsement is None and shown.endorsement_waiting and shown.levels[1] == ("Communication", 3, "Meets")
        )


def test_a_schools_import_sets_the_midpoint_and_a_file_without_the_column_keeps_it(runtime: Any) -> None:
    with runtime.sessions.begin() as session:
        header = ["name", "timezone", "midpoint_evaluation"]
        imports.import_rows(
            session,
            "schools",
            header,
            [{"name": "Oak High", "timezone": "UTC", "midpoint_evaluation": "yes"}],
            now=utc(3, 1, 12),
            actor_label="test",
        )
        imports.import_rows(
            session,
            "schools",
            header[:2],
            [{"name": "Oak High", "timezone": "UTC"}],
            now=utc(3, 1, 12),
            actor_label="test",
        )
        assert session.scalars(select(School).where(School.name == "Oak High")).one().midpoint_evaluation is True
