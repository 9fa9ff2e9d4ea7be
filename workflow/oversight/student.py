"""A student's record for their page and the API: who they are, their placements (each flagged when
its mentor is not cleared, `workflow.compliance`), every day (with hours, goals, feedback, status and
any correction's reason, read back from the audit log), their requests with each one's history
(the audit log), their wishlist and favourites. A constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from workflow import compliance
from workflow.base import utcnow
from workflow.models import (
    AuditEntry,
    DayStatus,
    Favourite,
    InternshipDay,
    InternshipRequest,
    Opportunity,
    Person,
    Placement,
    PlacementStatus,
    School,
    Site,
    WishlistField,
)
from workflow.oversight.today import PersonRef, person_ref
from workflow.oversight.viewer import Viewer, student_for
from workflow.requests.states import State

CORRECTIONS = ("day.resolved", "day.added")


@dataclass(frozen=True)
class Correction:
    """A change made on the dashboard, as the audit log keeps it."""

    at: datetime
    by: str  # the audit log's actor label
    action: str  # "day.resolved" or "day.added"
    reason: str
    before: dict[str, Any]
    after: dict[str, Any]


@dataclass(frozen=True)
class PlacementLine:
    placement_id: int
    site: str
    mentor: PersonRef
    weekdays: str
    start_time: time
    end_time: time
    start_date: date
    end_date: date
    status: str
    mentor_problems: list[str] = field(default_factory=list)  # an active placement's mentor not cleared


@dataclass(frozen=True)
class DayLine:
    day_id: int
    placement_id: int
    date: date
    site: str
    status: DayStatus
    check_in_at: datetime | None
    check_out_at: datetime | None
    hours: Decimal | None
    goals: str | None
    feedback: str | None
    confirmed_via: str | None
    unscheduled: bool
    no_checkout: bool
    distance_m: int | None
    corrections: list[Correction]  # oldest first
    reflection: str | None = None  # the student's lines on what they learned


@dataclass(frozen=True)
class RequestLine:
    request_id: int
    opportunity: str
    site: str
    status: State
    requested_at: datetime
    decided_at: datetime | None
    reason: str | None
    history: list[HistoryLine] = field(default_factory=list)  # oldest first


@dataclass(frozen=True)
class HistoryLine:
    """One step of a request, as the audit log keeps it."""

    at: datetime
    by: str  # a name, or the label of what acted ("system")
    action: str  # e.g. request.approved
    channel: str
    reason: str | None


@dataclass(frozen=True)
class FavouriteLine:
    opportunity_id: int
    title: str
    site: str
    active: bool


@dataclass(frozen=True)
class StudentRecord:
    student: PersonRef
    phone: str | None
    advisor: PersonRef | None
    placements: list[PlacementLine]
    days: list[DayLine]  # newest first
    requests: list[RequestLine]  # newest first
    wishlist: list[str] = field(default_factory=list)  # the fields they want
    favourites: list[FavouriteLine] = field(default_factory=list)

    @property
    def confirmed_hours(self) -> Decimal:
        """Hours count only from confirmed days."""
        return sum((d.hours or Decimal(0) for d in self.days if d.status == DayStatus.confirmed), Decimal(0))


def corrections_of(session: Session, day_ids: list[int]) -> dict[int, list[Correction]]:
    """The dashboard's corrections of these days, oldest first (one query)."""
    entries = session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.object_type == "day",
            AuditEntry.object_id.in_(day_ids),
            AuditEntry.action.in_(CORRECTIONS),
        )
        .order_by(AuditEntry.at, AuditEntry.id)
    ).all()
    found: dict[int, list[Correction]] = {}
    for entry in entries:
        detail = entry.detail
        correction = Correction(
            entry.at, entry.actor, entry.action, detail.get("reason", ""), detail.get("before", {}), detail["after"]
        )
        found.setdefault(entry.object_id or 0, []).append(correction)
    return found


def student_record(
    session: Session, viewer: Viewer, student_id: int, now: datetime | None = None
) -> StudentRecord | None:
    """The student's record, or None if they are missing or outside the viewer's scope; `now` (by
    default the clock's) dates the mentors' documents."""
    student = student_for(session, viewer, student_id)
    return None if student is None else record_of(session, student, now)


def record_of(session: Session, student: Person, now: datetime | None = None) -> StudentRecord:
    """The whole record of one student, whoever asks (the caller has checked who may see it);
    `now` (by default the clock's) dates the mentors' documents."""
    placements = session.scalars(
        select(Placement)
        .where(Placement.student_id == student.id)
        .options(joinedload(Placement.mentor), joinedload(Placement.site))
        .order_by(Placement.start_date.desc(), Placement.id)
    ).all()
    sites = {p.id: p.site.name for p in placements}
    days = session.scalars(
        select(InternshipDay)
        .where(InternshipDay.placement_id.in_(list(sites)))
        .order_by(InternshipDay.date.desc(), InternshipDay.id.desc())
    ).all()
    corrections = corrections_of(session, [d.id for d in days])
    requests = session.scalars(
        select(InternshipRequest)
        .where(InternshipRequest.student_id == student.id)
        .options(joinedload(InternshipRequest.opportunity).joinedload(Opportunity.site))
        .order_by(InternshipRequest.requested_at.desc(), InternshipRequest.id.desc())
    ).all()
    history = _history(session, [r.id for r in requests])
    favourites = session.execute(
        select(Opportunity.id, Opportunity.title, Opportunity.active, Site.name)
        .join(Favourite, Favourite.opportunity_id == Opportunity.id)
        .join(Site, Site.id == Opportunity.site_id)
        .where(Favourite.student_id == student.id)
        .order_by(Favourite.created_at.desc(), Favourite.id.desc())
    ).all()
    wishlist = session.scalars(
        select(WishlistField.field).where(WishlistField.student_id == student.id).order_by(WishlistField.field)
    ).all()
    today = (now or utcnow()).astimezone(session.get_one(School, student.school_id).zone).date()
    working = [p.mentor for p in placements if p.status == PlacementStatus.active]
    uncleared = compliance.problems_by_mentor(session, working, today)
    advisor = student.advisor
    return StudentRecord(
        student=person_ref(student),
        phone=student.phone,
        advisor=person_ref(advisor) if advisor is not None else None,
        placements=[
            PlacementLine(
                p.id,
                p.site.name,
                person_ref(p.mentor),
                p.weekdays,
                p.start_time,
                p.end_time,
                p.start_date,
                p.end_date,
                p.status,
                [str(problem) for problem in uncleared.get(p.mentor_id, [])]
                if p.status == PlacementStatus.active
                else [],
            )
            for p in placements
        ],
        days=[
            DayLine(
                day_id=d.id,
                placement_id=d.placement_id,
                date=d.date,
                site=sites[d.placement_id],
                status=DayStatus(d.status),
                check_in_at=d.check_in_at,
                check_out_at=d.check_out_at,
                hours=d.hours,
                goals=d.goals,
                reflection=d.reflection,
                feedback=d.mentor_feedback,
                confirmed_via=d.confirmed_via,
                unscheduled=d.unscheduled,
                no_checkout=d.no_checkout,
                distance_m=d.distance_m,
                corrections=corrections.get(d.id, []),
            )
            for d in days
        ],
        requests=[
            RequestLine(
                r.id,
                r.opportunity.title,
                r.opportunity.site.name,
                State(r.status),
                r.requested_at,
                r.decided_at,
                r.reason,
                history.get(r.id, []),
            )
            for r in requests
        ],
        wishlist=list(wishlist),
        favourites=[FavouriteLine(f.id, f.title, f.name, f.active) for f in favourites],
    )


def _history(session: Session, request_ids: list[int]) -> dict[int, list[HistoryLine]]:
    """Each request's steps from the audit log, oldest first (one query)."""
    entries = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.object_type == "request", AuditEntry.object_id.in_(request_ids))
        .order_by(AuditEntry.at, AuditEntry.id)
    ).all()
    found: dict[int, list[HistoryLine]] = {}
    for entry in entries:
        head, _, name = entry.actor.partition(" ")
        by = name if ":" in head and name else entry.actor
        line = HistoryLine(entry.at, by, entry.action, entry.channel, entry.detail.get("reason"))
        found.setdefault(entry.object_id or 0, []).append(line)
    return found
