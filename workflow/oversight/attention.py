"""Needs attention: the coordinator's action queue, each list with its count.

- mentors who have not answered for a day or more (oldest first, grouped by mentor);
- disputed days, and days closed without check-out that nobody has settled on the dashboard;
- students with two or more no-shows in the last 14 days (the same rule as Today's `no_show`);
- requests and starts waiting for a decision, with who else pursues the site (other schools'
  students, and for an advisor anyone not their advisee, only as a count);
- mentors' compliance documents expired or expiring within 30 days, and mentors with an active
  placement or opportunity whose required documents are missing, pending or rejected
  (`workflow.compliance`; coordinators only).

Each list holds its first `limit` items (SHOWN by default, oldest or most urgent first; None: all)
and `counts` the whole of each: a large school has a thousand days waiting, which nobody reads on one
page, so the lists are read with LIMIT in SQL and counted in the same query (`count(*) OVER ()`), as
plain rows, not ORM objects. Only the no-shows are worked out in Python and cut there.

Channel problems (failed messages, bounced addresses, opted-out phones) live in `messaging` and
are added by the page. A constant number of queries whatever the size of the school.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, select, union
from sqlalchemy.orm import Session, joinedload

from workflow.attendance.days import local
from workflow.compliance import required_kinds
from workflow.models import (
    ComplianceDocument,
    InternshipRequest,
    Opportunity,
    Person,
    Placement,
    PlacementStatus,
    Role,
    School,
)
from workflow.oversight.attention_days import DayItem, MentorWaiting, days_needing_attention
from workflow.oversight.no_shows import NO_SHOW_WINDOW_DAYS, NO_SHOWS_TO_FLAG, NoShows, repeated_no_shows
from workflow.oversight.today import (
    PersonRef,
    person_ref,
)
from workflow.oversight.viewer import Viewer, deciding_scope
from workflow.requests.states import OPEN, State

__all__ = [  # DayItem and MentorWaiting live in attention_days, and are Attention's too
    "EXPIRING_WITHIN",
    "NO_SHOWS_TO_FLAG",
    "NO_SHOW_WINDOW_DAYS",
    "SHOWN",
    "Attention",
    "DayItem",
    "Decision",
    "Expiring",
    "MentorWaiting",
    "NoShows",
    "Pursuer",
    "decision_counts",
    "decisions",
    "needs_attention",
]

EXPIRING_WITHIN = timedelta(days=30)
SHOWN = 20  # the first items of each list on the page and in the API by default


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
    """A mentor's document expired or expiring soon, or a required one missing, pending or rejected."""

    document_id: int | None
    mentor: PersonRef
    kind: str
    status: str  # valid | pending | rejected | missing
    expires_on: date | None
    days_left: int | None  # negative: expired that many days ago
    expired: bool

    @property
    def standing(self) -> str:
        """expired, expiring, missing, pending or rejected (`workflow.compliance.Standing`)."""
        if self.expired:
            return "expired"
        return "expiring" if self.status == "valid" else self.status


@dataclass(frozen=True)
class Attention:
    unanswered: list[MentorWaiting] = field(default_factory=list)
    disputed: list[DayItem] = field(default_factory=list)
    no_checkout: list[DayItem] = field(default_factory=list)
    no_shows: list[NoShows] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    compliance: list[Expiring] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)  # the whole of each list, when it was cut

    @property
    def counts(self) -> dict[str, int]:
        """One count per list (the page's chips), of the whole list, not only the items held;
        unanswered counts days, and mentors separately."""
        return {
            "unanswered": sum(m.count for m in self.unanswered),
            "unanswered_mentors": len(self.unanswered),
            "disputed": len(self.disputed),
            "no_checkout": len(self.no_checkout),
            "no_shows": len(self.no_shows),
            "requests": sum(1 for d in self.decisions if d.kind == "request"),
            "starts": sum(1 for d in self.decisions if d.kind == "start"),
            "compliance": len(self.compliance),
        } | self.totals


def decision_counts(session: Session, viewer: Viewer) -> dict[str, int]:
    """How many requests and starts wait for a decision."""
    rows = session.execute(
        select(InternshipRequest.status, func.count()).where(deciding_scope(viewer)).group_by(InternshipRequest.status)
    )
    found: dict[str, int] = {status: n for status, n in rows}
    return {"requests": found.get(State.requested, 0), "starts": found.get(State.start_requested, 0)}


def decisions(session: Session, viewer: Viewer, now: datetime, limit: int | None = None) -> list[Decision]:
    """The requests and starts waiting for a decision, oldest first (the first `limit`)."""
    waiting = session.scalars(
        select(InternshipRequest)
        .where(deciding_scope(viewer))
        .options(
            joinedload(InternshipRequest.student),
            joinedload(InternshipRequest.opportunity).joinedload(Opportunity.site),
        )
        .order_by(InternshipRequest.updated_at, InternshipRequest.id)
        .limit(limit)
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
    found = []
    for request in waiting:
        others = [o for o in at_site[request.opportunity.site_id] if o.id != request.id]
        seen = [o for o in others if _visible(viewer, o)]
        found.append(
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
    return found


def _visible(viewer: Viewer, request: InternshipRequest) -> bool:
    """Whom the viewer sees by name: their school's students (an advisor: advisees), never another
    school's, even when that student's request is for one of the school's shared opportunities."""
    if request.school_id != viewer.school_id:
        return False
    return viewer.is_coordinator or request.student.advisor_id == viewer.person_id


def _compliance(
    session: Session, viewer: Viewer, school: School, now: datetime, limit: int | None
) -> tuple[list[Expiring], int]:
    """The first `limit` documents needing the coordinator and how many there are: the required
    ones missing, pending or rejected of mentors with work (those block a start), then the
    documents expired or expiring soon, soonest first."""
    today = local(now, school).date()
    unfiled = _not_on_file(session, viewer, school)
    documents = session.execute(
        select(
            ComplianceDocument.id,
            ComplianceDocument.kind,
            ComplianceDocument.status,
            ComplianceDocument.expires_on,
            Person.id.label("mentor_id"),
            Person.name,
            Person.email,
            func.count().over().label("total"),
        )
        .join(Person, Person.id == ComplianceDocument.mentor_id)
        .where(
            Person.school_id == viewer.school_id,
            Person.active.is_(True),
            ComplianceDocument.expires_on.is_not(None),
            ComplianceDocument.expires_on <= today + EXPIRING_WITHIN,
        )
        .order_by(ComplianceDocument.expires_on, ComplianceDocument.id)
        .limit(None if limit is None else max(limit - len(unfiled), 0) or 1)
    ).all()
    listed = unfiled + [
        Expiring(
            document_id=d.id,
            mentor=PersonRef(d.mentor_id, d.name, d.email),
            kind=d.kind,
            status=d.status,
            expires_on=d.expires_on,
            days_left=(d.expires_on - today).days,
            expired=d.expires_on < today,
        )
        for d in documents
    ]
    return listed[:limit], len(unfiled) + (documents[0].total if documents else 0)


def _not_on_file(session: Session, viewer: Viewer, school: School) -> list[Expiring]:
    """Required documents missing, pending or rejected (an expired one is in the dated list) of the
    school's active mentors with an active placement or opportunity, by mentor name."""
    kinds = required_kinds(school)
    working = Person.id.in_(  # one list of ids, not an EXISTS per mentor: neither table is indexed by mentor
        union(
            select(Placement.mentor_id).where(
                Placement.school_id == viewer.school_id, Placement.status == PlacementStatus.active
            ),
            select(Opportunity.mentor_id).where(
                Opportunity.school_id == viewer.school_id, Opportunity.active.is_(True)
            ),
        )
    )
    rows = session.execute(
        select(Person.id, Person.name, Person.email, ComplianceDocument.kind, ComplianceDocument.status)
        .outerjoin(
            ComplianceDocument,
            and_(ComplianceDocument.mentor_id == Person.id, ComplianceDocument.kind.in_(kinds)),
        )
        .where(Person.school_id == viewer.school_id, Person.role == Role.mentor, Person.active.is_(True), working)
        .order_by(Person.name, Person.id)
    ).all()
    held: dict[int, dict[str, str]] = defaultdict(dict)
    mentors: dict[int, PersonRef] = {}
    for row in rows:
        mentors[row.id] = PersonRef(row.id, row.name, row.email)
        if row.kind is not None:
            held[row.id][row.kind] = row.status
    return [
        Expiring(None, mentor, kind, held[mentor_id].get(kind, "missing"), None, None, False)
        for mentor_id, mentor in mentors.items()
        for kind in kinds
        if held[mentor_id].get(kind, "missing") != "valid"
    ]


def needs_attention(session: Session, viewer: Viewer, now: datetime, *, limit: int | None = SHOWN) -> Attention:
    """The viewer's action queue: the first `limit` items of each list (None: all of them), and in
    `counts` how many each has. Advisors see their advisees' days and decisions; compliance is the
    coordinator's."""
    school = session.get_one(School, viewer.school_id)
    days = days_needing_attention(session, viewer, now, limit)
    no_shows = repeated_no_shows(session, viewer, school, now)
    compliance, expiring = _compliance(session, viewer, school, now, limit) if viewer.is_coordinator else ([], 0)
    return Attention(
        unanswered=days.unanswered,
        disputed=days.disputed,
        no_checkout=days.no_checkout,
        no_shows=no_shows[:limit],  # worked out in Python from the window's days: cut here
        decisions=decisions(session, viewer, now, limit),
        compliance=compliance,
        totals={
            **days.totals,
            "no_shows": len(no_shows),
            **decision_counts(session, viewer),
            "compliance": expiring,
        },
    )
