"""The requests' scheduled jobs: the pursuit window's reminder and end, and reminders for a start
waiting for the advisor."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.models import InternshipRequest, Opportunity
from workflow.notifications import Category, Notification
from workflow.requests.asking import offer_next, to_coordinators, to_student
from workflow.requests.starting import decider_of, start_email
from workflow.requests.states import Event, State, hold, move_on_its_own

REMIND_BEFORE_END = timedelta(days=3)


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
            hold(session, request)
            if request.status != State.pursuing:  # it moved on (started, withdrawn) meanwhile
                continue
            move_on_its_own(session, request, Event.lapse, "request.expired", now)
            notes.append(to_student(request, "pursuit_ended"))
            notes += to_coordinators(session, request, "email/pursuit_ended", Category.notice)
            notes += _to_mentor_pursuit_ended(request)
            notes += offer_next(session, request.opportunity, now)
        elif request.pursuit_reminded_at is None and request.pursue_until - now <= REMIND_BEFORE_END:
            hold(session, request)  # site then request, like every other path: no lock cycle
            if request.status != State.pursuing or request.pursuit_reminded_at is not None:
                continue
            request.pursuit_reminded_at = now
            notes.append(to_student(request, "pursuit_reminder", until=request.pursue_until))
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
            kind=Category.notice,
            context=context,
        )
    ]


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
            notes.append(start_email(session, request, reminder=True))
        elif (
            request.advisor_reminded_at
            and request.escalated_at is None
            and school_days_between(request.advisor_reminded_at, now, zone) >= 2
        ):
            request.escalated_at = now
            notes += to_coordinators(
                session, request, "email/start_escalated", Category.alert, advisor=decider_of(session, request)
            )
    return notes
