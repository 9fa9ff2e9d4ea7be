"""Evaluations as pages and exports show them: a student's, each with its five levels, the
mentor's comment, the recommendation only with the student's consent, and the student's rating."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.models import GOAL_NAMES, GOALS, LEVELS, Evaluation, Placement, School


@dataclass(frozen=True)
class EvaluationView:
    evaluation_id: int
    placement_id: int
    site: str
    mentor: str
    moment: str  # mid | end
    status: str
    start_date: date
    end_date: date
    levels: list[tuple[str, int | None, str]]  # (goal's name, level, level's name) in order
    comment: str | None
    endorsement: str | None  # only with the student's consent
    endorsement_waiting: bool  # there is one, and the student has not said yes (yet)
    answered_at: datetime | None
    student_rating: int | None
    student_comment: str | None


def _view(evaluation: Evaluation) -> EvaluationView:
    placement = evaluation.placement
    levels = [(GOAL_NAMES[g], evaluation.level(g), LEVELS.get(evaluation.level(g) or 0, "")) for g in GOALS]
    consented = evaluation.endorsement_consent is True
    return EvaluationView(
        evaluation_id=evaluation.id,
        placement_id=placement.id,
        site=placement.site.name,
        mentor=placement.mentor.name,
        moment=evaluation.moment,
        status=evaluation.status,
        start_date=placement.start_date,
        end_date=placement.end_date,
        levels=levels,
        comment=evaluation.comment,
        endorsement=evaluation.endorsement if consented else None,
        endorsement_waiting=bool(evaluation.endorsement) and not consented,
        answered_at=evaluation.answered_at,
        student_rating=evaluation.student_rating,
        student_comment=evaluation.student_comment,
    )


def for_student(session: Session, student_id: int) -> list[EvaluationView]:
    """A student's evaluations, latest placement first (mid-point before end within one), with
    the recommendations they agreed to show. Pages render them with `web/_evaluations.html`."""
    rows = session.scalars(
        select(Evaluation)
        .join(Placement, Placement.id == Evaluation.placement_id)
        .where(Placement.student_id == student_id)
        .order_by(Placement.end_date.desc(), Placement.id.desc(), Evaluation.moment.desc())
    )
    return [_view(e) for e in rows]


EXPORT_FIELDS = (
    "school",
    "student_email",
    "site",
    "mentor_email",
    "moment",
    "status",
    *(g.value for g in GOALS),
    "comment",
    "endorsement",
    "endorsement_consent",
    "answered_at",
    "answered_via",
    "student_rating",
    "student_comment",
)


def export(session: Session, *, school: str | None = None) -> Iterator[dict[str, Any]]:
    """One row per evaluation (`relay export evaluations`); the recommendation only with consent."""
    query = (
        select(Evaluation)
        .join(Placement, Placement.id == Evaluation.placement_id)
        .join(School, School.id == Placement.school_id)
        .order_by(School.name, Placement.end_date, Placement.id, Evaluation.moment.desc())
    )
    if school:
        query = query.where(School.name == school)
    for evaluation in session.scalars(query):
        placement = evaluation.placement
        zone = placement.school.zone
        yield {
            "school": placement.school.name,
            "student_email": placement.student.email,
            "site": placement.site.name,
            "mentor_email": placement.mentor.email,
            "moment": evaluation.moment,
            "status": evaluation.status,
            **{g.value: evaluation.level(g) for g in GOALS},
            "comment": evaluation.comment,
            "endorsement": evaluation.endorsement if evaluation.endorsement_consent else None,
            "endorsement_consent": evaluation.endorsement_consent,
            "answered_at": evaluation.answered_at.astimezone(zone).isoformat(timespec="seconds")
            if evaluation.answered_at
            else None,
            "answered_via": evaluation.answered_via,
            "student_rating": evaluation.student_rating,
            "student_comment": evaluation.student_comment,
        }
