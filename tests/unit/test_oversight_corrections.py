"""Fixing the record from the dashboard: a reason always, hours recounted, the student texted when
a dispute is settled, bulk actions all or nothing, and nothing changed outside the viewer's scope."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from messaging import outbox
from tests.unit import oversight_world as w
from tests.unit.oversight_world import NOW, TODAY, at
from workflow import attendance, exports
from workflow.errors import Refused
from workflow.models import AuditEntry, DayStatus, InternshipDay, Person, Placement
from workflow.notifications import Happened, Result
from workflow.oversight import (
    add_day,
    confirm_days,
    decide_requests,
    remind_mentor_now,
    resolve_day,
    student_record,
)
from workflow.requests.states import State

MON = date(2026, 3, 9)


@pytest.fixture
def session(make_runtime: Any, sqlite_url: str) -> Iterator[Session]:
    with make_runtime(database_url=sqlite_url, quiet_hours="00:00-00:00").sessions.begin() as session:
        yield session


@pytest.fixture
def world(session: Session) -> w.World:
    return w.build(session)


def _worked(session: Session, world: w.World, name: str, on: date, *, answer: bool | None = None) -> InternshipDay:
    """A day `name` checked in at 9 and out at 3, answered by Ruth if `answer` is given."""
    student = session.get_one(Person, world.students[name])
    attendance.check_in(session, student, at(9, on=on))
    attendance.check_out(session, student, at(15, on=on))
    day = attendance.day_of(session, session.get_one(Placement, world.placements[name]), on)
    assert day is not None
    if answer is not None:
        ruth = session.get_one(Person, world.mentor_id)
        attendance.answer_day(session, day, ruth, present=answer, feedback="", via="email", now=at(16, on=on))
    return day


def _state(day: InternshipDay) -> tuple[object, ...]:
    return (day.status, day.check_in_at, day.check_out_at, day.hours, day.confirmed_via)


def _audits(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.channel == "dashboard")) or 0


def test_settling_a_dispute_recounts_hours_audits_and_texts_the_student(session: Session, world: w.World) -> None:
    day = _worked(session, world, "Ines In", MON, answer=False)
    assert day.status == DayStatus.disputed
    result = resolve_day(
        session,
        world.coordinator,
        day.id,
        status="confirmed",
        check_in_at=at(9, 30, on=MON),
        reason="Ruth called: Ines came in late, at 9:30",
        now=NOW,
    )
    assert result.happened == Happened.day_resolved
    assert (day.status, day.check_in_at, day.check_out_at, day.hours, day.confirmed_via) == (
        DayStatus.confirmed,
        at(9, 30, on=MON),
        at(15, on=MON),
        Decimal("5.50"),
        "dashboard",
    )
    [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "day.resolved")).all()
    assert (entry.channel, entry.actor_id, entry.object_id) == ("dashboard", world.coordinator.person_id, day.id)
    assert entry.detail["reason"] == "Ruth called: Ines came in late, at 9:30"
    assert entry.detail["before"]["status"] == "disputed" and entry.detail["before"]["hours"] == "6.00"
    assert entry.detail["after"] == {
        "status": "confirmed",
        "check_in_at": at(9, 30, on=MON).isoformat(),
        "check_out_at": at(15, on=MON).isoformat(),
        "hours": "5.50",
        "confirmed_via": "dashboard",
    }
    [sms] = outbox.queue(session, result.notifications, now=NOW)
    assert sms.template == "sms/day_settled" and sms.channel == "sms"
    assert sms.body_text == (
        "Good news, Ines: your coordinator looked into your day at Riverside Clinic on Mon Mar 9 and confirmed it "
        "(5.5 hours)."
    )
    [row] = [r for r in exports.attendance(session, school="Lincoln High") if r["date"] == "2026-03-09"]
    assert (row["status"], row["confirmed_via"], row["hours"]) == ("confirmed", "dashboard", 5.5)
    record = student_record(session, world.coordinator, world.students["Ines In"])
    assert record is not None
    [correction] = next(d for d in record.days if d.day_id == day.id).corrections
    assert correction.reason == "Ruth called: Ines came in late, at 9:30" and correction.before["status"] == "disputed"


def test_marking_a_disputed_day_missed_texts_the_student_and_counts_no_hours(session: Session, world: w.World) -> None:
    day = _worked(session, world, "Ines In", MON, answer=False)
    result = resolve_day(session, world.coordinator, day.id, status="missed", reason="Not there", now=NOW)
    assert (day.status, day.hours, day.check_in_at) == (DayStatus.missed, None, at(9, on=MON)), "times kept"
    [sms] = outbox.queue(session, result.notifications, now=NOW)
    assert "marked it as missed. If that's not right, please talk to them." in sms.body_text


def test_settling_an_undisputed_day_texts_nobody(session: Session, world: w.World) -> None:
    day = _worked(session, world, "Ines In", MON)
    result = resolve_day(
        session, world.coordinator, day.id, status="confirmed", reason="Ruth said yes by phone", now=NOW
    )
    assert day.status == DayStatus.confirmed and result.notifications == []


def test_a_late_mentor_answer_never_undoes_a_settlement(session: Session, world: w.World) -> None:
    day = _worked(session, world, "Ines In", MON)
    resolve_day(session, world.coordinator, day.id, status="missed", reason="She was sick", now=NOW)
    ruth = session.get_one(Person, world.mentor_id)
    answered = attendance.answer_day(session, day, ruth, present=True, feedback="", via="link", now=NOW)
    assert answered.happened == Happened.later_answer
    assert (day.status, day.confirmed_via) == (DayStatus.missed, "dashboard")


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"reason": "  "}, "reason_required"),
        ({"check_out_at": at(8, 30, on=MON)}, "end_before_start"),
        ({"check_in_at": at(9, on=TODAY)}, "time_not_on_day"),
        ({"status": "pending"}, "bad_resolution"),
    ],
)
def test_a_bad_resolution_is_refused_and_changes_nothing(
    session: Session, world: w.World, changes: dict[str, Any], reason: str
) -> None:
    day = _worked(session, world, "Ines In", MON, answer=False)
    before = _state(day)
    arguments: dict[str, Any] = {"status": "confirmed", "reason": "Fixing it", **changes}
    with pytest.raises(Refused) as refused:
        resolve_day(session, world.coordinator, day.id, now=NOW, **arguments)
    assert refused.value.reason == reason
    assert _state(day) == before and _audits(session) == 0


def test_confirming_a_day_without_times_needs_them(session: Session, world: w.World) -> None:
    placement = session.get_one(Placement, world.placements["Nora Noshow"])
    missed = attendance.days.ensure_day(session, placement, MON)
    with pytest.raises(Refused, match="times_needed"):
        resolve_day(session, world.coordinator, missed.id, status="confirmed", reason="Was there", now=NOW)
    resolve_day(
        session,
        world.coordinator,
        missed.id,
        status="confirmed",
        check_in_at=at(9, on=MON),
        check_out_at=at(12, 15, on=MON),
        reason="Forgot her phone; Ruth confirmed by phone",
        now=NOW,
    )
    assert (missed.status, missed.hours) == (DayStatus.confirmed, Decimal("3.25"))


def test_another_schools_day_is_not_found_and_unchanged(session: Session, world: w.World) -> None:
    theirs = session.get_one(InternshipDay, world.other_day_id)
    before = _state(theirs)
    calls: list[Callable[[], Result]] = [
        lambda: resolve_day(session, world.coordinator, theirs.id, status="missed", reason="x", now=NOW),
        lambda: remind_mentor_now(session, world.coordinator, theirs.id, NOW),
        lambda: confirm_days(session, world.coordinator, [theirs.id], "x", NOW),
        lambda: add_day(
            session, world.coordinator, world.other_placement_id, MON, at(9, on=MON), at(10, on=MON), "x", NOW
        ),
    ]
    for call in calls:
        with pytest.raises(Refused) as refused:
            call()
        assert refused.value.reason == "not_found"
    assert _state(theirs) == before and _audits(session) == 0


def test_advisors_may_not_fix_days(session: Session, world: w.World) -> None:
    day = _worked(session, world, "Ines In", MON, answer=False)  # Ines is Alan's advisee
    with pytest.raises(Refused, match="coordinator_only"):
        resolve_day(session, world.advisor, day.id, status="confirmed", reason="x", now=NOW)
    omar = _worked(session, world, "Omar Out", MON)  # not Alan's: as if it did not exist
    with pytest.raises(Refused, match="not_found"):
        resolve_day(session, world.advisor, omar.id, status="confirmed", reason="x", now=NOW)
    assert day.status == DayStatus.disputed and _audits(session) == 0


def test_adding_a_day_never_texted(session: Session, world: w.World) -> None:
    placement_id = world.placements["Nora Noshow"]
    result = add_day(
        session, world.coordinator, placement_id, MON, at(9, on=MON), at(14, on=MON), "Paper sign-in sheet", NOW
    )
    assert result.happened == Happened.day_added and result.notifications == []
    day = attendance.day_of(session, session.get_one(Placement, placement_id), MON)
    assert day is not None
    assert (day.status, day.hours, day.confirmed_via, day.unscheduled) == (
        DayStatus.confirmed,
        Decimal("5.00"),
        "dashboard",
        False,
    )
    [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "day.added")).all()
    assert entry.detail["reason"] == "Paper sign-in sheet" and entry.detail["before"]["status"] == "missed"
    refusals = {
        "day_exists": (MON, at(9, on=MON), at(10, on=MON)),
        "day_in_future": (TODAY + timedelta(days=1), at(9, on=TODAY + timedelta(days=1)), at(10, on=TODAY)),
        "not_in_placement": (date(2026, 1, 5), at(9, on=date(2026, 1, 5)), at(10, on=date(2026, 1, 5))),
        "time_in_future": (TODAY, at(9, on=TODAY), at(14, on=TODAY)),
    }
    for reason, (on, check_in_at, check_out_at) in refusals.items():
        with pytest.raises(Refused) as refused:
            add_day(session, world.coordinator, placement_id, on, check_in_at, check_out_at, "Sheet", NOW)
        assert refused.value.reason == reason


def test_bulk_confirm_is_all_or_nothing(session: Session, world: w.World) -> None:
    days = [_worked(session, world, name, MON) for name in ("Ines In", "Cal Closed")]
    ids = [d.id for d in days]
    for bad, reason in (
        ([*ids, world.other_day_id], "not_found"),
        ([*ids, 999_999], "not_found"),
        ([], "nothing_selected"),
    ):
        with pytest.raises(Refused) as refused:
            confirm_days(session, world.coordinator, bad, "Ruth confirmed by phone", NOW)
        assert refused.value.reason == reason
    open_today = next(d for d in session.scalars(select(InternshipDay)) if d.status == DayStatus.open)
    with pytest.raises(Refused, match="times_needed"):
        confirm_days(session, world.coordinator, [*ids, open_today.id], "Ruth confirmed by phone", NOW)
    assert [d.status for d in days] == [DayStatus.pending] * 2 and _audits(session) == 0
    result = confirm_days(session, world.coordinator, [*ids, ids[0]], "Ruth confirmed by phone", NOW)
    assert result.happened == Happened.days_confirmed
    assert [(d.status, d.confirmed_via, d.hours) for d in days] == [
        (DayStatus.confirmed, "dashboard", Decimal("6.00"))
    ] * 2
    assert _audits(session) == 2


def test_bulk_decisions_go_through_the_state_machine_and_its_messages(session: Session, world: w.World) -> None:
    ines, omar = world.students["Ines In"], world.students["Omar Out"]
    first = w.request(session, ines, world.site_id, State.requested)
    second = w.request(session, omar, world.site_id, State.requested, title="Front desk")
    theirs = w.request(session, world.other_student_id, w.site_named(session, "Harbor Lab"), State.requested)
    denied = w.request(session, omar, world.site_id, State.denied, title="Lab")
    for ids, reason in (([first.id, theirs.id], "not_found"), ([first.id, denied.id], "bad_move")):
        with pytest.raises(Refused) as refused:
            decide_requests(session, world.coordinator, ids, True, "Strong applications", NOW)
        assert refused.value.reason == reason
    with pytest.raises(Refused, match="reason_required"):
        decide_requests(session, world.coordinator, [first.id], True, "", NOW)
    assert (first.status, second.status, theirs.status) == (State.requested,) * 3 and _audits(session) == 0

    result = decide_requests(session, world.coordinator, [first.id, second.id], True, "Strong applications", NOW)
    assert result.happened == Happened.requests_decided
    assert (first.status, second.status) == (State.pursuing, State.pursuing)
    templates = sorted(n.template for n in result.notifications)
    assert templates == ["email/mentor_student_coming"] * 2 + ["sms/request_approved"] * 2, "each mentor hears too"
    entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "request.approved")).all()
    assert [(e.channel, e.detail["reason"]) for e in entries] == [("dashboard", "Strong applications")] * 2


def test_advisors_decide_their_advisees_starts_only(session: Session, world: w.World) -> None:
    ines, omar = world.students["Ines In"], world.students["Omar Out"]
    start = w.request(session, ines, world.site_id, State.start_requested)
    request = w.request(session, ines, world.site_id, State.requested, title="Front desk")
    others = w.request(session, omar, world.site_id, State.start_requested, title="Lab")
    with pytest.raises(Refused, match="coordinator_only"):
        decide_requests(session, world.advisor, [start.id, request.id], True, "Good plan", NOW)
    with pytest.raises(Refused, match="not_found"):
        decide_requests(session, world.advisor, [start.id, others.id], True, "Good plan", NOW)
    assert start.status == State.start_requested
    w.background_check(session, world.mentor_id, date(2027, 1, 1))
    result = decide_requests(session, world.advisor, [start.id], True, "Good plan", NOW)
    assert start.status == State.active and start.placement_id is not None
    assert "email/mentor_welcome" in {n.template for n in result.notifications}
    assert result.summary == f"request {start.id}: started"


def test_a_start_blocked_by_compliance_is_reported_not_refused(session: Session, world: w.World) -> None:
    start = w.request(session, world.students["Ines In"], world.site_id, State.start_requested)
    result = decide_requests(session, world.coordinator, [start.id], True, "Good plan", NOW)
    assert start.status == State.start_requested and result.summary == f"request {start.id}: start_blocked"


def test_remind_now_sends_the_reminder_email_once_an_hour(session: Session, world: w.World) -> None:
    day = _worked(session, world, "Ines In", MON)
    result = remind_mentor_now(session, world.coordinator, day.id, NOW)
    [email] = result.notifications
    assert (email.template, email.to and email.to.id) == ("email/mentor_reminder", world.mentor_id)
    assert day.mentor_reminded_at == NOW
    with pytest.raises(Refused, match="reminded_recently"):
        remind_mentor_now(session, world.coordinator, day.id, NOW + timedelta(minutes=5))
    assert remind_mentor_now(session, world.coordinator, day.id, NOW + timedelta(hours=1)).notifications
    with pytest.raises(Refused, match="coordinator_only"):
        remind_mentor_now(session, world.advisor, day.id, NOW + timedelta(hours=3))
    resolve_day(session, world.coordinator, day.id, status="confirmed", reason="Phoned", now=NOW)
    with pytest.raises(Refused, match="nothing_to_remind"):
        remind_mentor_now(session, world.coordinator, day.id, NOW + timedelta(hours=3))


def test_the_refusals_have_words() -> None:
    from messaging import rendering

    for reason in ("not_found", "coordinator_only", "reason_required", "times_needed", "reminded_recently"):
        words = rendering.refusal(Refused(reason, date="Tue Mar 10"))
        assert words and "{" not in words, reason


def test_the_settled_sms_fits_for_a_missed_day() -> None:
    from messaging import rendering
    from tests.unit.template_samples import COMMON, SAMPLES

    rendered = rendering.render_sms("day_settled", {**COMMON, **SAMPLES["sms/day_settled"], "settled": "missed"})
    assert rendered.segments <= 2 and "marked it as missed" in rendered.text
