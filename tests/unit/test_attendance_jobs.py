"""Every scheduled job of the attendance loop, with a controlled clock, in Los Angeles time,
across both daylight-saving changes of 2026 (Mar 8: 2am -> 3am; Nov 1: 2am -> 1am), and in Cairo,
where the clocks change on a school day (Fri Apr 24: midnight -> 1am; Thu Oct 29: midnight -> 11pm)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from messaging import outbox, quiet_hours
from messaging.models import OutboundMessage
from relay.jobs import _domain_runner, table
from tests.support import builders
from tests.support.builders import STUDENT_PHONE
from workflow import attendance
from workflow.attendance import jobs as attendance_jobs
from workflow.models import ComplianceDocument, DayStatus, InternshipDay, Person, Placement, Role, School
from workflow.notifications import Category, Notification

LA = ZoneInfo("America/Los_Angeles")
CAIRO = ZoneInfo("Africa/Cairo")


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def run(job: Any, now: datetime) -> None:
    _domain_runner(job)(now)


def scheduled(runtime: Any, names: Sequence[str], start: datetime, end: datetime) -> None:
    """What the scheduler does between `start` and `end`: each named job run at each of its own
    ticks (its schedule in the job table, in UTC), all of them in time order."""
    jobs = table(runtime.settings)
    ticks: list[tuple[datetime, int, str]] = []
    for order, name in enumerate(names):
        tick = jobs[name].next_after(start - timedelta(microseconds=1))
        while tick < end:
            ticks.append((tick, order, name))
            tick = jobs[name].next_after(tick)
    for tick, _, name in sorted(ticks):
        jobs[name].run(tick)


def _messages(runtime: Any, template: str) -> list[OutboundMessage]:
    with runtime.sessions() as session:
        return list(
            session.scalars(
                select(OutboundMessage).where(OutboundMessage.template == template).order_by(OutboundMessage.id)
            )
        )


def _days(runtime: Any) -> list[InternshipDay]:
    with runtime.sessions() as session:
        return list(session.scalars(select(InternshipDay).order_by(InternshipDay.date)))


@pytest.fixture
def runtime(make_runtime: Any, sqlite_url: str) -> Any:
    return make_runtime(database_url=sqlite_url)


@pytest.fixture
def place(runtime: Any) -> builders.SchoolWorld:
    return builders.build(
        runtime,
        weekdays="Sun Mon Fri",
        start=time(9, 0),
        end=time(15, 0),
        start_date=date(2026, 3, 1),
        end_date=date(2026, 11, 30),
    )


@pytest.mark.parametrize(
    ("on", "due"),
    [
        (date(2026, 3, 8), utc(2026, 3, 8, 17)),  # DST began that night: 10am PDT is 17:00 UTC
        (date(2026, 3, 2), utc(2026, 3, 2, 18)),  # the Monday before: 10am PST is 18:00 UTC
        (date(2026, 11, 1), utc(2026, 11, 1, 18)),  # DST ended that night: 10am PST is 18:00 UTC again
    ],
)
def test_one_nudge_an_hour_after_start_without_a_checkin(runtime: Any, place: Any, on: date, due: datetime) -> None:
    run(attendance_jobs.nudge_missing_checkins, due - timedelta(minutes=1))
    assert _messages(runtime, "sms/checkin_nudge") == []
    run(attendance_jobs.nudge_missing_checkins, due)
    run(attendance_jobs.nudge_missing_checkins, due + timedelta(minutes=30))
    [nudge] = _messages(runtime, "sms/checkin_nudge")
    assert nudge.to_address == STUDENT_PHONE and "are you at Riverside Clinic today?" in nudge.body_text
    [day] = _days(runtime)
    assert (day.date, day.status, day.nudged_at) == (on, DayStatus.missed, due)


def test_no_nudge_after_a_checkin_or_on_unscheduled_days(runtime: Any, place: Any) -> None:
    with runtime.sessions.begin() as session:
        student = session.get(Person, place.student_id)
        attendance.check_in(session, student, utc(2026, 3, 8, 16, 5))  # 9:05am PDT
    run(attendance_jobs.nudge_missing_checkins, utc(2026, 3, 8, 17, 30))
    run(attendance_jobs.nudge_missing_checkins, utc(2026, 3, 7, 18, 30))  # a Saturday
    assert _messages(runtime, "sms/checkin_nudge") == []


def test_a_day_left_open_is_closed_two_hours_after_its_end(runtime: Any, place: Any) -> None:
    with runtime.sessions.begin() as session:
        attendance.check_in(session, session.get(Person, place.student_id), utc(2026, 3, 8, 16, 5))
    end = utc(2026, 3, 8, 22)  # 3pm PDT
    run(attendance_jobs.close_open_days, end + timedelta(hours=2) - timedelta(minutes=1))
    assert _days(runtime)[0].status == DayStatus.open
    run(attendance_jobs.close_open_days, end + timedelta(hours=2))
    [day] = _days(runtime)
    assert (day.status, day.no_checkout, day.check_out_at, str(day.hours)) == (DayStatus.pending, True, end, "5.92")
    assert len(_messages(runtime, "email/mentor_confirm")) == 1
    [closed] = _messages(runtime, "sms/day_closed")
    assert "so we closed your day at 3:00pm (5.9 hours)" in closed.body_text


def test_a_day_left_open_on_the_fall_back_day_is_closed_two_hours_after_its_end_in_standard_time(
    runtime: Any, place: Any
) -> None:
    with runtime.sessions.begin() as session:  # Sun Nov 1, 9:05am PST, hours after the clocks went back
        attendance.check_in(session, session.get(Person, place.student_id), utc(2026, 11, 1, 17, 5))
    end = utc(2026, 11, 1, 23)  # 3pm PST (3pm PDT, the day before, was 22:00 UTC)
    scheduled(runtime, ["close_open_days"], utc(2026, 11, 1, 7), end + timedelta(hours=2))
    assert _days(runtime)[0].status == DayStatus.open, "not closed on yesterday's offset"
    scheduled(runtime, ["close_open_days"], end + timedelta(hours=2), utc(2026, 11, 2, 12))
    [day] = _days(runtime)
    assert (day.status, day.no_checkout, day.check_out_at, day.confirmation_requested_at, str(day.hours)) == (
        DayStatus.pending,
        True,
        end,
        end + timedelta(hours=2),
        "5.92",
    )
    assert len(_messages(runtime, "email/mentor_confirm")) == 1
    [closed] = _messages(runtime, "sms/day_closed")
    assert "so we closed your day at 3:00pm (5.9 hours)" in closed.body_text


def test_a_mentor_is_reminded_once_then_the_coordinator_is_told(runtime: Any, place: Any) -> None:
    checkout = utc(2026, 3, 9, 22)  # Mon 3pm PDT
    with runtime.sessions.begin() as session:
        student = session.get(Person, place.student_id)
        attendance.check_in(session, student, checkout - timedelta(hours=6))
        outbox.queue(session, attendance.check_out(session, student, checkout).notifications, now=checkout)
    run(attendance_jobs.remind_mentors, checkout + timedelta(days=2) - timedelta(minutes=1))
    assert _messages(runtime, "email/mentor_reminder") == []
    run(attendance_jobs.remind_mentors, checkout + timedelta(days=2))
    run(attendance_jobs.remind_mentors, checkout + timedelta(days=3))
    [reminder] = _messages(runtime, "email/mentor_reminder")
    assert (
        reminder.to_address == "ruth@example.org"
        and reminder.subject == "Reminder: was Maya at Riverside Clinic on Mon Mar 9?"
    )
    assert _days(runtime)[0].escalated_at is None
    run(attendance_jobs.remind_mentors, checkout + timedelta(days=4))
    assert _days(runtime)[0].escalated_at == checkout + timedelta(days=4)
    # ... and the coordinator reads it in that day's digest (Fri Mar 13, 4:30pm PDT = 23:30 UTC).
    run(attendance_jobs.coordinator_digests, utc(2026, 3, 13, 23, 30))
    [digest] = _messages(runtime, "email/coordinator_digest")
    assert "Mentors who haven't answered after a reminder (1):" in digest.body_text
    assert "Ruth Chen (ruth@example.org) for Maya Lopez, Mon Mar 9" in digest.body_text


@pytest.mark.parametrize(
    ("checkout", "on", "told_on"),
    [
        (utc(2026, 3, 6, 23), "Fri Mar 6", ["Tue Mar 10", "Wed Mar 11"]),  # 3pm PST; clocks go forward Sunday
        (utc(2026, 10, 30, 22), "Fri Oct 30", ["Tue Nov 3", "Wed Nov 4"]),  # 3pm PDT; clocks go back Sunday
    ],
)
def test_a_mentor_reminder_two_days_on_and_the_coordinator_two_days_later_across_the_change(
    runtime: Any, place: Any, checkout: datetime, on: str, told_on: list[str]
) -> None:
    with runtime.sessions.begin() as session:
        student = session.get(Person, place.student_id)
        attendance.check_in(session, student, checkout - timedelta(hours=6))
        outbox.queue(session, attendance.check_out(session, student, checkout).notifications, now=checkout)
    scheduled(runtime, ["remind_mentors", "coordinator_digests"], checkout, checkout + timedelta(days=6))
    [reminder] = _messages(runtime, "email/mentor_reminder")
    assert reminder.subject == f"Reminder: was Maya at Riverside Clinic on {on}?"
    assert reminder.created_at == checkout + timedelta(days=2), "two days are 48 hours, whatever the clocks did"
    [day] = _days(runtime)
    assert (day.mentor_reminded_at, day.escalated_at) == (checkout + timedelta(days=2), checkout + timedelta(days=4))
    told = [
        m.subject
        for m in _messages(runtime, "email/coordinator_digest")
        if "Mentors who haven't answered after a reminder (1):" in m.body_text
    ]
    # Escalated on Tuesday afternoon: that day's digest is the first to say so (and the next one too).
    assert told == [f"Internships today ({d}): 0 no-shows, 0 disputes, 1 unanswered" for d in told_on]


@pytest.mark.parametrize(
    ("at", "local_day"),
    [
        (utc(2026, 3, 9, 23, 30), date(2026, 3, 9)),  # Mon 4:30pm PDT, the day after DST began
        (utc(2026, 11, 3, 0, 30), date(2026, 11, 2)),  # Mon 4:30pm PST, the day after DST ended
    ],
)
def test_the_coordinator_digest_comes_once_each_school_day_at_half_past_four(
    runtime: Any, place: Any, at: datetime, local_day: date
) -> None:
    run(attendance_jobs.coordinator_digests, at - timedelta(minutes=1))
    assert _messages(runtime, "email/coordinator_digest") == []
    run(attendance_jobs.coordinator_digests, at)
    run(attendance_jobs.coordinator_digests, at + timedelta(hours=2))
    [digest] = _messages(runtime, "email/coordinator_digest")
    assert digest.to_address == "cora@example.org"
    assert digest.subject == f"Internships today ({local_day:%a %b %-d}): 1 no-show, 0 disputes, 0 unanswered"
    assert "Maya Lopez at Riverside Clinic (from 9:00am), mentor Ruth Chen" in digest.body_text


@pytest.mark.parametrize(
    ("zone", "start", "end", "expected"),
    [
        (  # Los Angeles, Thu Mar 5 to Wed Mar 11: 4:30pm PST is 00:30 UTC, 4:30pm PDT is 23:30 UTC
            "America/Los_Angeles",
            utc(2026, 3, 5, 8),
            utc(2026, 3, 12, 7),
            [
                utc(2026, 3, 6, 0, 30),
                utc(2026, 3, 7, 0, 30),
                utc(2026, 3, 9, 23, 30),
                utc(2026, 3, 10, 23, 30),
                utc(2026, 3, 11, 23, 30),
            ],
        ),
        (  # Los Angeles, Thu Oct 29 to Wed Nov 4
            "America/Los_Angeles",
            utc(2026, 10, 29, 7),
            utc(2026, 11, 5, 8),
            [
                utc(2026, 10, 29, 23, 30),
                utc(2026, 10, 30, 23, 30),
                utc(2026, 11, 3, 0, 30),
                utc(2026, 11, 4, 0, 30),
                utc(2026, 11, 5, 0, 30),
            ],
        ),
        (  # Cairo, Thu Apr 23 to Tue Apr 28; Friday the 24th begins at 1am (EET +2 -> EEST +3)
            "Africa/Cairo",
            utc(2026, 4, 22, 22),
            utc(2026, 4, 28, 21),
            [utc(2026, 4, 23, 14, 30), utc(2026, 4, 24, 13, 30), utc(2026, 4, 27, 13, 30), utc(2026, 4, 28, 13, 30)],
        ),
        (  # Cairo, Wed Oct 28 to Mon Nov 2; Thursday the 29th has 25 hours (11pm comes twice)
            "Africa/Cairo",
            utc(2026, 10, 27, 21),
            utc(2026, 11, 2, 22),
            [utc(2026, 10, 28, 13, 30), utc(2026, 10, 29, 13, 30), utc(2026, 10, 30, 14, 30), utc(2026, 11, 2, 14, 30)],
        ),
    ],
)
def test_the_coordinator_digest_comes_once_each_school_day_at_half_past_four_local_around_a_change(
    runtime: Any, zone: str, start: datetime, end: datetime, expected: list[datetime]
) -> None:
    builders.build(runtime, timezone=zone, start_date=date(2026, 3, 1), end_date=date(2026, 11, 30))
    scheduled(runtime, ["coordinator_digests"], start, end)
    digests = _messages(runtime, "email/coordinator_digest")
    assert [d.created_at for d in digests] == expected
    for digest, sent in zip(digests, expected, strict=True):
        today = sent.astimezone(ZoneInfo(zone))
        assert today.time() == time(16, 30)
        assert digest.subject and digest.subject.startswith(f"Internships today ({today:%a %b %-d}): ")


def test_no_coordinator_digest_at_the_weekend(runtime: Any, place: Any) -> None:
    run(attendance_jobs.coordinator_digests, utc(2026, 3, 8, 23, 30))  # Sunday
    run(attendance_jobs.coordinator_digests, utc(2026, 3, 7, 23, 30))  # Saturday
    assert _messages(runtime, "email/coordinator_digest") == []


def test_the_digest_lists_disputes_and_feedback(runtime: Any, place: Any) -> None:
    checkout = utc(2026, 3, 9, 22)
    with runtime.sessions.begin() as session:
        student, mentor = session.get(Person, place.student_id), session.get(Person, place.mentor_id)
        attendance.check_in(session, student, checkout - timedelta(hours=6))
        attendance.check_out(session, student, checkout)
        day = session.scalars(select(InternshipDay)).one()
        attendance.answer_day(
            session,
            day,
            mentor,
            present=False,
            feedback="Not here today",
            via="email",
            now=checkout + timedelta(hours=1),
        )
    run(attendance_jobs.coordinator_digests, utc(2026, 3, 9, 23, 30))
    [digest] = _messages(runtime, "email/coordinator_digest")
    assert 'Disputed days (1):\n- Maya Lopez, Mon Mar 9 at Riverside Clinic: "Not here today"' in digest.body_text


def test_the_weekly_mentor_digest_on_friday_afternoon(runtime: Any, place: Any) -> None:
    with runtime.sessions.begin() as session:
        student = session.get(Person, place.student_id)
        for out, learned in ((utc(2026, 3, 8, 22), "how triage works"), (utc(2026, 3, 9, 22), "")):
            attendance.check_in(session, student, out - timedelta(hours=6))
            attendance.check_out(session, student, out, reflection=learned)
    run(attendance_jobs.mentor_weekly_digests, utc(2026, 3, 13, 21, 59))  # Fri 2:59pm PDT
    assert _messages(runtime, "email/mentor_digest") == []
    run(attendance_jobs.mentor_weekly_digests, utc(2026, 3, 13, 22))
    run(attendance_jobs.mentor_weekly_digests, utc(2026, 3, 13, 23))
    [digest] = _messages(runtime, "email/mentor_digest")
    assert digest.subject == "Please confirm 2 internship days" and digest.reply_to
    assert "1. Maya Lopez, Sun Mar 8 at Riverside Clinic" in digest.body_text
    assert "2. Maya Lopez, Mon Mar 9 at Riverside Clinic" in digest.body_text
    assert digest.body_text.count("Maya learned: how triage works") == 1, "the student's reflection, where given"


@pytest.mark.parametrize(
    ("zone", "waiting", "fridays"),
    [
        (  # 3pm PST is 23:00 UTC; from Mar 13, 3pm PDT is 22:00 UTC
            "America/Los_Angeles",
            (date(2026, 3, 1), date(2026, 3, 2)),
            [utc(2026, 3, 6, 23), utc(2026, 3, 13, 22)],
        ),
        (
            "America/Los_Angeles",
            (date(2026, 10, 25), date(2026, 10, 26)),
            [utc(2026, 10, 30, 22), utc(2026, 11, 6, 23)],
        ),
        (  # the clocks go forward at midnight on Friday Apr 24 itself: 3pm EEST is 12:00 UTC
            "Africa/Cairo",
            (date(2026, 4, 12), date(2026, 4, 13)),
            [utc(2026, 4, 17, 13), utc(2026, 4, 24, 12)],
        ),
    ],
)
def test_the_weekly_mentor_digest_comes_once_each_friday_at_three_local_around_a_change(
    runtime: Any, zone: str, waiting: tuple[date, date], fridays: list[datetime]
) -> None:
    world = builders.build(
        runtime, timezone=zone, weekdays="Sun Mon Fri", start_date=date(2026, 3, 1), end_date=date(2026, 11, 30)
    )
    with runtime.sessions.begin() as session:
        student = session.get(Person, world.student_id)
        for day in waiting:
            attendance.check_in(session, student, datetime.combine(day, time(9), tzinfo=ZoneInfo(zone)))
            attendance.check_out(session, student, datetime.combine(day, time(15), tzinfo=ZoneInfo(zone)))
    start = datetime.combine(waiting[1] + timedelta(days=1), time(0), tzinfo=UTC)
    scheduled(runtime, ["mentor_weekly_digests"], start, fridays[-1] + timedelta(days=1))
    digests = _messages(runtime, "email/mentor_digest")
    assert [d.created_at for d in digests] == fridays
    assert {d.subject for d in digests} == {"Please confirm 2 internship days"}


def test_quiet_hours_hold_student_texts_until_seven_local_across_the_change(runtime: Any, place: Any) -> None:
    late = utc(2026, 3, 8, 7)  # Sat Mar 7, 11pm PST; 7am the next morning is PDT
    with runtime.sessions.begin() as session:
        student = session.get(Person, place.student_id)
        [held] = outbox.queue(
            session,
            [
                Notification(
                    template="sms/checkin_nudge",
                    to=student,
                    kind=Category.message,
                    context={"site": "Riverside Clinic", "start": late},
                )
            ],
            now=late,
        )
        [answer] = outbox.queue(
            session, [Notification(template="sms/help", to=student, kind=Category.answer)], now=late
        )
    assert held.next_attempt_at == utc(2026, 3, 8, 14)  # 7am PDT
    assert answer.next_attempt_at == late, "an answer to the student's own text is never held"
    assert quiet_hours.quiet_release(utc(2026, 11, 1, 6), LA, (21 * 60, 7 * 60)) == utc(2026, 11, 1, 15)  # 7am PST


def test_jobs_are_in_the_scheduler_table(runtime: Any) -> None:
    from relay.jobs import table

    names = set(table(runtime.settings))
    assert {
        "nudge_missing_checkins",
        "close_open_days",
        "remind_mentors",
        "coordinator_digests",
        "mentor_weekly_digests",
        "sweep_outbox",
    } <= names
    assert Placement.__tablename__ == "placements"


@pytest.mark.parametrize(
    ("at", "named"),
    [
        (utc(2026, 3, 11, 23, 30), {30: "Wed", 7: "Wed"}),  # Wednesday: exactly 30 and 7 days left
        # Monday also names what reached 30 or 7 days left on Saturday or Sunday, never twice
        (utc(2026, 3, 9, 23, 30), {28: "Sat", 29: "Sun", 30: "Mon", 5: "Sat", 6: "Sun", 7: "Mon"}),
    ],
)
def test_the_coordinator_digest_names_mentors_documents_30_and_7_days_before_they_expire(
    runtime: Any, place: builders.SchoolWorld, at: datetime, named: dict[int, str]
) -> None:
    today = at.astimezone(ZoneInfo("America/Los_Angeles")).date()
    with runtime.sessions.begin() as session:
        school = session.get_one(School, place.school_id)
        for left in range(3, 40):
            mentor = builders.person(session, school, Role.mentor, f"Mentor {left}", f"m{left}@example.org")
            session.add(
                ComplianceDocument(mentor_id=mentor.id, kind="background_check", expires_on=today + timedelta(left))
            )
    run(attendance_jobs.coordinator_digests, at)
    [digest] = _messages(runtime, "email/coordinator_digest")
    listed = sorted(int(n) for n in re.findall(r"Mentor (\d+) \(", digest.body_text or ""))
    assert listed == sorted(named)
    assert f"Mentors' documents to renew ({len(named)})" in digest.body_text
    assert "background check expires" in digest.body_text
