"""The student's reflection by text: the line after CHECKOUT, or with it; a second line adds to the
first; keywords, questions and thank-yous are never taken for one. Through `inbound.sms`, the
handling the webhook's worker runs (the signed webhook itself: tests/system/test_e2e_reflection.py)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from messaging import segments
from relay.runtime import Runtime
from tests.support import builders, inbound
from tests.support.builders import STUDENT_PHONE
from workflow.models import AuditEntry, InternshipDay


@pytest.fixture
def runtime(make_runtime: Any, sqlite_url: str) -> Any:
    runtime = make_runtime(database_url=sqlite_url, quiet_hours="00:00-00:00")
    builders.build(runtime)
    return runtime


def _day(runtime: Runtime) -> InternshipDay:
    with runtime.sessions() as session:
        day = session.scalars(select(InternshipDay).order_by(InternshipDay.id.desc())).first()
        assert day is not None
        return day


def _texts(runtime: Runtime) -> list[str]:
    return [m.body_text for m in inbound.sent(runtime, STUDENT_PHONE)]


def _check_in_and_out(runtime: Runtime, checkout: str = "CHECKOUT") -> None:
    inbound.sms(runtime, STUDENT_PHONE, "checkin")
    inbound.sms(runtime, STUDENT_PHONE, "Shadow the X-ray tech")
    assert inbound.sms(runtime, STUDENT_PHONE, checkout).kind == "checkout"


def test_the_text_after_checkout_is_the_reflection_and_a_second_adds_to_it(runtime: Runtime) -> None:
    _check_in_and_out(runtime)
    invite = _texts(runtime)[-1]
    assert "What did you learn today? Reply with one line (optional)." in invite
    assert segments.count(invite).segments == 1
    assert _day(runtime).reflection is None

    inbound.sms(runtime, STUDENT_PHONE, "Learned to read a chest X-ray!")
    assert _day(runtime).reflection == "Learned to read a chest X-ray!"
    assert _texts(runtime)[-1].startswith("Saved on today's record, Maya.")

    inbound.sms(runtime, STUDENT_PHONE, "Also how contrast dye works")
    assert _day(runtime).reflection == "Learned to read a chest X-ray!\nAlso how contrast dye works"
    assert _texts(runtime)[-1].startswith("Added to today's reflection, Maya."), "never silently replaced"
    with runtime.sessions() as session:
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("day.reflection%"))).all()
    assert actions == ["day.reflection", "day.reflection_added"]


def test_checkout_with_text_keeps_it_and_does_not_ask_again(runtime: Runtime) -> None:
    _check_in_and_out(runtime, "CHECKOUT learned to read an X-ray")
    assert _day(runtime).reflection == "learned to read an X-ray"
    answer = _texts(runtime)[-1]
    assert "Your reflection is saved." in answer and "What did you learn" not in answer
    assert segments.count(answer).segments == 1
    mentor_email = [m for m in inbound.sent(runtime, "ruth@example.org") if m.template == "email/mentor_confirm"]
    assert "What Maya learned: learned to read an X-ray" in mentor_email[0].body_text

    inbound.sms(runtime, STUDENT_PHONE, "checkout: and to file charts")  # checked out already: adds to it
    assert _day(runtime).reflection == "learned to read an X-ray\nand to file charts"
    assert _texts(runtime)[-1].startswith("Added to today's reflection")


@pytest.mark.parametrize("checkout", ["CHECKOUT", "checkout, thanks!", "check out now"])
def test_checkout_with_only_a_thank_you_keeps_no_reflection(runtime: Runtime, checkout: str) -> None:
    _check_in_and_out(runtime, checkout)
    assert _day(runtime).reflection is None
    assert "What did you learn today?" in _texts(runtime)[-1]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("HELP", "help"),
        ("who", "who"),
        ("CHECKIN", "checkin"),
        ("FIND nursing", "find"),
        ("STOP", "opt_out"),
        ("2", "not_understood"),
        ("thanks!!", "text"),
        ("ok bye 👋", "text"),
        ("who do I text if I'm sick?", "not_understood"),
    ],
)
def test_keywords_questions_and_thank_yous_are_not_reflections(runtime: Runtime, text: str, kind: str) -> None:
    _check_in_and_out(runtime)
    sent = len(_texts(runtime))
    assert inbound.sms(runtime, STUDENT_PHONE, text).kind == kind
    assert _day(runtime).reflection is None
    if kind == "text" and not text.endswith("?"):
        assert len(_texts(runtime)) == sent, "a thank-you gets no answer"


def test_a_reflection_still_counts_after_help_and_a_thank_you(runtime: Runtime) -> None:
    _check_in_and_out(runtime)
    inbound.sms(runtime, STUDENT_PHONE, "HELP")
    inbound.sms(runtime, STUDENT_PHONE, "thanks")
    inbound.sms(runtime, STUDENT_PHONE, "The tech let me position a patient")
    assert _day(runtime).reflection == "The tech let me position a patient"


def test_goals_are_not_reflections_and_a_new_checkin_ends_the_window(runtime: Runtime) -> None:
    inbound.sms(runtime, STUDENT_PHONE, "checkin")
    inbound.sms(runtime, STUDENT_PHONE, "check out the new MRI scanner with Dr Chen today")
    assert _day(runtime).goals == "check out the new MRI scanner with Dr Chen today"
    assert _day(runtime).reflection is None and _day(runtime).status == "open"
