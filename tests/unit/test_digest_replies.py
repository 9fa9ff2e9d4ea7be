"""A mentor's answer to the weekly digest, through the whole path: the digest email the job sends,
a Gmail reply to it, and processing. "All confirmed" confirms every listed day; an exception
("all but 2") never confirms the day it leaves out."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from messaging.inbound.handling import processing
from messaging.inbound.reading import digest_replies
from messaging.models import OutboundMessage
from relay.dev import mail as dev_mail
from relay.jobs import table
from relay.runtime import Runtime
from tests.support import builders, inbound
from tests.support.builders import STUDENT_PHONE
from workflow import attendance
from workflow.models import DayStatus, InternshipDay, Person

LA = ZoneInfo("America/Los_Angeles")
FRIDAY = datetime(2026, 3, 13, 22, 0, tzinfo=UTC)  # Fri 3pm PDT: the weekly digest goes out
WAITING = (date(2026, 3, 9), date(2026, 3, 10), date(2026, 3, 11))  # Mon, Tue, Wed


@pytest.fixture
def runtime(make_runtime: Any, sqlite_url: str) -> Any:
    return make_runtime(database_url=sqlite_url, quiet_hours="00:00-00:00")


@pytest.fixture
def digest(runtime: Any, monkeypatch: pytest.MonkeyPatch) -> OutboundMessage:
    """Three days waiting for Ruth, and the Friday digest that lists them; processing runs an
    hour after it was sent."""
    world = builders.build(runtime)
    with runtime.sessions.begin() as session:
        student = session.get_one(Person, world.student_id)
        for day in WAITING:
            attendance.check_in(session, student, datetime.combine(day, time(9), tzinfo=LA))
            attendance.check_out(session, student, datetime.combine(day, time(15), tzinfo=LA))
    table(runtime.settings)["mentor_weekly_digests"].run(FRIDAY)
    monkeypatch.setattr(processing, "utcnow", lambda: FRIDAY + timedelta(hours=1))
    [sent] = [m for m in inbound.sent(runtime, "ruth@example.org") if m.template == "email/mentor_digest"]
    assert sent.subject == "Please confirm 3 internship days" and sent.reply_to
    return sent


def _answer(runtime: Runtime, digest: OutboundMessage, text: str) -> list[tuple[str, str | None]]:
    reply = dev_mail.gmail_reply(dev_mail.Original.from_row(digest), sender="Ruth Chen <ruth@example.org>", text=text)
    row = inbound.email(runtime, reply.as_bytes(), digest.reply_to or "", "ruth@example.org")
    assert (row.status, row.kind) == ("processed", "attendance.digest")
    with runtime.sessions() as session:
        days = session.scalars(select(InternshipDay).order_by(InternshipDay.date))
        return [(d.status, d.mentor_feedback) for d in days]


@pytest.mark.parametrize(
    "text",
    [
        "all confirmed",
        "All confirmed, thanks!\n\nRuth",
        "All yes",
        "Yes, all confirmed.",
        "Yes to all of them",
        "Confirmed all three",
        "Hi,\n\nAll confirmed.\n\nThanks,\nRuth",
    ],
)
def test_all_confirmed_confirms_every_listed_day(runtime: Any, digest: OutboundMessage, text: str) -> None:
    assert _answer(runtime, digest, text) == [(DayStatus.confirmed, None)] * 3
    confirmed = [m for m in inbound.sent(runtime, STUDENT_PHONE) if m.template == "sms/day_confirmed"]
    assert len(confirmed) == 3, "the student hears about each day"
    assert [m.template for m in inbound.sent(runtime, "ruth@example.org")] == ["email/mentor_digest"], "no clarify"


def test_all_confirmed_with_a_line_for_one_day_answers_that_day_by_its_line(
    runtime: Any, digest: OutboundMessage
) -> None:
    assert _answer(runtime, digest, "All confirmed\n2 no - she left at noon") == [
        (DayStatus.confirmed, None),
        (DayStatus.disputed, "she left at noon"),
        (DayStatus.confirmed, None),
    ]


@pytest.mark.parametrize("text", ["All confirmed except 2", "All yes but not day 2, she was off sick"])
def test_all_but_one_never_confirms_the_day_it_leaves_out(runtime: Any, digest: OutboundMessage, text: str) -> None:
    days = _answer(runtime, digest, text)
    assert days[1] == (DayStatus.pending, None)
    assert DayStatus.confirmed not in {status for status, _ in days}, "unclear: nothing guessed"
    [clarify] = [m for m in inbound.sent(runtime, "ruth@example.org") if m.template == "email/digest_clarify"]
    assert clarify.subject == "Which days? Please answer line by line"


@pytest.mark.parametrize(
    ("text", "everything"),
    [
        ("all confirmed", True),
        ("Yes, all confirmed", True),
        ("Hello Relay,\nall good", True),
        ("Not all confirmed", None),
        ("All confirmed except 3", None),
        ("all yes apart from #1", None),
        ("All the best,\nRuth", None),
        ("1 yes", None),
        ("Hi Sam,\nYes, all confirmed. Thanks!", True),
        ("Hello Ms. Garcia\nall good", True),
        # a greeting that carries the answer is not a greeting, and a "no" anywhere undoes "all"
        ("Hello - day 3 she was absent\nAll yes otherwise", None),
        ("Hi Sam, Maya was not in on Wednesday.\nAll good for the rest.", None),
        ("Good morning! Not all of them, Tuesday no\nall ok for the others", None),
        ("All good but Tuesday she was sick", None),
        ("All confirmed.\nShe wasn't here on Wednesday though.", None),
    ],
)
def test_reading_all_confirmed(text: str, everything: bool | None) -> None:
    assert digest_replies.parse(text, 3).everything is everything
