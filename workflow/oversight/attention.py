"""Needs attention: the coordinator's action queue, each list with its count.

- mentors who have not answered for a day or more (oldest first, grouped by mentor);
- disputed days, and days closed without check-out that nobody has settled on the dashboard;
- students with two or more no-shows in the last 14 days (the same rule as Today's `no_show`);
- requests and starts waiting for a decision, with who else pursues the site (other schools'
  students, and for an advisor anyone not their advisee, only as a count);
- mentors' compliance documents expired or expiring within 30 days (coordinators only).

Channel problems (failed messages, bounced addresses, opted-out phones) live in `messaging` and
are added by the page. A constant number of queries whatever the size of the school.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, joinedload

from workflow.attendance.days import at_local, local
from workflow.models import (
    WEEKDAYS,
    ComplianceDocument,
    DayStatus,
    InternshipDay,
    InternshipRequest,
    Opportunity,
    Person,
    Placement,
    PlacementStatus,
    School,
)
from workflow.oversight.today import DAY_WITH_PEOPLE, PersonRef, Presence, person_ref, presence_of
from workflow.oversight.viewer import Viewer, days_in_scope, placement_scope, request_scope
from workflow.requests.states import OPEN, State

UNANSWERED_AFTER = timedelta(days=1)  # a mentor asked this long ago without answering needs a look
NO_SHOW_WINDOW_DAYS = 14
NO_SHOWS_TO_FLAG = 2
EXPIRING_WITHIN = timedelta(days=30)


@dataclass(frozen=True)
class DayItem:
    day_id: int
    date: date
    student: PersonRef
    site: str
    mentor: PersonRef
    status: DayStatus
    check_in_at: datetime | None
    check_out_at: datetime | None
    hours: Decimal | None
    feedback: str | None
    asked_at: datetime | None  # when the mentor was asked
    answered_at: datetime | None  # when the mentor answered (a dispute's time)


@dataclass(frozen=True)
class MentorWaiting:
    """A mentor with days waiting for their answer, oldest first."""

    mentor: PersonRef
    count: int
    oldest_asked_at: datetime
    oldest_age: timedelta
    last_reminded_at: datetime | None
    days: list[DayItem]


@dataclass(frozen=True)
class NoShows:
    student: PersonRef
    count: int
    dates: list[date]


@dataclass(frozen=True)
class Pursuer:
    student: PersonRef
    status: State


@dataclass(frozen=True)
class Decision:
    """A request waiting for the coordinator, or a start waiting for the advisor."""

    request_id: int
    kind: str  # "request" (the coordinator decides) or "start" (the advisor, or a coordinator)
    student: PersonRef
    opportunity: str
    site: str
    waiting_since: datetime
    age: timedelta
    others: list[Pursuer]  # other students the viewer may see pursuing the same site
    others_elsewhere: int  # the rest (other schools; for an advisor, students not theirs): a count


@dataclass(frozen=True)
class Expiring:
    document_id: int
    mentor: PersonRef
    kind: str
    status: str
    expires_on: date
    days_left: int  # negative: expired that many days ago
    expired: bool


@dataclass(frozen=True)
class Attention:
    unanswered: list[MentorWaiting] = field(default_factory=list)
    disputed: list[DayItem] = field(default_factory=list)
    no_checkout: list[DayItem] = field(default_factory=list)
    no_shows: list[NoShows] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    compliance: list[Expiring] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """One count per list (the page's chips); unanswered counts days, and mentors separately."""
        return {
            "unanswered": sum(m.count for m in self.unanswered),
            "unanswered_mentors": len(self.unanswered),
            "disputed": len(self.disputed),
            "no_checkout": len(self.no_checkout),
            "no_shows": len(self.no_shows),
            "requests": sum(1 for d in self.decisions if d.kind == "request"),
            "starts": sum(1 for d in self.decisions if d.kind == "start"),
            "compliance": len(self.compliance),
        }


def day_item(day: InternshipDay) -> DayItem:
    placement = day.placement
    return DayItem(
        day_id=day.id,
        date=day.date,
        student=person_ref(placement.student),
        site=placement.site.name,
        mentor=person_ref(placement.mentor),
        status=DayStatus(day.status),
        check_in_at=day.check_in_at,
        check_out_at=day.check_out_at,
        hours=day.hours,
        feedback=day.mentor_feedback,
        asked_at=day.confirmation_requested_at,
        answered_at=day.confirmed_at,
    )


def _days_needing_attention(session: Session, viewer: Viewer, now: datetime) -> Attention:
    # The viewer's placements first, then their days by id through ix_days_needing_attention: with
    # a join, Postgres misjudges the OR and reads the whole district's index and rows (measured
    # with bench/dashboard.py: 200-450 ms against 10-25 ms for the largest school).
    placement_ids = list(session.scalars(select(Placement.id).where(placement_scope(viewer))))
    days = session.scalars(
        select(InternshipDay)
        .where(
            InternshipDay.placement_id.in_(placement_ids),
            or_(
                and_(
                    InternshipDay.status == DayStatus.pending,
                    InternshipDay.confirmation_requested_at <= now - UNANSWERED_AFTER,
                ),
                InternshipDay.status == DayStatus.disputed,
                and_(
                    InternshipDay.no_checkout.is_(True),
                    InternshipDay.confirmed_via.is_distinct_from("dashboard"),  # as ix_days_needing_attention
                ),
            ),
        )
        .options(DAY_WITH_PEOPLE)
        .order_by(InternshipDay.date, InternshipDay.id)
    ).all()
    waiting: dict[int, list[InternshipDay]] = defaultdict(list)
    for day in days:
        asked = day.confirmation_requested_at
        if day.status == DayStatus.pending and asked is not None and asked <= now - UNANSWERED_AFTER:
            waiting[day.placement.mentor_id].append(day)
    unanswered = []
    for mentor_days in waiting.values():
        mentor_days.sort(key=lambda d: (d.confirmation_requested_at or now, d.id))
        oldest = mentor_days[0].confirmation_requested_at or now
        reminded = [d.mentor_reminded_at for d in mentor_days if d.mentor_reminded_at is not None]
        unanswered.append(
            MentorWaiting(
                mentor=person_ref(mentor_days[0].placement.mentor),
                count=len(mentor_days),
                oldest_asked_at=oldest,
                oldest_age=now - oldest,
                last_reminded_at=max(reminded) if reminded else None,
                days=[day_item(d) for d in mentor_days],
            )
        )
    unanswered.sort(key=lambda m: (m.oldest_asked_at, m.mentor.name))
    return Attention(
        unanswered=unanswered,
        disputed=[day_item(d) for d in days if d.status == DayStatus.disputed],
        no_checkout=[day_item(d) for d in days if d.no_checkout and d.confirmed_via != "dashboard"],
    )


def _no_shows(session: Session, viewer: Viewer, school: School, now: datetime) -> list[NoShows]:
    """Students with NO_SHOWS_TO_FLAG or more no-shows in the window. The window's days and the
    placements are read as plain rows with the student's name and email (a school has thousands)."""
    today = local(now, school).date()
    first = today - timedelta(days=NO_SHOW_WINDOW_DAYS - 1)
    placements = session.execute(
        select(
            Placement.id,
            Placement.student_id,
            Placement.weekdays,
            Placement.start_time,
            Placement.start_date,
            Placement.end_date,
            Person.name,
            Person.email,
        )
        .join(Person, Person.id == Placement.student_id)
        .where(
            placement_scope(viewer),
            Placement.status == PlacementStatus.active,
            Placement.start_date <= today,
            Placement.end_date >= first,
        )
    ).all()
    rows = session.execute(
        days_in_scope(viewer)
        .with_only_columns(
            InternshipDay.placement_id,
            InternshipDay.date,
            InternshipDay.status,
            InternshipDay.check_in_at,
            InternshipDay.check_out_at,
            InternshipDay.no_checkout,
            InternshipDay.confirmed_via,
            Placement.student_id,
            Placement.weekdays,
            Placement.start_time,
            Placement.start_date,
            Placement.end_date,
            Person.name,
            Person.email,
        )
        .join(Person, Person.id == Placement.student_id)
        .where(InternshipDay.date >= first, InternshipDay.date <= today)
    ).all()
    by_key = {(r.placement_id, r.date): r for r in rows}
    candidates: dict[tuple[int, date], Any] = {(r.placement_id, r.date): r for r in rows}
    for placement in placements:
        for n in range(NO_SHOW_WINDOW_DAYS):
            on = first + timedelta(days=n)
            if meets_on(placement, on):
                candidates[(placement.id, on)] = placement
    starts: dict[tuple[date, time], datetime] = {}  # at_local per (date, start time): few distinct ones
    missed: dict[int, list[date]] = defaultdict(list)
    students: dict[int, PersonRef] = {}
    for (placement_id, on), placement in candidates.items():
        start = None
        if meets_on(placement, on):
            key = (on, placement.start_time)
            start = starts.get(key) or starts.setdefault(key, at_local(on, placement.start_time, school.zone))
        if presence_of(by_key.get((placement_id, on)), start, now) == Presence.no_show:
            missed[placement.student_id].append(on)
            students[placement.student_id] = PersonRef(placement.student_id, placement.name, placement.email)
    flagged = [
        NoShows(students[sid], len(dates), sorted(dates))
        for sid, dates in missed.items()
        if len(dates) >= NO_SHOWS_TO_FLAG
    ]
    flagged.sort(key=lambda n: (-n.count, n.student.name))
    return flagged


def meets_on(placement: Any, day: date) -> bool:
    """`Placement.meets_on` for a row of the placement's columns."""
    return placement.start_date <= day <= placement.end_date and WEEKDAYS[day.weekday()] in placement.weekdays.split()


def _decisions(session: Session, viewer: Viewer, now: datetime) -> list[Decision]:
    waiting = session.scalars(
        select(InternshipRequest)
        .where(request_scope(viewer), InternshipRequest.status.in_([State.requested, State.start_requested]))
        .options(
            joinedload(InternshipRequest.student),
            joinedload(InternshipRequest.opportunity).joinedload(Opportunity.site),
        )
        .order_by(InternshipRequest.updated_at, InternshipRequest.id)
    ).all()
    site_ids = {r.opportunity.site_id for r in waiting}
    pursuing = session.execute(  # the batched `workflow.requests.queries.who_else`
        select(InternshipRequest, Opportunity.site_id)
        .join(Opportunity, Opportunity.id == InternshipRequest.opportunity_id)
        .where(Opportunity.site_id.in_(site_ids), InternshipRequest.status.in_([s.value for s in OPEN]))
        .options(joinedload(InternshipRequest.student))
        .order_by(InternshipRequest.requested_at, InternshipRequest.id)
    ).all()
    at_site: dict[int, list[InternshipRequest]] = defaultdict(list)
    for other, site_id in pursuing:
        at_site[site_id].append(other)
    decisions = []
    for request in waiting:
        others = [o for o in at_site[request.opportunity.site_id] if o.id != request.id]
        seen = [o for o in others if _visible(viewer, o)]
        decisions.append(
            Decision(
                request_id=request.id,
                kind="request" if request.status == State.requested else "start",
                student=person_ref(request.student),
                opportunity=request.opportunity.title,
                site=request.opportunity.site.name,
                waiting_since=request.updated_at,
                age=now - request.updated_at,
                others=[Pursuer(person_ref(o.student), State(o.status)) for o in seen],
                others_elsewhere=len(others) - len(seen),
            )
        )
    return decisions


def _visible(viewer: Viewer, request: InternshipRequest) -> bool:
    """The same rule as `request_scope`, for rows already loaded."""
    if request.school_id != viewer.school_id:
        return False
    return viewer.is_coordinator or request.student.advisor_id == viewer.person_id


def _compliance(session: Session, viewer: Viewer, school: School, now: datetime) -> list[Expiring]:
    today = local(now, school).date()
    documents = session.execute(
        select(ComplianceDocument, Person)
        .join(Person, Person.id == ComplianceDocument.mentor_id)
        .where(
            Person.school_id == viewer.school_id,
            Person.active.is_(True),
            ComplianceDocument.expires_on.is_not(None),
            ComplianceDocument.expires_on <= today + EXPIRING_WITHIN,
        )
        .order_by(ComplianceDocument.expires_on, ComplianceDocument.id)
    ).all()
    return [
        Expiring(
            document_id=document.id,
            mentor=person_ref(mentor),
            kind=document.kind,
            status=document.status,
            expires_on=document.expires_on,
            days_left=(document.expires_on - today).days,
            expired=document.expires_on < today,
        )
        for document, mentor in documents
        if document.expires_on is not None
    ]


def needs_attention(session: Session, viewer: Viewer, now: datetime) -> Attention:
    """The viewer's action queue. Advisors see their advisees' days and decisions; compliance is
    the coordinator's."""
    school = session.get_one(School, viewer.school_id)
    days = _days_needing_attention(session, viewer, now)
    return Attention(
        unanswered=days.unanswered,
        disputed=days.disputed,
        no_checkout=days.no_checkout,
        no_shows=_no_shows(session, viewer, school, now),
        decisions=_decisions(session, viewer, now),
        compliance=_compliance(session, viewer, school, now) if viewer.is_coordinator else [],
    )
