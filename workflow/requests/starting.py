"""Starting: READY (the student's days, hours and dates), the advisor's decision, the compliance
check, and the placement an approved start creates."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy.orm import Session

from workflow import audit, compliance
from workflow.errors import Refused
from workflow.models import InternshipRequest, Person, Placement, PlacementStatus, Role
from workflow.notifications import Category, Happened, Link, Notification, Result
from workflow.people import coordinators
from workflow.requests.asking import DECIDE_TTL, offer_next, to_coordinators, to_student
from workflow.requests.states import Event, check, hold, move


def request_start(
    session: Session,
    request: InternshipRequest,
    student: Person,
    *,
    days: str,
    start: time,
    end: time,
    first: date,
    last: date,
    now: datetime,
    via: str = "link",
) -> Result:
    """READY: the student asks to start, with days, hours and dates (by text or on their page);
    the advisor decides."""
    if request.student_id != student.id:
        raise Refused("not_yours")
    if end <= start:
        raise Refused("end_before_start")
    if last < first:
        raise Refused("last_before_first")
    hold(session, request)  # the lapse job may have just expired it and offered the place on
    move(request, Event.ready, now)
    request.days, request.start_time, request.end_time = days, start, end
    request.start_date, request.end_date, request.start_requested_at = first, last, now
    request.advisor_reminded_at = request.escalated_at = None
    audit.record(
        session,
        action="request.start_requested",
        channel=via,
        now=now,
        actor=student,
        object_type="request",
        object_id=request.id,
    )
    return Result(
        [start_email(session, request, reminder=False)],
        summary=f"start requested for {request.id}",
        happened=Happened.start_requested,
    )


def decider_of(session: Session, request: InternshipRequest) -> Person | None:
    """The student's advisor decides a start; without one, the first coordinator."""
    advisor = request.student.advisor
    if advisor is not None and advisor.active:
        return advisor
    found = coordinators(session, request.school_id)
    return found[0] if found else None


def start_email(session: Session, request: InternshipRequest, *, reminder: bool) -> Notification:
    decider = decider_of(session, request)
    link = Link("start.decide", "request", request.id, DECIDE_TTL)
    return Notification(
        template="email/start_reminder" if reminder else "email/start_decide",
        to=decider,
        to_address=None if decider else "nobody@invalid",
        school_id=request.school_id,
        context={
            "request": request,
            "opportunity": request.opportunity,
            "student": request.student,
            "mentor": request.opportunity.mentor,
        },
        links={"decide_url": link},
        reply=link,
        thread=f"start-{request.id}",
    )


def compliance_problems(session: Session, mentor: Person, today: date) -> list[str]:
    """Why a mentor may not take a student yet: the school's required documents that are missing,
    not valid or expired (`workflow.compliance`, the same rule the pages and the import flag by)."""
    return [str(problem) for problem in compliance.problems(session, mentor, today)]


def decide_start(
    session: Session,
    request: InternshipRequest,
    advisor: Person,
    *,
    approve: bool | None,
    reason: str,
    via: str,
    now: datetime,
) -> Result:
    decider = decider_of(session, request)
    if decider is None or (advisor.id != decider.id and advisor.role != Role.coordinator):
        raise Refused("not_advisor")
    if approve is None:
        return Result(
            [start_email(session, request, reminder=True)],
            summary="unclear answer; asked again",
            happened=Happened.asked_again,
        )
    hold(session, request)
    context = {
        "request": request,
        "opportunity": request.opportunity,
        "student": request.student,
        "mentor": request.opportunity.mentor,
    }
    if approve:
        check(request, Event.advisor_approve)  # a refused move is said before any compliance problem
        if not request.student.active:
            raise Refused("student_inactive", name=request.student.name)
        problems = compliance_problems(session, request.opportunity.mentor, now.astimezone(request.school.zone).date())
        if problems:
            audit.record(
                session,
                action="request.start_blocked",
                channel=via,
                now=now,
                actor=advisor,
                object_type="request",
                object_id=request.id,
                problems=problems,
            )
            notes = [
                Notification(
                    template="email/start_blocked",
                    to=advisor,
                    school_id=request.school_id,
                    kind=Category.alert,
                    context={**context, "problems": problems},
                )
            ]
            notes += [
                Notification(
                    template="email/start_blocked",
                    to=c,
                    school_id=request.school_id,
                    kind=Category.alert,
                    context={**context, "problems": problems},
                )
                for c in coordinators(session, request.school_id)
                if c.id != advisor.id
            ]
            return Result(
                notes, summary=f"start of {request.id} blocked: {'; '.join(problems)}", happened=Happened.start_blocked
            )
        move(request, Event.advisor_approve, now)
        placement = _placement(session, request)
        request.decided_at, request.placement_id = now, placement.id
        audit.record(
            session,
            action="request.started",
            channel=via,
            now=now,
            actor=advisor,
            object_type="request",
            object_id=request.id,
            placement_id=placement.id,
        )
        mentor = request.opportunity.mentor
        notes = [
            Notification(
                template="email/start_approved", to=request.student, school_id=request.school_id, context=context
            ),
            to_student(request, "start_approved"),  # the page promised a text when the advisor answers
            Notification(template="email/mentor_welcome", to=mentor, school_id=request.school_id, context=context),
        ]
        notes += to_coordinators(session, request, "email/placement_started", mentor=mentor)
        notes += offer_next(session, request.opportunity, now)  # a student who started no longer pursues the site
        return Result(
            notes, summary=f"request {request.id} started as placement {placement.id}", happened=Happened.started
        )
    move(request, Event.advisor_deny, now)
    request.reason = reason.strip()[:2000] or None
    audit.record(
        session,
        action="request.start_denied",
        channel=via,
        now=now,
        actor=advisor,
        object_type="request",
        object_id=request.id,
        reason=request.reason,
    )
    return Result(
        [to_student(request, "start_denied", reason=request.reason or "")],
        summary=f"start of {request.id} denied",
        happened=Happened.start_denied,
    )


def _placement(session: Session, request: InternshipRequest) -> Placement:
    assert request.days and request.start_time and request.end_time and request.start_date and request.end_date
    opportunity = request.opportunity
    placement = Placement(
        school_id=request.school_id,
        student_id=request.student_id,
        mentor_id=opportunity.mentor_id,
        site_id=opportunity.site_id,
        weekdays=request.days,
        start_time=request.start_time,
        end_time=request.end_time,
        start_date=request.start_date,
        end_date=request.end_date,
        status=PlacementStatus.active,
    )
    session.add(placement)
    session.flush()
    return placement
