"""What Relay waits for from a number, and when it stops waiting: an answer that comes after the
conversation lapsed is read as a fresh message, never as the answer to the old question."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from messaging.inbound.handling import processing
from messaging.models import SmsConversation
from relay.runtime import Runtime
from tests.support import builders, inbound
from tests.support.builders import STUDENT_PHONE
from workflow.models import DayStatus, InternshipDay, Person, School

CHECKIN = datetime(2026, 3, 10, 16, 5, tzinfo=UTC)  # Tue 9:05am PDT
GOALS_UNTIL = datetime(2026, 3, 11, 0, 0, tzinfo=UTC)  # 5pm PDT: the day's end (3pm) plus two hours


@pytest.fixture
def runtime(make_runtime: Any, sqlite_url: str) -> Any:
    return make_runtime(database_url=sqlite_url, quiet_hours="00:00-00:00")


@pytest.fixture
def place(runtime: Any) -> builders.SchoolWorld:
    return builders.build(runtime, start=time(9, 0), end=time(15, 0))


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], None]:
    """Processing reads the time through `processing.utcnow`: set it."""
    now = [CHECKIN]
    monkeypatch.setattr(processing, "utcnow", lambda: now[0])

    def set_to(moment: datetime) -> None:
        now[0] = moment

    return set_to


def _texts(runtime: Runtime) -> list[str]:
    return [m.body_text for m in inbound.sent(runtime, STUDENT_PHONE)]


def _days(runtime: Runtime) -> list[InternshipDay]:
    with runtime.sessions() as session:
        return list(session.scalars(select(InternshipDay).order_by(InternshipDay.id)))


def _conversation(runtime: Runtime) -> SmsConversation:
    with runtime.sessions() as session:
        return session.get_one(SmsConversation, STUDENT_PHONE)


@pytest.mark.parametrize("late", [False, True])
def test_goals_are_taken_until_the_wait_lapses_then_the_text_is_a_fresh_message(
    runtime: Any, place: Any, clock: Callable[[datetime], None], late: bool
) -> None:
    assert inbound.sms(runtime, STUDENT_PHONE, "CHECKIN").kind == "checkin"
    assert (_conversation(runtime).state, _conversation(runtime).expires_at) == ("goals", GOALS_UNTIL)
    clock(GOALS_UNTIL + timedelta(minutes=1) if late else GOALS_UNTIL - timedelta(minutes=1))
    row = inbound.sms(runtime, STUDENT_PHONE, "Filed charts and met the X-ray team")
    [day] = _days(runtime)
    if not late:
        assert (row.kind, day.goals) == ("text", "Filed charts and met the X-ray team")
        assert _texts(runtime)[-1].startswith("Got it, have a great day at Riverside Clinic!")
    else:
        assert (row.status, row.kind, day.goals) == ("processed", "not_understood", None)
        assert _texts(runtime)[-1].startswith("Relay for Lincoln High: text CHECKIN when you arrive")
        assert day.status == DayStatus.open, "the lapsed question changes nothing about the day"
    conversation = _conversation(runtime)
    assert (conversation.state, conversation.context, conversation.expires_at) == (None, {}, None)


def test_a_choice_after_which_internship_lapsed_opens_nothing(
    runtime: Any, place: Any, clock: Callable[[datetime], None]
) -> None:
    with runtime.sessions.begin() as session:
        lincoln, student = session.get_one(School, place.school_id), session.get_one(Person, place.student_id)
        vet = builders.site(session, lincoln, "Lincoln Park Vet")
        mentor = session.get_one(Person, place.mentor_id)
        builders.placement(session, lincoln, student, mentor, vet, start=time(9, 0), end=time(15, 0))
    inbound.sms(runtime, STUDENT_PHONE, "checkin")
    assert _texts(runtime)[-1].startswith("Which internship are you at today? Reply 1 for Riverside Clinic")
    clock(CHECKIN + timedelta(minutes=31))  # the question waits 30 minutes
    row = inbound.sms(runtime, STUDENT_PHONE, "2")
    assert (row.kind, _days(runtime)) == ("not_understood", [])
    assert _texts(runtime)[-1].startswith("Relay for Lincoln High: text CHECKIN when you arrive")

    clock(CHECKIN + timedelta(minutes=40))  # asked again, and answered in time
    inbound.sms(runtime, STUDENT_PHONE, "checkin")
    clock(CHECKIN + timedelta(minutes=69))
    assert inbound.sms(runtime, STUDENT_PHONE, "2").kind == "choice"
    with runtime.sessions() as session:
        [day] = session.scalars(select(InternshipDay))
        assert (day.status, day.placement.site.name) == (DayStatus.open, "Lincoln Park Vet")
