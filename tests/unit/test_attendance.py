"""The attendance loop through the channels: SMS in, the mentor's email out, replies and links back."""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from messaging.models import OutboundMessage
from relay.dev import mail
from relay.runtime import Runtime
from tests.support import builders, inbound
from tests.support.builders import STUDENT_PHONE
from workflow.base import utcnow
from workflow.models import DayStatus, InternshipDay, Placement, Site


@pytest.fixture
def runtime(make_runtime: Any, sqlite_url: str) -> Any:
    return make_runtime(database_url=sqlite_url, quiet_hours="00:00-00:00")


@pytest.fixture
def place(runtime: Any) -> builders.SchoolWorld:
    return builders.build(runtime)


def _day(runtime: Runtime) -> InternshipDay:
    with runtime.sessions() as session:
        day = session.scalars(select(InternshipDay).order_by(InternshipDay.id.desc())).first()
        assert day is not None
        return day


def _texts(runtime: Runtime) -> list[str]:
    return [m.body_text for m in inbound.sent(runtime, STUDENT_PHONE)]


def _mentor_email(runtime: Any) -> OutboundMessage:
    [email] = [m for m in inbound.sent(runtime, "ruth@example.org") if m.template == "email/mentor_confirm"]
    return email


def _checked_out(runtime: Any) -> OutboundMessage:
    inbound.sms(runtime, STUDENT_PHONE, "Check-in!")
    inbound.sms(runtime, STUDENT_PHONE, "Shadow the X-ray tech and file charts")
    inbound.sms(runtime, STUDENT_PHONE, "checkout")
    return _mentor_email(runtime)


def test_checkin_goals_checkout_and_the_mentor_email(runtime: Any, place: Any) -> None:
    assert inbound.sms(runtime, STUDENT_PHONE, "✅ checkin").kind == "checkin"
    day = _day(runtime)
    assert day.status == DayStatus.open and day.check_in_at is not None and not day.unscheduled
    assert _texts(runtime)[0].startswith("Checked in at ") and "Reply with today's goals" in _texts(runtime)[0]
    assert "/t/" in _texts(runtime)[0], "a short link to share the location"

    assert inbound.sms(runtime, STUDENT_PHONE, "Shadow the X-ray tech and file charts").kind == "text"
    assert _day(runtime).goals == "Shadow the X-ray tech and file charts"
    assert _texts(runtime)[1].startswith("Got it, have a great day at Riverside Clinic!")

    second = inbound.sms(runtime, STUDENT_PHONE, "CHECKIN")
    assert second.kind == "checkin" and _texts(runtime)[2].startswith("You already checked in at ")

    assert inbound.sms(runtime, STUDENT_PHONE, "check out").kind == "checkout"
    day = _day(runtime)
    assert day.status == DayStatus.pending and day.hours is not None and day.check_out_at is not None
    assert "Ruth Chen will confirm your day" in _texts(runtime)[3] and "What did you learn today?" in _texts(runtime)[3]
    email = _mentor_email(runtime)
    assert email.subject and email.subject.startswith("Please confirm Maya's day at Riverside Clinic")
    assert email.reply_to and email.reply_to.startswith("reply+") and email.reply_to.endswith("@relay.test")
    assert "Shadow the X-ray tech and file charts" in email.body_text and "/l/" in email.body_text
    assert inbound.sms(runtime, STUDENT_PHONE, "checkout").kind == "checkout"
    assert _texts(runtime)[4].startswith("You already checked out at ")


def test_mentor_yes_by_reply_confirms_and_the_student_hears_the_feedback(runtime: Any, place: Any) -> None:
    email = _checked_out(runtime)
    reply = mail.gmail_reply(
        mail.Original.from_row(email), sender="Ruth Chen <ruth@example.org>", text="Yes, great day with the X-rays"
    )
    row = inbound.email(runtime, reply.as_bytes(), email.reply_to or "", "ruth@example.org")
    assert (row.status, row.kind) == ("processed", "attendance.confirm")
    day = _day(runtime)
    assert (day.status, day.mentor_feedback, day.confirmed_via) == (
        DayStatus.confirmed,
        "great day with the X-rays",
        "email",
    )
    assert _texts(runtime)[-1].endswith('They said: "great day with the X-rays"')


def test_mentor_no_disputes_and_tells_the_coordinator(runtime: Any, place: Any) -> None:
    email = _checked_out(runtime)
    reply = mail.gmail_reply(
        mail.Original.from_row(email), sender="ruth@example.org", text="No - she didn't come in today."
    )
    inbound.email(runtime, reply.as_bytes(), email.reply_to or "", "ruth@example.org")
    assert _day(runtime).status == DayStatus.disputed
    [alert] = inbound.sent(runtime, "cora@example.org")
    assert alert.subject == f"Ruth Chen says Maya wasn't at Riverside Clinic on {_day(runtime).date:%a %b %-d}"
    assert "weren't at Riverside Clinic" in _texts(runtime)[-1]


def test_an_unclear_reply_asks_again_and_changes_nothing(runtime: Any, place: Any) -> None:
    email = _checked_out(runtime)
    reply = mail.gmail_reply(
        mail.Original.from_row(email), sender="ruth@example.org", text="Can you call me about this?"
    )
    inbound.email(runtime, reply.as_bytes(), email.reply_to or "", "ruth@example.org")
    assert _day(runtime).status == DayStatus.pending
    clarify = [m for m in inbound.sent(runtime, "ruth@example.org") if m.template == "email/mentor_clarify"]
    assert len(clarify) == 1 and clarify[0].reply_to and clarify[0].references == email.references


def test_a_second_answer_is_recorded_and_the_coordinator_told(runtime: Any, place: Any) -> None:
    email = _checked_out(runtime)
    for i, text in enumerate(["Yes, she was here", "No, sorry - she was not here, I mixed up the days"]):
        reply = mail.gmail_reply(mail.Original.from_row(email), sender="ruth@example.org", text=text)
        reply.replace_header("Message-ID", f"<second-{i}@mail.gmail.com>")
        inbound.email(runtime, reply.as_bytes(), email.reply_to or "", "ruth@example.org")
    day = _day(runtime)
    assert day.status == DayStatus.confirmed, "the first answer stands"
    assert [a["present"] for a in day.later_answers] == [False]
    [alert] = inbound.sent(runtime, "cora@example.org")
    assert alert.template == "email/second_answer" and "first one still stands" in alert.body_text


def test_wrong_sender_and_out_of_office_change_nothing(runtime: Any, place: Any) -> None:
    email = _checked_out(runtime)
    forged = mail.gmail_reply(mail.Original.from_row(email), sender="someone@example.net", text="Yes")
    assert (
        inbound.email(runtime, forged.as_bytes(), email.reply_to or "", "someone@example.net").kind == "sender_mismatch"
    )
    away = mail.out_of_office(mail.Original.from_row(email), sender="ruth@example.org")
    assert inbound.email(runtime, away.as_bytes(), email.reply_to or "", "ruth@example.org").kind == "auto_reply"
    assert _day(runtime).status == DayStatus.pending


def test_two_placements_today_ask_which_one(runtime: Any, place: Any) -> None:
    with runtime.sessions.begin() as session:
        first = session.get(Placement, place.placement_id)
        assert first is not None
        vet = builders.site(session, first.school, "Lincoln Park Vet")
        builders.placement(session, first.school, first.student, first.mentor, vet)
    inbound.sms(runtime, STUDENT_PHONE, "checkin")
    assert (
        _texts(runtime)[-1]
        == "Which internship are you at today? Reply 1 for Riverside Clinic, 2 for Lincoln Park Vet."
    )
    assert inbound.sms(runtime, STUDENT_PHONE, "2").kind == "choice"
    day = _day(runtime)
    with runtime.sessions() as session:
        assert session.get_one(Site, session.get_one(Placement, day.placement_id).site_id).name == "Lincoln Park Vet"
    assert day.status == DayStatus.open and "at Lincoln Park Vet" in _texts(runtime)[-1]


def test_unscheduled_day_is_allowed_and_flagged(make_runtime: Any, sqlite_url: str) -> None:
    runtime = make_runtime(database_url=sqlite_url, quiet_hours="00:00-00:00")
    today = utcnow().astimezone(__import__("zoneinfo").ZoneInfo("America/Los_Angeles"))
    other_days = " ".join(d for d in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun") if d != f"{today:%a}")
    builders.build(runtime, weekdays=other_days)
    inbound.sms(runtime, STUDENT_PHONE, "checkin")
    assert _day(runtime).unscheduled
    inbound.sms(runtime, STUDENT_PHONE, "Shadow the X-ray tech")
    assert "Not on today's schedule: noted for your coordinator." in _texts(runtime)[-1]


def test_no_placement_and_checkout_without_checkin(runtime: Any, place: Any) -> None:
    inbound.sms(runtime, STUDENT_PHONE, "checkout")
    assert _texts(runtime)[-1].startswith("We don't have a check-in for you today")
    with runtime.sessions.begin() as session:
        session.get_one(Placement, place.placement_id).status = "ended"
    inbound.sms(runtime, STUDENT_PHONE, "checkin")
    assert _texts(runtime)[-1].startswith("You don't have an active internship in Relay yet")


def test_a_digest_reply_answers_several_days(runtime: Any, place: Any) -> None:
    from workflow.attendance.jobs import mentor_weekly_digests

    for _ in range(3):
        _checked_out_again(runtime)
    with runtime.sessions.begin() as session:
        days = list(session.scalars(select(InternshipDay).order_by(InternshipDay.date)))
        assert len(days) == 3
        here = utcnow().astimezone(days[0].placement.school.zone)  # the weekday is the school's, not UTC's
        friday = (here + timedelta(days=(4 - here.weekday()) % 7)).replace(hour=15, minute=30).astimezone(UTC)
        notes = mentor_weekly_digests(session, friday)
        from messaging import outbox

        [digest] = outbox.queue(session, notes, now=friday)
    reply = mail.gmail_reply(
        mail.Original.from_row(digest),
        sender="ruth@example.org",
        text="1 yes\n2 no - she left at noon\n3 yes, great work",
    )
    inbound.email(runtime, reply.as_bytes(), digest.reply_to or "", "ruth@example.org")
    with runtime.sessions() as session:
        statuses = [
            (d.status, d.mentor_feedback) for d in session.scalars(select(InternshipDay).order_by(InternshipDay.date))
        ]
    assert statuses == [
        (DayStatus.confirmed, None),
        (DayStatus.disputed, "she left at noon"),
        (DayStatus.confirmed, "great work"),
    ]


def _checked_out_again(runtime: Runtime) -> None:
    """A day in the past, checked out and waiting (days before today, so each is its own)."""
    from workflow import attendance

    with runtime.sessions.begin() as session:
        count = len(list(session.scalars(select(InternshipDay))))
        student = session.get_one(Placement, 1).student
        local_now = utcnow().astimezone(student.school.zone)
        out = (local_now - timedelta(days=count + 1)).replace(hour=15, minute=0)
        attendance.check_in(session, student, out - timedelta(hours=6))
        attendance.check_out(session, student, out)
