"""Fixing the record from the dashboard: settle a day (confirm on the mentor's behalf, mark missed,
adjust its times), add a day that was never texted, confirm several days or decide several
requests at once, and remind a mentor now.

Every change is the coordinator's (advisors decide only their advisees' starts), needs a reason,
goes through the same state machines as a reply or a link, and is audited on channel "dashboard"
with the reason and the day before and after (the schema has no column for the reason: the audit
log keeps it, and `workflow.oversight.student` reads it back). A bulk call is all-or-nothing: one id
out of scope, or one move the state machine refuses, and nothing changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from workflow import audit
from workflow.attendance.checkout import mentor_request
from workflow.attendance.days import ensure_day, hours_between, local, placement_context, student_sms
from workflow.errors import Refused
from workflow.models import DayEvent, DayStatus, InternshipDay, InternshipRequest, Person, School, move_day
from workflow.notifications import Category, Happened, Notification, Result
from workflow.oversight.today import DAY_WITH_PEOPLE
from workflow.oversight.viewer import (
    Viewer,
    acting_person,
    day_for,
    days_in_scope,
    placement_for,
    request_scope,
    require_coordinator,
    require_reason,
)
from workflow.requests.asking import decide_request
from workflow.requests.starting import decide_start
from workflow.requests.states import Event, State, check

CHANNEL = "dashboard"
REMIND_AGAIN_AFTER = timedelta(hours=1)  # "remind now" twice in a row sends one email
Resolution = Literal["confirmed", "missed"]


def said(day: date) -> str:
    """A date in a refusal's words ("Tue Mar 10")."""
    return f"{day:%a %b %-d}"


def snapshot(day: InternshipDay) -> dict[str, Any]:
    """What a correction changes, as the audit log keeps it (before and after)."""
    return {
        "status": day.status,
        "check_in_at": day.check_in_at.isoformat() if day.check_in_at else None,
        "check_out_at": day.check_out_at.isoformat() if day.check_out_at else None,
        "hours": str(day.hours) if day.hours is not None else None,
        "confirmed_via": day.confirmed_via,
    }


def _checked_times(
    day: date,
    school: School,
    now: datetime,
    check_in_at: datetime | None,
    check_out_at: datetime | None,
    *,
    given: Sequence[datetime | None],
    need_both: bool,
) -> None:
    """Refused unless the times given fall on the day, have happened, and check-out follows check-in."""
    for moment in given:
        if moment is None:
            continue
        if moment.tzinfo is None:
            raise ValueError("naive datetime given; times are aware")
        if local(moment, school).date() != day:
            raise Refused("time_not_on_day", date=said(day))
        if moment > now:
            raise Refused("time_in_future")
    if need_both and (check_in_at is None or check_out_at is None):
        raise Refused("times_needed", date=said(day))
    if check_in_at is not None and check_out_at is not None and check_out_at <= check_in_at:
        raise Refused("end_before_start")


def _settle(
    session: Session,
    actor: Person,
    day: InternshipDay,
    *,
    status: Resolution,
    check_in_at: datetime | None,
    check_out_at: datetime | None,
    reason: str,
    action: str,
    now: datetime,
) -> list[Notification]:
    """Move the day (settle or excuse), recount its hours like a check-out, audit the change, and
    text the student when a day they were disputed on is settled."""
    before = snapshot(day)
    was_disputed = day.status == DayStatus.disputed
    move_day(day, DayEvent.settle if status == "confirmed" else DayEvent.excuse)
    day.check_in_at, day.check_out_at = check_in_at, check_out_at
    day.hours = None
    if status == "confirmed" and check_in_at is not None and check_out_at is not None:
        day.hours = hours_between(check_in_at, check_out_at)  # the same rule as a check-out
    day.confirmed_via, day.confirmed_at = CHANNEL, now
    placement = day.placement
    audit.record(
        session,
        action=action,
        channel=CHANNEL,
        now=now,
        actor=actor,
        object_type="day",
        object_id=day.id,
        reason=reason,
        before=before,
        after=snapshot(day),
    )
    if not was_disputed:
        return []
    context = {"day": day, "settled": status, **placement_context(placement)}
    return [student_sms("day_settled", placement.student, Category.message, **context)]


def resolve_day(
    session: Session,
    viewer: Viewer,
    day_id: int,
    *,
    status: Resolution,
    check_in_at: datetime | None = None,
    check_out_at: datetime | None = None,
    reason: str,
    now: datetime,
) -> Result:
    """Confirm a day on the mentor's behalf or mark it missed, adjusting either time if given (a time
    not given is kept). Hours are recounted from the times, like a check-out; a confirmed day needs
    both times. Refused: not_found (outside the viewer's scope), coordinator_only, reason_required,
    bad_resolution, times_needed, time_not_on_day, time_in_future, end_before_start."""
    day = day_for(session, viewer, day_id)
    if day is None:
        raise Refused("not_found")
    require_coordinator(viewer)
    reason = require_reason(reason)
    if status not in ("confirmed", "missed"):
        raise Refused("bad_resolution")
    new_in = check_in_at if check_in_at is not None else day.check_in_at
    new_out = check_out_at if check_out_at is not None else day.check_out_at
    school = day.placement.school
    _checked_times(
        day.date, school, now, new_in, new_out, given=(check_in_at, check_out_at), need_both=status == "confirmed"
    )
    actor = acting_person(session, viewer)
    notes = _settle(
        session,
        actor,
        day,
        status=status,
        check_in_at=new_in,
        check_out_at=new_out,
        reason=reason,
        action="day.resolved",
        now=now,
    )
    return Result(notes, summary=f"day {day.id} {status} on the dashboard", happened=Happened.day_resolved)


def add_day(
    session: Session,
    viewer: Viewer,
    placement_id: int,
    day: date,
    check_in_at: datetime,
    check_out_at: datetime,
    reason: str,
    now: datetime,
) -> Result:
    """A day the student never texted, added confirmed (via the dashboard). A row Relay made without
    a check-in (a nudge) is filled in; a day with a check-in is fixed with `resolve_day` instead.
    Refused: not_found, coordinator_only, reason_required, not_in_placement, day_in_future, day_exists,
    and the times' refusals."""
    placement = placement_for(session, viewer, placement_id)
    if placement is None:
        raise Refused("not_found")
    require_coordinator(viewer)
    reason = require_reason(reason)
    if not placement.start_date <= day <= placement.end_date:
        raise Refused("not_in_placement", first=said(placement.start_date), last=said(placement.end_date))
    school = placement.school
    if day > local(now, school).date():
        raise Refused("day_in_future")
    _checked_times(day, school, now, check_in_at, check_out_at, given=(check_in_at, check_out_at), need_both=True)
    existing = session.scalars(
        select(InternshipDay).where(InternshipDay.placement_id == placement.id, InternshipDay.date == day)
    ).one_or_none()
    if existing is not None and existing.check_in_at is not None:
        raise Refused("day_exists", date=said(day))
    actor = acting_person(session, viewer)
    row = ensure_day(session, placement, day)
    row.unscheduled = not placement.meets_on(day)
    notes = _settle(
        session,
        actor,
        row,
        status="confirmed",
        check_in_at=check_in_at,
        check_out_at=check_out_at,
        reason=reason,
        action="day.added",
        now=now,
    )
    return Result(notes, summary=f"day {row.id} added on the dashboard", happened=Happened.day_added)


def _all_in_scope(ids: Sequence[int], found: Sequence[Any]) -> list[int]:
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        raise Refused("nothing_selected")
    if len(found) != len(wanted):
        raise Refused("not_found")
    return wanted


def confirm_days(session: Session, viewer: Viewer, day_ids: Sequence[int], reason: str, now: datetime) -> Result:
    """Confirm several days on the mentors' behalf with one reason, each as `resolve_day` would with
    its own times. All or nothing: Refused (and nothing changed) if any day is outside the viewer's
    scope (not_found) or lacks a check-in or check-out (times_needed)."""
    days = session.scalars(
        days_in_scope(viewer).where(InternshipDay.id.in_(list(day_ids))).options(DAY_WITH_PEOPLE)
    ).all()
    _all_in_scope(day_ids, days)
    require_coordinator(viewer)
    reason = require_reason(reason)
    for day in days:
        if day.check_in_at is None or day.check_out_at is None:
            raise Refused("times_needed", date=said(day.date))
    actor = acting_person(session, viewer)
    notes: list[Notification] = []
    for day in sorted(days, key=lambda d: d.id):
        notes += _settle(
            session,
            actor,
            day,
            status="confirmed",
            check_in_at=day.check_in_at,
            check_out_at=day.check_out_at,
            reason=reason,
            action="day.resolved",
            now=now,
        )
    return Result(notes, summary=f"{len(days)} days confirmed on the dashboard", happened=Happened.days_confirmed)


def _event(request: InternshipRequest, approve: bool) -> Event:
    if request.status == State.start_requested:
        return Event.advisor_approve if approve else Event.advisor_deny
    return Event.approve if approve else Event.deny


def decide_requests(
    session: Session, viewer: Viewer, request_ids: Sequence[int], approve: bool, reason: str, now: datetime
) -> Result:
    """Approve or deny several requests (the coordinator's) and starts (the advisor's, or a
    coordinator's) with one reason, each by `decide_request` or `decide_start` with via="dashboard",
    so the same moves and messages follow as by reply or link. An advisor may decide only their
    advisees' starts. All or nothing: any id outside the scope (not_found), any request an advisor
    may not decide (coordinator_only), or any move the state table refuses (bad_move), and nothing
    changes; a start blocked by the mentor's compliance is reported, not refused."""
    requests = session.scalars(
        select(InternshipRequest)
        .where(InternshipRequest.id.in_(list(request_ids)), request_scope(viewer))
        # selectin, not joined: `hold` refreshes each row FOR UPDATE with the loader options it was
        # loaded with, and Postgres refuses FOR UPDATE on the nullable side of an outer join
        .options(selectinload(InternshipRequest.student), selectinload(InternshipRequest.opportunity))
        .order_by(InternshipRequest.id)
    ).all()
    _all_in_scope(request_ids, requests)
    if not viewer.is_coordinator and any(r.status != State.start_requested for r in requests):
        raise Refused("coordinator_only")
    if any(r.status == State.requested and r.opportunity.school_id != viewer.school_id for r in requests):
        raise Refused("decided_by_owner")  # a request for another school's shared opportunity
    reason = require_reason(reason)
    for request in requests:
        check(request, _event(request, approve))
    actor = acting_person(session, viewer)
    notes: list[Notification] = []
    summaries: list[str] = []
    with session.begin_nested():  # a refusal half-way (a race) undoes the ones before it
        for request in requests:
            decide = decide_start if request.status == State.start_requested else decide_request
            result = decide(session, request, actor, approve=approve, reason=reason, via=CHANNEL, now=now)
            notes += result.notifications
            summaries.append(f"request {request.id}: {result.happened}")
    return Result(notes, summary="; ".join(summaries), happened=Happened.requests_decided)


def remind_mentor_now(session: Session, viewer: Viewer, day_id: int, now: datetime) -> Result:
    """ "Remind now": the mentor gets the reminder job's email again, at once. Refused: not_found,
    coordinator_only, nothing_to_remind (the day is not waiting), reminded_recently (within an hour)."""
    day = day_for(session, viewer, day_id)
    if day is None:
        raise Refused("not_found")
    require_coordinator(viewer)
    if day.status != DayStatus.pending:
        raise Refused("nothing_to_remind")
    if day.mentor_reminded_at is not None and now - day.mentor_reminded_at < REMIND_AGAIN_AFTER:
        raise Refused("reminded_recently")
    day.mentor_reminded_at = now
    audit.record(
        session,
        action="day.mentor_reminded",
        channel=CHANNEL,
        now=now,
        actor=acting_person(session, viewer),
        object_type="day",
        object_id=day.id,
    )
    return Result(
        [mentor_request(day, reminder=True)],
        summary=f"mentor of day {day.id} reminded",
        happened=Happened.mentor_reminded,
    )
