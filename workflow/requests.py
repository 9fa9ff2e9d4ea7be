"""From wanting an internship to starting one: requests, approvals, the pursuit window, the start.

Every move of a request is in `TRANSITIONS`, in one place; a move that is not there is refused
with a reason and changes nothing. Places are counted under a lock on the site (the per-site
pursuer limit spans its opportunities), then the opportunity, then the request: always in that
order, so two students racing for the last place or the site's last slot cannot both win it, and
two transactions never wait on each other in a circle.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from workflow import audit
from workflow.models import (
    ComplianceDocument,
    InternshipRequest,
    Opportunity,
    Person,
    Placement,
    PlacementStatus,
    Prospect,
    Role,
    School,
    Site,
)
from workflow.notifications import Kind, Link, Notification, Result
from workflow.people import coordinators

DECIDE_TTL = timedelta(days=21)
REMIND_BEFORE_END = timedelta(days=3)
REQUIRED_DOCUMENTS = ("background_check",)


class State(enum.StrEnum):
    waiting = "waiting"  # beyond capacity or the site's pursuer limit: in line
    requested = "requested"  # waiting for the coordinator
    denied = "denied"
    pursuing = "pursuing"  # approved: the student has the mentor's contact and a window
    expired = "expired"  # the window ended before a start was requested
    start_requested = "start_requested"  # waiting for the advisor
    active = "active"  # the internship has started (a placement exists)
    withdrawn = "withdrawn"


class Event(enum.StrEnum):
    offer = "offer"  # a place freed up for a waiting request
    approve = "approve"
    deny = "deny"
    lapse = "lapse"
    ready = "ready"
    advisor_approve = "advisor_approve"
    advisor_deny = "advisor_deny"
    withdraw = "withdraw"


TRANSITIONS: dict[tuple[State, Event], State] = {
    (State.waiting, Event.offer): State.requested,
    (State.waiting, Event.withdraw): State.withdrawn,
    (State.requested, Event.approve): State.pursuing,
    (State.requested, Event.deny): State.denied,
    (State.requested, Event.withdraw): State.withdrawn,
    (State.pursuing, Event.ready): State.start_requested,
    (State.pursuing, Event.lapse): State.expired,
    (State.pursuing, Event.withdraw): State.withdrawn,
    (State.start_requested, Event.advisor_approve): State.active,
    (State.start_requested, Event.advisor_deny): State.pursuing,  # the student may ask again
    (State.start_requested, Event.withdraw): State.withdrawn,
}
OPEN = (State.waiting, State.requested, State.pursuing, State.start_requested)
HOLDING_A_PLACE = (State.requested, State.pursuing, State.start_requested, State.active)
PURSUING_THE_SITE = (State.requested, State.pursuing, State.start_requested)


class Refused(Exception):
    """A move that may not happen; nothing changed. `reason` names why, and `details` fill it in:
    the words a person reads are `{% block <reason> %}` of templates/web/refusals.txt."""

    def __init__(self, reason: str, **details: str) -> None:
        super().__init__(reason, details)
        self.reason = reason
        self.details = details

    def __str__(self) -> str:
        return f"{self.reason} {self.details}" if self.details else self.reason


def check(request: InternshipRequest, event: Event) -> State:
    """Where `event` would take the request; Refused (with the reason) if it may not happen."""
    state = State(request.status)
    target = TRANSITIONS.get((state, event))
    if target is None:
        raise Refused("bad_move", state=state.value, event=event.value)
    return target


def move(request: InternshipRequest, event: Event, now: datetime) -> State:
    target = check(request, event)
    request.status = target
    request.updated_at = now
    return target


# -- looking ---------------------------------------------------------------------------------------


def visible_opportunities(session: Session, student: Person, *, field: str = "", words: str = "") -> list[Opportunity]:
    """The student's school's opportunities, and those other schools of its region share."""
    school = student.school
    query = select(Opportunity).join(School, School.id == Opportunity.school_id).where(Opportunity.active.is_(True))
    if school.region:
        query = query.where(
            or_(
                Opportunity.school_id == school.id,
                (School.region == school.region) & Opportunity.shared_with_region.is_(True),
            )
        )
    else:
        query = query.where(Opportunity.school_id == school.id)
    if field:
        query = query.where(func.lower(Opportunity.field) == field.lower())
    for word in words.split()[:8]:
        like = f"%{word.lower()}%"
        query = query.where(
            or_(
                func.lower(Opportunity.title).like(like),
                func.lower(Opportunity.description).like(like),
                func.lower(Opportunity.field).like(like),
            )
        )
    return list(session.scalars(query.order_by(Opportunity.field, Opportunity.title)))


def can_see(session: Session, student: Person, opportunity: Opportunity) -> bool:
    if opportunity.school_id == student.school_id:
        return True
    return bool(
        opportunity.shared_with_region and student.school.region and opportunity.school.region == student.school.region
    )


def _count(session: Session, *conditions: ColumnElement[bool]) -> int:
    return int(session.scalar(select(func.count()).select_from(InternshipRequest).where(*conditions)) or 0)


def places_taken(session: Session, opportunity: Opportunity) -> int:
    return _count(
        session,
        InternshipRequest.opportunity_id == opportunity.id,
        InternshipRequest.status.in_([s.value for s in HOLDING_A_PLACE]),
    )


def pursuers_of_site(session: Session, site_id: int) -> int:
    return _count(
        session,
        InternshipRequest.opportunity_id.in_(select(Opportunity.id).where(Opportunity.site_id == site_id)),
        InternshipRequest.status.in_([s.value for s in PURSUING_THE_SITE]),
    )


def who_else(session: Session, request: InternshipRequest) -> list[InternshipRequest]:
    """Other students pursuing the same site (the coordinator sees them when deciding)."""
    return list(
        session.scalars(
            select(InternshipRequest)
            .join(Opportunity)
            .where(
                Opportunity.site_id == request.opportunity.site_id,
                InternshipRequest.id != request.id,
                InternshipRequest.status.in_([s.value for s in OPEN]),
            )
            .order_by(InternshipRequest.requested_at)
        )
    )


def _has_room(session: Session, opportunity: Opportunity) -> bool:
    return (
        places_taken(session, opportunity) < opportunity.capacity
        and pursuers_of_site(session, opportunity.site_id) < opportunity.school.pursuer_limit
    )


def _lock_site(session: Session, site_id: int) -> None:
    """Hold the site row until commit (SELECT ... FOR UPDATE on Postgres; on SQLite, BEGIN
    IMMEDIATE already lets one writer at a time). Take it before the opportunity or request rows."""
    session.execute(select(Site.id).where(Site.id == site_id).with_for_update())


def _hold(session: Session, request: InternshipRequest) -> None:
    """Lock the request's site, then re-read the request under it, so its state is the current one
    (a decision by link and by reply at once cannot both move it)."""
    _lock_site(session, request.opportunity.site_id)
    session.refresh(request, with_for_update=True)


# -- notifications -----------------------------------------------------------------------------------


def _to_coordinators(
    session: Session, request: InternshipRequest, template: str, kind: Kind = Kind.message, **context: object
) -> list[Notification]:
    base = {"request": request, "opportunity": request.opportunity, "student": request.student}
    notes = []
    for coordinator in coordinators(session, request.school_id):
        decide = template == "email/request_decide"
        notes.append(
            Notification(
                template=template,
                to=coordinator,
                school_id=request.school_id,
                kind=kind,
                context={**base, **context},
                links={"decide_url": Link("request.decide", "request", request.id, DECIDE_TTL)} if decide else {},
                reply=Link("request.decide", "request", request.id, DECIDE_TTL) if decide else None,
                thread=f"request-{request.id}",
            )
        )
    return notes


def _to_student(
    request: InternshipRequest, template: str, kind: Kind = Kind.message, **context: object
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
    return _to_coordinators(
        session,
        request,
        "email/request_decide",
        others=who_else(session, request),
        taken=places_taken(session, request.opportunity),
    )


# -- requesting -----------------------------------------------------------------------------------------


def request_opportunity(session: Session, student: Person, opportunity_id: int, now: datetime) -> Result:
    """A student asks for an opportunity: to the coordinator if there is room, else in line."""
    opportunity = session.get(Opportunity, opportunity_id)
    if opportunity is not None:
        _lock_site(session, opportunity.site_id)
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
    room = _has_room(session, opportunity)
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
        return Result(_decide_email(session, request), summary=f"request {request.id} sent to the coordinator")
    ahead = _count(
        session,
        InternshipRequest.opportunity_id == opportunity.id,
        InternshipRequest.status == State.waiting,
        InternshipRequest.requested_at < now,
    )
    return Result([_to_student(request, "request_waiting", ahead=ahead)], summary=f"request {request.id} waits")


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
    if coordinator.role != Role.coordinator or coordinator.school_id != request.school_id:
        raise Refused("not_coordinator")
    if approve is None:
        note = Notification(
            template="email/request_clarify",
            to=coordinator,
            school_id=request.school_id,
            context={"request": request, "opportunity": request.opportunity, "student": request.student},
            reply=Link("request.decide", "request", request.id, DECIDE_TTL),
            thread=f"request-{request.id}",
        )
        return Result([note], summary="unclear answer; asked again")
    _hold(session, request)
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
        note = _to_student(request, "request_approved", mentor=mentor, until=request.pursue_until)
        return Result([note], summary=f"request {request.id} approved")
    notes = [_to_student(request, "request_denied", reason=reason)]
    notes += offer_next(session, request.opportunity, now)
    return Result(notes, summary=f"request {request.id} denied")


def offer_next(session: Session, opportunity: Opportunity, now: datetime) -> list[Notification]:
    """A place freed up: the next students in line (at this site) go to the coordinator."""
    notes: list[Notification] = []
    _lock_site(session, opportunity.site_id)
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
        if locked is None or not _has_room(session, locked):
            continue
        move(request, Event.offer, now)
        audit.record(
            session,
            action="request.offered",
            channel="system",
            now=now,
            object_type="request",
            object_id=request.id,
            school_id=request.school_id,
        )
        notes.append(_to_student(request, "request_offered"))
        notes += _decide_email(session, request)
    return notes


def withdraw(session: Session, request: InternshipRequest, student: Person, now: datetime) -> Result:
    if request.student_id != student.id:
        raise Refused("not_yours")
    _hold(session, request)
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
    return Result(offer_next(session, request.opportunity, now), summary=f"request {request.id} withdrawn")


# -- the pursuit window ------------------------------------------------------------------------------


def pursuit_jobs(session: Session, now: datetime) -> list[Notification]:
    """Three days before a window ends, one reminder; when it ends, the place goes to the next."""
    notes: list[Notification] = []
    pursuing = list(
        session.scalars(
            select(InternshipRequest)
            .join(Opportunity)
            .where(InternshipRequest.status == State.pursuing, InternshipRequest.pursue_until.is_not(None))
            .order_by(Opportunity.site_id, InternshipRequest.id)  # sites are locked in one order
        )
    )
    for request in pursuing:
        assert request.pursue_until is not None
        if now >= request.pursue_until:
            _hold(session, request)
            if request.status != State.pursuing:  # it moved on (started, withdrawn) meanwhile
                continue
            move(request, Event.lapse, now)
            audit.record(
                session,
                action="request.expired",
                channel="system",
                now=now,
                object_type="request",
                object_id=request.id,
                school_id=request.school_id,
            )
            notes.append(_to_student(request, "pursuit_ended"))
            notes += _to_coordinators(session, request, "email/pursuit_ended", Kind.notice)
            notes += _to_mentor_pursuit_ended(request)
            notes += offer_next(session, request.opportunity, now)
        elif request.pursuit_reminded_at is None and request.pursue_until - now <= REMIND_BEFORE_END:
            _hold(session, request)  # site then request, like every other path: no lock cycle
            if request.status != State.pursuing or request.pursuit_reminded_at is not None:
                continue
            request.pursuit_reminded_at = now
            notes.append(_to_student(request, "pursuit_reminder", until=request.pursue_until))
    return notes


def _to_mentor_pursuit_ended(request: InternshipRequest) -> list[Notification]:
    """Approval gave the student the mentor's contact details to arrange the start, so the mentor
    may be expecting them: say the student is no longer pursuing it (without the student's contact
    details, which a mentor who never heard from them does not need)."""
    mentor = request.opportunity.mentor
    if not mentor.active:
        return []
    context = {"request": request, "opportunity": request.opportunity, "student": request.student}
    return [
        Notification(
            template="email/mentor_pursuit_ended",
            to=mentor,
            school_id=request.school_id,
            kind=Kind.notice,
            context=context,
        )
    ]


# -- starting ------------------------------------------------------------------------------------------


def pursuing_requests(session: Session, student: Person) -> list[InternshipRequest]:
    return list(
        session.scalars(
            select(InternshipRequest)
            .where(InternshipRequest.student_id == student.id, InternshipRequest.status == State.pursuing)
            .order_by(InternshipRequest.id)
        )
    )


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
) -> Result:
    """READY: the student asks to start, with days, hours and dates; the advisor decides."""
    if request.student_id != student.id:
        raise Refused("not_yours")
    if end <= start:
        raise Refused("end_before_start")
    if last < first:
        raise Refused("last_before_first")
    _hold(session, request)  # the lapse job may have just expired it and offered the place on
    move(request, Event.ready, now)
    request.days, request.start_time, request.end_time = days, start, end
    request.start_date, request.end_date, request.start_requested_at = first, last, now
    request.advisor_reminded_at = request.escalated_at = None
    audit.record(
        session,
        action="request.start_requested",
        channel="link",
        now=now,
        actor=student,
        object_type="request",
        object_id=request.id,
    )
    return Result([_start_email(session, request, reminder=False)], summary=f"start requested for {request.id}")


def _decider(session: Session, request: InternshipRequest) -> Person | None:
    """The student's advisor decides a start; without one, the first coordinator."""
    advisor = request.student.advisor
    if advisor is not None and advisor.active:
        return advisor
    found = coordinators(session, request.school_id)
    return found[0] if found else None


def _start_email(session: Session, request: InternshipRequest, *, reminder: bool) -> Notification:
    decider = _decider(session, request)
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
    """Why a mentor may not take a student yet: missing, unapproved or expired documents."""
    documents = {
        d.kind: d for d in session.scalars(select(ComplianceDocument).where(ComplianceDocument.mentor_id == mentor.id))
    }
    problems = []
    for kind in REQUIRED_DOCUMENTS:
        label = kind.replace("_", " ")
        document = documents.get(kind)
        if document is None:
            problems.append(f"{mentor.name} has no {label} on file")
        elif document.status != "valid":
            problems.append(f"{mentor.name}'s {label} is {document.status}")
        elif document.expires_on is not None and document.expires_on < today:
            problems.append(f"{mentor.name}'s {label} expired on {document.expires_on:%b %-d, %Y}")
    return problems


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
    decider = _decider(session, request)
    if decider is None or (advisor.id != decider.id and advisor.role != Role.coordinator):
        raise Refused("not_advisor")
    if approve is None:
        return Result([_start_email(session, request, reminder=True)], summary="unclear answer; asked again")
    _hold(session, request)
    context = {
        "request": request,
        "opportunity": request.opportunity,
        "student": request.student,
        "mentor": request.opportunity.mentor,
    }
    if approve:
        check(request, Event.advisor_approve)  # a refused move is said before any compliance problem
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
                    kind=Kind.alert,
                    context={**context, "problems": problems},
                )
            ]
            notes += [
                Notification(
                    template="email/start_blocked",
                    to=c,
                    school_id=request.school_id,
                    kind=Kind.alert,
                    context={**context, "problems": problems},
                )
                for c in coordinators(session, request.school_id)
                if c.id != advisor.id
            ]
            return Result(notes, summary=f"start of {request.id} blocked: {'; '.join(problems)}")
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
            Notification(template="email/mentor_welcome", to=mentor, school_id=request.school_id, context=context),
        ]
        notes += _to_coordinators(session, request, "email/placement_started", mentor=mentor)
        notes += offer_next(session, request.opportunity, now)  # a student who started no longer pursues the site
        return Result(notes, summary=f"request {request.id} started as placement {placement.id}")
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
        [_to_student(request, "start_denied", reason=request.reason or "")], summary=f"start of {request.id} denied"
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


def school_days_between(start: datetime, end: datetime, zone: ZoneInfo) -> int:
    """Weekdays passed from `start` to `end` in the school's time zone."""
    first, last = start.astimezone(zone).date(), end.astimezone(zone).date()
    return sum(1 for n in range(1, (last - first).days + 1) if (first + timedelta(days=n)).weekday() < 5)


def start_reminders(session: Session, now: datetime) -> list[Notification]:
    """A start waiting two school days: one reminder; two more school days: the coordinator."""
    notes: list[Notification] = []
    for request in session.scalars(select(InternshipRequest).where(InternshipRequest.status == State.start_requested)):
        asked, zone = request.start_requested_at, request.school.zone
        if asked is None:
            continue
        if request.advisor_reminded_at is None and school_days_between(asked, now, zone) >= 2:
            request.advisor_reminded_at = now
            notes.append(_start_email(session, request, reminder=True))
        elif (
            request.advisor_reminded_at
            and request.escalated_at is None
            and school_days_between(request.advisor_reminded_at, now, zone) >= 2
        ):
            request.escalated_at = now
            notes += _to_coordinators(
                session, request, "email/start_escalated", Kind.alert, advisor=_decider(session, request)
            )
    return notes


# -- suggestions -------------------------------------------------------------------------------------------


def _plain(name: str) -> str:
    return " ".join("".join(ch for ch in name.lower() if ch.isalnum() or ch.isspace()).split())


def blocked_site(session: Session, school: School, name: str) -> Site | None:
    """A site of the school (or its region) that asked not to be contacted, by name."""
    wanted = _plain(name)
    query = select(Site).join(School, School.id == Site.school_id).where(Site.do_not_solicit.is_(True))
    query = query.where(School.region == school.region) if school.region else query.where(Site.school_id == school.id)
    return next((site for site in session.scalars(query) if _plain(site.name) == wanted), None)


def suggest(
    session: Session, student: Person, *, name: str, address: str, field: str, contact: str, now: datetime
) -> tuple[bool, Result]:
    """A student suggests a site. A business that asked not to be solicited is politely refused
    (and the coordinator told); otherwise the coordinator hears about the idea."""
    name = name.strip()[:200]
    if not name:
        raise Refused("name_the_place")
    blocked = blocked_site(session, student.school, name)
    prospect = Prospect(
        school_id=student.school_id,
        student_id=student.id,
        name=name,
        address=address.strip()[:500],
        field=field.strip()[:100],
        contact=contact.strip()[:300],
        status="do_not_solicit" if blocked else "suggested",
        created_at=now,
    )
    session.add(prospect)
    session.flush()
    audit.record(
        session,
        action="prospect.suggested",
        channel="link",
        now=now,
        actor=student,
        object_type="prospect",
        object_id=prospect.id,
        blocked=bool(blocked) or None,
    )
    notes = [
        Notification(
            template="email/prospect_blocked" if blocked else "email/prospect_suggested",
            to=c,
            school_id=student.school_id,
            kind=Kind.notice,
            context={"prospect": prospect, "student": student},
        )
        for c in coordinators(session, student.school_id)
    ]
    return blocked is None, Result(notes, summary=f"prospect {prospect.id} {prospect.status}")


def requests_of(session: Session, student: Person) -> Sequence[InternshipRequest]:
    return session.scalars(
        select(InternshipRequest)
        .where(InternshipRequest.student_id == student.id)
        .order_by(InternshipRequest.requested_at.desc())
    ).all()
