"""Asking and deciding: a student asks for an opportunity, the coordinator decides, a freed place
goes to the next in line, a student withdraws."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow import audit
from workflow.errors import Refused
from workflow.models import InternshipRequest, Opportunity, Person, Role
from workflow.notifications import Category, Happened, Link, Notification, Result
from workflow.people import coordinators
from workflow.requests.queries import can_see, has_room, place_in_line, places_taken, pursuers
from workflow.requests.states import OPEN, Event, State, hold, lock_site, move, move_on_its_own

DECIDE_TTL = timedelta(days=21)


def deciding_school(request: InternshipRequest) -> int:
    """The school whose coordinator decides a request: the opportunity's (schools own their mentor
    relationships), which is the student's own unless the opportunity is shared in from the region."""
    return request.opportunity.school_id


def shared_in(request: InternshipRequest) -> bool:
    """A request for another school's opportunity (shared with the region)."""
    return request.opportunity.school_id != request.school_id


def to_coordinators(
    session: Session, request: InternshipRequest, template: str, kind: Category = Category.message, **context: object
) -> list[Notification]:
    """To the coordinators of the student's school; `email/request_decide` goes to the deciding
    school's instead, and then the student's own coordinators get a copy (`email/request_copied`)."""
    base = {"request": request, "opportunity": request.opportunity, "student": request.student}
    decide = template == "email/request_decide"
    school_id = deciding_school(request) if decide else request.school_id
    notes = []
    for coordinator in coordinators(session, school_id):
        notes.append(
            Notification(
                template=template,
                to=coordinator,
                school_id=school_id,
                kind=kind,
                context={**base, "student_school": request.school.name if shared_in(request) else None, **context},
                links={"decide_url": Link("request.decide", "request", request.id, DECIDE_TTL)} if decide else {},
                reply=Link("request.decide", "request", request.id, DECIDE_TTL) if decide else None,
                thread=f"request-{request.id}",
            )
        )
    if decide and shared_in(request):
        notes += copy_to_students_school(session, request, decision=None)
    return notes


def copy_to_students_school(session: Session, request: InternshipRequest, decision: str | None) -> list[Notification]:
    """The student's own coordinators are copied on a request for another school's opportunity:
    when it goes to that school, and when it is decided there (`decision`: approved or denied)."""
    return [
        Notification(
            template="email/request_copied",
            to=coordinator,
            school_id=request.school_id,
            kind=Category.notice,
            context={
                "request": request,
                "opportunity": request.opportunity,
                "student": request.student,
                "owner": request.opportunity.school.name,
                "decision": decision,
            },
            thread=f"request-{request.id}-copy",
        )
        for coordinator in coordinators(session, request.school_id)
    ]


def to_student(
    request: InternshipRequest, template: str, kind: Category = Category.message, **context: object
) -> Notification:
    return Notification(
        template=f"sms/{template}",
        to=request.student,
        kind=kind,
        context={
            "request": request,
            "opportunity": request.opportunity,
            "site": request.opportunity.site.name,
            **context,
        },
        fit="reason" if "reason" in context else None,
    )


def _decide_email(session: Session, request: InternshipRequest) -> list[Notification]:
    return to_coordinators(
        session,
        request,
        "email/request_decide",
        others=pursuers(session, request, school_id=deciding_school(request)),
        taken=places_taken(session, request.opportunity, besides=request),
    )


def request_opportunity(session: Session, student: Person, opportunity_id: int, now: datetime) -> Result:
    """A student asks for an opportunity: to the coordinator if there is room, else in line."""
    opportunity = session.get(Opportunity, opportunity_id)
    if opportunity is not None:
        lock_site(session, opportunity.site_id)
        session.refresh(opportunity, with_for_update=True)
    if opportunity is None or not opportunity.active or not can_see(session, student, opportunity):
        raise Refused("not_open")
    existing = session.scalars(
        select(InternshipRequest).where(
            InternshipRequest.student_id == student.id,
            InternshipRequest.opportunity_id == opportunity.id,
            InternshipRequest.status.in_([s.value for s in OPEN]),
        )
    ).first()
    if existing is not None:
        raise Refused("already_asked", state=existing.status)
    room = has_room(session, opportunity)
    request = InternshipRequest(
        school_id=student.school_id,
        student_id=student.id,
        opportunity_id=opportunity.id,
        status=State.requested if room else State.waiting,
        requested_at=now,
        updated_at=now,
    )
    session.add(request)
    session.flush()
    audit.record(
        session,
        action="request.created",
        channel="link",
        now=now,
        actor=student,
        object_type="request",
        object_id=request.id,
        status=request.status,
    )
    if room:
        return Result(
            _decide_email(session, request),
            summary=f"request {request.id} sent to the coordinator",
            happened=Happened.request_sent,
        )
    return Result(
        [to_student(request, "request_waiting", place=place_in_line(session, request))],
        summary=f"request {request.id} waits",
        happened=Happened.request_waiting,
    )


def decide_request(
    session: Session,
    request: InternshipRequest,
    coordinator: Person,
    *,
    approve: bool | None,
    reason: str,
    via: str,
    now: datetime,
) -> Result:
    if coordinator.role != Role.coordinator or coordinator.school_id != deciding_school(request):
        raise Refused("not_coordinator")
    if approve is None:
        note = Notification(
            template="email/request_clarify",
            to=coordinator,
            school_id=coordinator.school_id,
            context={"request": request, "opportunity": request.opportunity, "student": request.student},
            reply=Link("request.decide", "request", request.id, DECIDE_TTL),
            thread=f"request-{request.id}",
        )
        return Result([note], summary="unclear answer; asked again", happened=Happened.asked_again)
    hold(session, request)
    reason = reason.strip()[:2000]
    move(request, Event.approve if approve else Event.deny, now)
    request.decided_at, request.reason = now, reason or None
    audit.record(
        session,
        action="request.approved" if approve else "request.denied",
        channel=via,
        now=now,
        actor=coordinator,
        object_type="request",
        object_id=request.id,
        reason=reason or None,
    )
    if approve:
        request.pursue_until = now + timedelta(days=request.school.pursuit_days)
        mentor = request.opportunity.mentor
        notes = [to_student(request, "request_approved", mentor=mentor, until=request.pursue_until)]
        notes += _to_mentor_student_coming(request)
        notes += copy_to_students_school(session, request, "approved") if shared_in(request) else []
        return Result(notes, summary=f"request {request.id} approved", happened=Happened.request_approved)
    notes = [to_student(request, "request_denied", reason=reason)]
    notes += copy_to_students_school(session, request, "denied") if shared_in(request) else []
    notes += offer_next(session, request.opportunity, now)
    return Result(notes, summary=f"request {request.id} denied", happened=Happened.request_denied)


def _to_mentor_student_coming(request: InternshipRequest) -> list[Notification]:
    """The student now has the mentor's contact details: the mentor hears it from Relay first, with
    who may get in touch, by when, and what happens next (the welcome comes when the start does)."""
    mentor = request.opportunity.mentor
    if not mentor.active:
        return []
    context = {"request": request, "opportunity": request.opportunity, "student": request.student}
    return [
        Notification(
            template="email/mentor_student_coming",
            to=mentor,
            school_id=request.school_id,
            context={**context, "until": request.pursue_until},
            thread=f"request-{request.id}-mentor",
        )
    ]


def offer_next(session: Session, opportunity: Opportunity, now: datetime) -> list[Notification]:
    """A place freed up: the next students in line (at this site) go to the coordinator."""
    notes: list[Notification] = []
    lock_site(session, opportunity.site_id)
    waiting = list(
        session.scalars(
            select(InternshipRequest)
            .join(Opportunity)
            .where(Opportunity.site_id == opportunity.site_id, InternshipRequest.status == State.waiting)
            .order_by(InternshipRequest.requested_at, InternshipRequest.id)
        )
    )
    for request in waiting:
        locked = session.get(Opportunity, request.opportunity_id, with_for_update=True, populate_existing=True)
        if locked is None or not has_room(session, locked):
            continue
        move_on_its_own(session, request, Event.offer, "request.offered", now)
        notes.append(to_student(request, "request_offered"))
        notes += _decide_email(session, request)
    return notes


def withdraw(session: Session, request: InternshipRequest, student: Person, now: datetime) -> Result:
    if request.student_id != student.id:
        raise Refused("not_yours")
    hold(session, request)
    move(request, Event.withdraw, now)
    audit.record(
        session,
        action="request.withdrawn",
        channel="link",
        now=now,
        actor=student,
        object_type="request",
        object_id=request.id,
    )
    return Result(
        offer_next(session, request.opportunity, now),
        summary=f"request {request.id} withdrawn",
        happened=Happened.withdrawn,
    )
