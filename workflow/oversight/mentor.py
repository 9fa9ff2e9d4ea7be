"""A mentor's record for their page: who they are, their students (placements), how they answer
(confirmation rate, median time to answer), the feedback they gave and their compliance documents
with where each stands (`workflow.compliance`). A constant number of queries.

A coordinator sees any mentor of their school; an advisor only a mentor of one of their advisees,
and only their advisees' placements and days. Anyone else's mentor is None, like a missing one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from statistics import median

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, joinedload

from workflow import compliance
from workflow.compliance import Problem, Standing
from workflow.models import (
    InternshipDay,
    InternshipRequest,
    Opportunity,
    Person,
    Placement,
    PlacementStatus,
    Role,
    School,
    Site,
)
from workflow.oversight.today import PersonRef, person_ref
from workflow.oversight.viewer import Viewer, days_in_scope, placement_scope, request_scope
from workflow.requests.states import State

FEEDBACK_SHOWN = 20  # the newest feedback on the page; the count says how much there is


@dataclass(frozen=True)
class StudentLine:
    placement_id: int
    student: PersonRef
    site: str
    weekdays: str
    start_time: time
    end_time: time
    start_date: date
    end_date: date
    status: str


@dataclass(frozen=True)
class StartLine:
    """A student's start with this mentor, waiting for the advisor."""

    request_id: int
    student: PersonRef
    opportunity: str


@dataclass(frozen=True)
class FeedbackLine:
    day_id: int
    date: date
    student: PersonRef
    status: str
    feedback: str


@dataclass(frozen=True)
class DocumentLine:
    kind: str
    required: bool
    standing: Standing
    status: str | None  # None: not on file
    expires_on: date | None
    note: str
    updated_at: datetime | None


@dataclass(frozen=True)
class MentorRecord:
    mentor: PersonRef
    phone: str | None
    site: str | None
    active: bool
    students: list[StudentLine]  # active placements first, then the newest
    starts: list[StartLine]  # starts waiting for the advisor (blocked while `problems`)
    asked: int  # days the mentor was asked to confirm
    answered: int  # of those, answered by the mentor (yes or no), not settled on the dashboard
    median_answer: timedelta | None
    feedback: list[FeedbackLine]  # newest first, the first FEEDBACK_SHOWN
    feedback_count: int
    documents: list[DocumentLine]  # required kinds first
    problems: list[Problem]  # why the mentor is not cleared (empty: cleared)
    kinds: tuple[str, ...]  # the kinds the school requires

    @property
    def confirmation_rate(self) -> float | None:
        return self.answered / self.asked if self.asked else None


def mentor_for(session: Session, viewer: Viewer, mentor_id: int) -> Person | None:
    """The mentor, or None if they are missing or outside the viewer's scope."""
    query = select(Person).where(
        Person.id == mentor_id, Person.school_id == viewer.school_id, Person.role == Role.mentor
    )
    if not viewer.is_coordinator:
        query = query.where(exists().where(Placement.mentor_id == Person.id, placement_scope(viewer)))
    return session.scalars(query).one_or_none()


def mentor_record(session: Session, viewer: Viewer, mentor_id: int, now: datetime) -> MentorRecord | None:
    mentor = mentor_for(session, viewer, mentor_id)
    if mentor is None:
        return None
    school = session.get_one(School, mentor.school_id)
    today = now.astimezone(school.zone).date()
    placements = session.scalars(
        select(Placement)
        .where(Placement.mentor_id == mentor.id, placement_scope(viewer))
        .options(joinedload(Placement.student), joinedload(Placement.site))
        .order_by(Placement.status, Placement.start_date.desc(), Placement.id)
    ).all()
    days = session.execute(
        days_in_scope(viewer)
        .with_only_columns(
            InternshipDay.id,
            InternshipDay.date,
            InternshipDay.status,
            InternshipDay.mentor_feedback,
            InternshipDay.confirmed_via,
            InternshipDay.confirmed_at,
            InternshipDay.confirmation_requested_at,
            Placement.student_id,
        )
        .where(Placement.mentor_id == mentor.id, InternshipDay.confirmation_requested_at.is_not(None))
        .order_by(InternshipDay.date.desc(), InternshipDay.id.desc())
    ).all()
    starts = session.execute(
        select(InternshipRequest.id, Opportunity.title, Person.id.label("student_id"), Person.name, Person.email)
        .join(Opportunity, Opportunity.id == InternshipRequest.opportunity_id)
        .join(Person, Person.id == InternshipRequest.student_id)
        .where(
            Opportunity.mentor_id == mentor.id,
            InternshipRequest.status == State.start_requested,
            request_scope(viewer),
        )
        .order_by(InternshipRequest.updated_at, InternshipRequest.id)
    ).all()
    students = {p.student_id: person_ref(p.student) for p in placements}
    answered = [d for d in days if d.confirmed_at is not None and d.confirmed_via in ("email", "link")]
    waits = [(d.confirmed_at - d.confirmation_requested_at).total_seconds() for d in answered]
    given = [d for d in days if d.mentor_feedback and d.student_id in students]
    kinds = compliance.required_kinds(school)
    on_file = compliance.documents_of(session, mentor)
    site = session.get(Site, mentor.site_id) if mentor.site_id else None
    return MentorRecord(
        mentor=person_ref(mentor),
        phone=mentor.phone,
        site=site.name if site else None,
        active=mentor.active,
        students=[
            StudentLine(
                p.id,
                students[p.student_id],
                p.site.name,
                p.weekdays,
                p.start_time,
                p.end_time,
                p.start_date,
                p.end_date,
                p.status,
            )
            for p in sorted(placements, key=lambda p: p.status != PlacementStatus.active)
        ],
        starts=[StartLine(r.id, PersonRef(r.student_id, r.name, r.email), r.title) for r in starts],
        asked=len(days),
        answered=len(answered),
        median_answer=timedelta(seconds=median(waits)) if waits else None,
        feedback=[
            FeedbackLine(d.id, d.date, students[d.student_id], d.status, d.mentor_feedback)
            for d in given[:FEEDBACK_SHOWN]
        ],
        feedback_count=len(given),
        documents=[
            DocumentLine(kind, True, Standing.missing, None, None, "", None)
            for kind in kinds
            if kind not in {d.kind for d in on_file}
        ]
        + [
            DocumentLine(
                d.kind,
                d.kind in kinds,
                compliance.standing(d, today),
                d.status,
                d.expires_on,
                d.note or "",
                d.updated_at,
            )
            for d in on_file
        ],
        problems=compliance.problems_of(mentor, kinds, on_file, today),
        kinds=kinds,
    )
