"""The coordinator's workspace, reading: who sees what, Today's presence on a faked clock, Needs
attention, a student's record, and a constant number of queries whatever the school's size."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from tests.support import builders
from tests.unit import oversight_world as w
from tests.unit.oversight_world import NOW, TODAY, at
from workflow import attendance
from workflow.models import InternshipRequest, Person, Placement, Role
from workflow.oversight import (
    MentorAnswer,
    Presence,
    day_for,
    needs_attention,
    placement_for,
    request_for,
    student_for,
    student_record,
    today,
    viewer_for,
)
from workflow.oversight.viewer import Viewer
from workflow.requests import who_else
from workflow.requests.states import State


@pytest.fixture
def sessions(make_runtime: Any, sqlite_url: str) -> Any:
    return make_runtime(database_url=sqlite_url).sessions


@pytest.fixture
def session(sessions: Any) -> Iterator[Session]:
    with sessions.begin() as session:
        yield session


@pytest.fixture
def world(session: Session) -> w.World:
    return w.build(session)


def test_today_shows_each_presence_on_a_faked_clock(session: Session, world: w.World) -> None:
    board = today(session, world.coordinator, NOW)
    presence = {line.student.name: line.presence for line in board.lines}
    assert presence == {
        "Ines In": Presence.in_,
        "Omar Out": Presence.out,
        "Nora Noshow": Presence.no_show,
        "Eli Expected": Presence.expected,
        "Cal Closed": Presence.closed_without_checkout,
        "Uma Unscheduled": Presence.in_,
    }
    assert board.date == TODAY
    assert board.counts == {
        Presence.expected: 1,
        Presence.in_: 2,
        Presence.out: 1,
        Presence.no_show: 1,
        Presence.closed_without_checkout: 1,
    }
    assert [line.student.name for line in board.only(Presence.in_)] == ["Ines In", "Uma Unscheduled"]
    lines = {line.student.name: line for line in board.lines}
    out = lines["Omar Out"]
    assert (out.check_in_at, out.check_out_at, out.hours) == (at(7, 1), at(10, 5), Decimal("3.07"))
    assert (out.answer, out.waiting_since, out.mentor.name, out.site) == (
        MentorAnswer.waiting,
        at(10, 5),
        "Ruth Chen",
        "Riverside Clinic",
    )
    assert out.scheduled_start is not None and out.scheduled_start.hour == 7 and str(out.scheduled_start.tzinfo)
    nora = lines["Nora Noshow"]
    assert (nora.day_id, nora.status, nora.answer) == (None, None, MentorAnswer.none)
    uma = lines["Uma Unscheduled"]
    assert uma.unscheduled and uma.scheduled_start is None and uma.day_id is not None
    assert lines["Ines In"].scheduled_end == at(15).astimezone(w.LA)


@pytest.mark.parametrize(
    ("clock", "expected"),
    [
        (at(9, 59), Presence.expected),  # the nudge time (start + NUDGE_AFTER) has not come
        (at(10), Presence.no_show),
    ],
)
def test_no_show_starts_at_the_nudge_time(session: Session, world: w.World, clock: Any, expected: Presence) -> None:
    lines = {line.student.name: line for line in today(session, world.coordinator, clock).lines}
    assert lines["Nora Noshow"].presence == expected


def test_today_is_the_schools_own_date(session: Session, world: w.World) -> None:
    """At 5pm PDT it is already Wednesday in UTC: Today is still Tuesday's list."""
    board = today(session, world.coordinator, at(17))
    assert board.date == TODAY and len(board.lines) == 6


def test_another_school_and_an_advisor_see_only_their_own(session: Session, world: w.World) -> None:
    theirs = today(session, world.other_coordinator, NOW)
    assert [line.student.name for line in theirs.lines] == ["Theo Other"]
    advised = today(session, world.advisor, NOW)
    assert [line.student.name for line in advised.lines] == ["Ines In"]


def test_lookups_answer_none_outside_the_viewers_scope(session: Session, world: w.World) -> None:
    ines = world.students["Ines In"]
    ines_day = next(line for line in today(session, world.coordinator, NOW).lines if line.student.name == "Ines In")
    assert ines_day.student.id == ines and ines_day.day_id is not None
    other = w.request(session, world.other_student_id, w.site_named(session, "Harbor Lab"), State.requested)
    mine = w.request(session, ines, world.site_id, State.requested)
    nora_request = w.request(session, world.students["Nora Noshow"], world.site_id, State.requested)

    coordinator, advisor, them = world.coordinator, world.advisor, world.other_coordinator
    assert day_for(session, coordinator, world.other_day_id) is None
    assert day_for(session, coordinator, 999_999) is None
    assert day_for(session, them, world.other_day_id) is not None
    assert student_for(session, coordinator, world.other_student_id) is None
    assert placement_for(session, coordinator, world.other_placement_id) is None
    assert request_for(session, coordinator, other.id) is None
    assert request_for(session, them, other.id) is not None
    assert student_for(session, coordinator, world.mentor_id) is None, "a mentor is not a student"

    assert day_for(session, advisor, ines_day.day_id) is not None
    assert student_for(session, advisor, ines) is not None
    assert placement_for(session, advisor, world.placements["Ines In"]) is not None
    assert request_for(session, advisor, mine.id) is not None
    assert student_for(session, advisor, world.students["Omar Out"]) is None
    assert placement_for(session, advisor, world.placements["Omar Out"]) is None
    assert request_for(session, advisor, nora_request.id) is None
    omar_day = next(line for line in today(session, coordinator, NOW).lines if line.student.name == "Omar Out")
    assert omar_day.day_id is not None and day_for(session, advisor, omar_day.day_id) is None


def test_viewer_for_is_staff_only(session: Session, world: w.World) -> None:
    assert viewer_for(session, world.coordinator.person_id) == world.coordinator
    assert viewer_for(session, world.students["Ines In"]) is None
    assert viewer_for(session, world.mentor_id) is None
    session.get_one(Person, world.advisor.person_id).active = False
    assert viewer_for(session, world.advisor.person_id) is None


def test_needs_attention_lists_and_counts(session: Session, world: w.World) -> None:
    ines, omar, nora = (world.students[n] for n in ("Ines In", "Omar Out", "Nora Noshow"))
    # Omar: two days last week waiting for Ruth since (Mon 2nd, Tue 3rd), one disputed (Wed 4th)
    student = session.get_one(Person, omar)
    for on in (date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)):
        attendance.check_in(session, student, at(7, on=on))
        attendance.check_out(session, student, at(10, on=on))
    day_4 = attendance.day_of(session, session.get_one(Placement, world.placements["Omar Out"]), date(2026, 3, 4))
    assert day_4 is not None
    ruth = session.get_one(Person, world.mentor_id)
    attendance.answer_day(
        session, day_4, ruth, present=False, feedback="Not here", via="email", now=at(12, on=date(2026, 3, 5))
    )
    # compliance: Ruth's check expired, Hal's (another school) too, a third mentor's is fine
    w.background_check(session, world.mentor_id, TODAY - timedelta(days=3))
    w.background_check(session, w.person_by_email(session, "hal@example.org"), TODAY)
    # a request waiting, with two others pursuing the clinic: one of Lincoln's, one of Roosevelt's
    waiting = w.request(session, ines, world.site_id, State.requested, since=NOW - timedelta(days=3))
    w.request(session, nora, world.site_id, State.pursuing, title="Front desk")
    w.request(session, world.other_student_id, world.site_id, State.requested, title="Lab")
    start = w.request(session, omar, world.site_id, State.start_requested, since=NOW - timedelta(hours=5))

    found = needs_attention(session, world.coordinator, NOW)
    [mentor] = found.unanswered
    assert (mentor.mentor.name, mentor.count, mentor.oldest_asked_at) == ("Ruth Chen", 2, at(10, on=date(2026, 3, 2)))
    assert mentor.oldest_age == NOW - at(10, on=date(2026, 3, 2))
    assert [d.date for d in mentor.days] == [date(2026, 3, 2), date(2026, 3, 3)], "oldest first; today's is too new"
    assert [(d.date, d.feedback) for d in found.disputed] == [(date(2026, 3, 4), "Not here")]
    assert [d.student.name for d in found.no_checkout] == ["Cal Closed"]
    # no-shows in the last 14 days: Nora and the placements with no check-in since Feb 25
    no_shows = {n.student.name: n.count for n in found.no_shows}
    assert no_shows["Nora Noshow"] == 10 and no_shows["Eli Expected"] == 9, "today is not one for Eli yet"
    assert no_shows["Omar Out"] == 6, "Omar came on Mon 2, Tue 3, Wed 4 (disputed, but checked in) and today"
    assert no_shows["Uma Unscheduled"] == 4, "her weekends (Feb 28, Mar 1, 7, 8); today's unscheduled visit is not one"
    decisions = {d.request_id: d for d in found.decisions}
    request_line = decisions[waiting.id]
    assert (request_line.kind, request_line.age, request_line.site) == (
        "request",
        timedelta(days=3),
        "Riverside Clinic",
    )
    assert [(p.student.name, p.status) for p in request_line.others] == [
        ("Nora Noshow", State.pursuing),
        ("Omar Out", State.start_requested),
    ]
    assert request_line.others_elsewhere == 1, "Roosevelt's student: a count, never a name"
    assert len(who_else(session, session.get_one(InternshipRequest, waiting.id))) == 3, "the same rule as who_else"
    assert decisions[start.id].kind == "start"
    assert [(c.mentor.name, c.expired, c.days_left) for c in found.compliance] == [("Ruth Chen", True, -3)]
    assert found.counts == {
        "unanswered": 2,
        "unanswered_mentors": 1,
        "disputed": 1,
        "no_checkout": 1,
        "no_shows": len(found.no_shows),
        # Ines's, and Roosevelt's student's request for the clinic's Lab: Lincoln's opportunity (its
        # mentor), so Lincoln's to decide (Roosevelt's coordinator is copied)
        "requests": 2,
        "starts": 1,
        "compliance": 1,
    }
    # Theo is named on his own request only (the decision needs it); as a pursuer, he is a count
    assert {d.student.name for d in found.decisions} == {"Ines In", "Omar Out", "Theo Other"}

    # the first `limit` of each list, oldest (or most urgent) first; the counts stay those of the whole
    first = needs_attention(session, world.coordinator, NOW, limit=1)
    assert first.counts == found.counts
    assert [d.request_id for d in first.decisions] == [found.decisions[0].request_id]
    assert [n.student for n in first.no_shows] == [found.no_shows[0].student]
    assert [m.days for m in first.unanswered] == [mentor.days], "a mentor shown comes with all their days"

    advised = needs_attention(session, world.advisor, NOW)
    assert advised.unanswered == [] and advised.disputed == [] and advised.compliance == []
    assert [d.request_id for d in advised.decisions] == [waiting.id]
    assert advised.decisions[0].others == [], "an advisor names only their advisees"
    assert advised.decisions[0].others_elsewhere == 3


def test_student_record(session: Session, world: w.World) -> None:
    omar = world.students["Omar Out"]
    w.request(session, omar, world.site_id, State.denied)
    record = student_record(session, world.coordinator, omar)
    assert record is not None
    assert record.student.name == "Omar Out" and record.advisor is None
    assert [p.site for p in record.placements] == ["Riverside Clinic"]
    [day] = record.days
    assert (day.date, day.hours, day.status, day.corrections) == (TODAY, Decimal("3.07"), "pending", [])
    assert [r.status for r in record.requests] == [State.denied]
    assert record.confirmed_hours == 0
    assert student_record(session, world.other_coordinator, omar) is None
    assert student_record(session, world.advisor, omar) is None
    ines = student_record(session, world.advisor, world.students["Ines In"])
    assert ines is not None and ines.advisor is not None and ines.advisor.name == "Alan Park"


@contextmanager
def counting(session: Session) -> Iterator[list[str]]:
    statements: list[str] = []
    engine = session.get_bind()

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _queries(sessions: Any, extra: int, call: Callable[[Session, w.World, Viewer], object]) -> list[int]:
    """Statements run by `call` for the coordinator and the advisor, in a fresh session each."""
    with sessions.begin() as session:
        world = w.build(session, extra_students=extra)
        for n in range(extra):  # each extra student: a request waiting and a day waiting for Ruth
            student = world.students[f"Extra Student {n:03}"]
            w.request(session, student, world.site_id, State.requested, title=f"Role {n}")
            person = session.get_one(Person, student)
            attendance.check_in(session, person, at(9, on=date(2026, 3, 2)))
            attendance.check_out(session, person, at(12, on=date(2026, 3, 2)))
            session.get_one(Person, student).advisor_id = world.advisor.person_id
        w.background_check(session, world.mentor_id, TODAY)
    counts = []
    for viewer in (world.coordinator, world.advisor):
        with sessions() as session, counting(session) as statements:
            call(session, world, viewer)
            counts.append(len(statements))
    return counts


@pytest.mark.parametrize(
    "call",
    [
        lambda s, world, viewer: today(s, viewer, NOW),
        lambda s, world, viewer: needs_attention(s, viewer, NOW),
        lambda s, world, viewer: student_record(s, viewer, world.students["Ines In"]),
    ],
    ids=["today", "needs_attention", "student_record"],
)
def test_a_constant_number_of_queries(
    make_runtime: Any, sqlite_url: str, sqlite_template: Path, tmp_path: Path, call: Any
) -> None:
    small = _queries(make_runtime(database_url=sqlite_url).sessions, 0, call)  # 6 students (+ the other school's)
    large_url = f"sqlite:///{tmp_path / 'large.db'}"
    with sqlite3.connect(sqlite_template) as source, sqlite3.connect(tmp_path / "large.db") as copy:
        source.backup(copy)
    source.close()
    copy.close()
    large = _queries(make_runtime(database_url=large_url).sessions, 24, call)  # 30 students
    assert small == large, (small, large)
    # Needs attention: each list with LIMIT and its count, a query or two per list (and one for the
    # required documents not on file); a student's record: a query per part of it
    assert max(small) <= 13


def test_request_helper_builds_what_it_says(session: Session, world: w.World) -> None:
    start = w.request(session, world.students["Ines In"], world.site_id, State.start_requested)
    assert start.days == "Mon Wed" and session.get_one(Person, start.student_id).role == Role.student


def test_no_shows_count_days_not_placements(session: Session, world: w.World) -> None:
    """A student with two placements on the same days who stays home has missed each day once: the
    page read "27 no-shows in 14 days" for the demo's Priya."""
    nora = session.get_one(Person, world.students["Nora Noshow"])
    first = session.get_one(Placement, world.placements["Nora Noshow"])
    builders.placement(
        session,
        first.school,
        nora,
        first.mentor,
        first.site,
        weekdays=w.SCHOOL_DAYS,
        start=time(13),
        end=time(15),
        start_date=date(2026, 2, 2),
        end_date=date(2026, 6, 30),
    )
    [flagged] = [n for n in needs_attention(session, world.coordinator, NOW).no_shows if n.student.id == nora.id]
    assert flagged.count == 10 and len(flagged.dates) == 10 and len(set(flagged.dates)) == 10
    assert flagged.dates[0] == date(2026, 2, 25) and flagged.dates[-1] == TODAY
