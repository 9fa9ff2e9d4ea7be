"""Asking for evaluations: at the end of each placement (and halfway, if the school asks for it)
the mentor is emailed the five goals and four levels, and at the end the student is texted to rate
the internship. A mentor who has not answered in 5 school days is reminded once; 2 school days
later the coordinators are told. School days are weekdays in the school's time zone, as for a
start waiting for the advisor (`workflow.requests.school_days_between`)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workflow import audit
from workflow.attendance.days import at_local, local, placement_context
from workflow.models import (
    GOAL_NAMES,
    GOALS,
    LEVELS,
    Evaluation,
    EvaluationEvent,
    EvaluationStatus,
    Moment,
    Placement,
    PlacementStatus,
    School,
    move_evaluation,
)
from workflow.notifications import Category, Link, Notification
from workflow.people import coordinators
from workflow.requests import school_days_between

PURPOSE = "evaluation"  # messaging.tokens.Purpose.evaluation
ANSWER_TTL = timedelta(days=60)
LATE_BY_AT_MOST = timedelta(days=14)  # a placement that ended longer ago is not asked about
REMIND_AFTER_SCHOOL_DAYS = 5
ESCALATE_AFTER_SCHOOL_DAYS = 2


def goal_choices() -> dict[str, Any]:
    """The goals and levels every evaluation message and page shows, in order."""
    return {"goals": [(goal.value, GOAL_NAMES[goal]) for goal in GOALS], "levels": list(LEVELS.items())}


def mentor_email(evaluation: Evaluation, *, reminder: bool = False) -> Notification:
    placement = evaluation.placement
    link = Link(PURPOSE, "evaluation", evaluation.id, ANSWER_TTL)
    return Notification(
        template="email/evaluation_request",
        to=placement.mentor,
        school_id=placement.school_id,
        context={"evaluation": evaluation, "reminder": reminder, **placement_context(placement), **goal_choices()},
        links={"evaluation_url": link},
        reply=link,
        thread=f"evaluation-{evaluation.id}",
    )


def clarify_email(
    evaluation: Evaluation, *, known: dict[str, int], missing: list[str], comment: str, recommendation: str
) -> Notification:
    """One short question for an answer Relay could not read in full; what it did read rides in
    the reply token, so an answer with only the missing levels completes it."""
    placement = evaluation.placement
    names = dict(goal_choices()["goals"])
    payload = {"asked": missing, "known": known, "comment": comment, "recommendation": recommendation}
    return Notification(
        template="email/evaluation_clarify",
        to=placement.mentor,
        school_id=placement.school_id,
        context={
            "known": [(names[g], level, LEVELS[level]) for g, level in known.items()],
            "missing": [names[g] for g in missing],
            "levels": list(LEVELS.items()),
            **placement_context(placement),
        },
        links={"evaluation_url": Link(PURPOSE, "evaluation", evaluation.id, ANSWER_TTL)},
        reply=Link(PURPOSE, "evaluation", evaluation.id, ANSWER_TTL, payload=payload),
        thread=f"evaluation-{evaluation.id}",
    )


def saved_email(evaluation: Evaluation) -> Notification:
    """What was stored from a mentor's reply, so a misreading is seen and corrected by replying again."""
    placement = evaluation.placement
    levels = [(GOAL_NAMES[g], evaluation.level(g), LEVELS.get(evaluation.level(g) or 0, "")) for g in GOALS]
    return Notification(
        template="email/evaluation_saved",
        to=placement.mentor,
        school_id=placement.school_id,
        context={"levels": levels, "recommendation": bool(evaluation.endorsement), **placement_context(placement)},
        reply=Link(PURPOSE, "evaluation", evaluation.id, ANSWER_TTL),
        thread=f"evaluation-{evaluation.id}",
    )


def _create(session: Session, placement: Placement, moment: Moment, now: datetime) -> Evaluation | None:
    """The placement's evaluation at `moment`, new; None if one exists (two ticks racing too)."""
    try:
        with session.begin_nested():
            evaluation = Evaluation(placement_id=placement.id, moment=moment, asked_at=now, levels={})
            session.add(evaluation)
    except IntegrityError:
        return None
    audit.record(
        session,
        action="evaluation.asked",
        channel="system",
        now=now,
        school_id=placement.school_id,
        object_type="evaluation",
        object_id=evaluation.id,
        moment=moment.value,
    )
    return evaluation


def _due(placement: Placement, school: School, now: datetime) -> list[Moment]:
    today = local(now, school).date()
    ended = at_local(placement.end_date, placement.end_time, school.zone) <= now or placement.status == "ended"
    moments = []
    midpoint = placement.start_date + (placement.end_date - placement.start_date) / 2
    halfway = midpoint <= today < placement.end_date and today - midpoint <= LATE_BY_AT_MOST
    if school.midpoint_evaluation and halfway and not ended:
        moments.append(Moment.mid)
    if ended and today - min(placement.end_date, today) <= LATE_BY_AT_MOST:
        moments.append(Moment.end)
    return moments


def ask_evaluations(session: Session, now: datetime) -> list[Notification]:
    """Each placement's evaluations when they fall due: the mentor's email, and at the end the
    student's text asking them to rate the internship. Per school, two queries: the placements
    that may be due (ended in the last two weeks; running ones too if the school asks halfway) and
    the evaluations they already have."""
    notes: list[Notification] = []
    for school in session.scalars(select(School)):
        today = local(now, school).date()
        recent = Placement.end_date >= today - LATE_BY_AT_MOST
        query = select(Placement).where(
            Placement.school_id == school.id,
            Placement.status.in_([PlacementStatus.active, PlacementStatus.ended]),
            Placement.start_date <= today,
            recent,
        )
        if not school.midpoint_evaluation:
            query = query.where(or_(Placement.end_date <= today, Placement.status == PlacementStatus.ended))
        placements = list(session.scalars(query.order_by(Placement.id)))
        if not placements:
            continue
        asked: dict[int, set[str]] = defaultdict(set)
        for placement_id, moment in session.execute(
            select(Evaluation.placement_id, Evaluation.moment)
            .join(Placement, Placement.id == Evaluation.placement_id)
            .where(Placement.school_id == school.id, recent)
        ):
            asked[placement_id].add(moment)
        for placement in placements:
            notes += _ask_placement(session, placement, school, now, asked[placement.id])
    return notes


def _ask_placement(
    session: Session, placement: Placement, school: School, now: datetime, asked: set[str]
) -> list[Notification]:
    notes: list[Notification] = []
    for moment in _due(placement, school, now):
        if moment in asked or (evaluation := _create(session, placement, moment, now)) is None:
            continue
        if placement.mentor.active:
            notes.append(mentor_email(evaluation))
        if moment == Moment.end and placement.student.active:
            evaluation.rating_asked_at = now
            notes.append(
                Notification(
                    template="sms/evaluation_rate",
                    to=placement.student,
                    kind=Category.message,
                    context=placement_context(placement),
                )
            )
    return notes


def remind_evaluations(session: Session, now: datetime) -> list[Notification]:
    """No answer in 5 school days: one reminder; 2 more school days: the coordinators are told."""
    notes: list[Notification] = []
    waiting = session.scalars(
        select(Evaluation).where(Evaluation.status.in_([EvaluationStatus.asked, EvaluationStatus.reminded]))
    )
    for evaluation in waiting:
        placement = evaluation.placement
        zone = placement.school.zone
        if evaluation.status == EvaluationStatus.asked:
            if school_days_between(evaluation.asked_at, now, zone) >= REMIND_AFTER_SCHOOL_DAYS:
                move_evaluation(evaluation, EvaluationEvent.remind)
                evaluation.reminded_at = now
                if placement.mentor.active:
                    notes.append(mentor_email(evaluation, reminder=True))
        elif evaluation.reminded_at and school_days_between(evaluation.reminded_at, now, zone) >= (
            ESCALATE_AFTER_SCHOOL_DAYS
        ):
            move_evaluation(evaluation, EvaluationEvent.escalate)
            evaluation.escalated_at = now
            notes += [
                Notification(
                    template="email/evaluation_escalated",
                    to=coordinator,
                    school_id=placement.school_id,
                    kind=Category.alert,
                    context={"evaluation": evaluation, **placement_context(placement)},
                )
                for coordinator in coordinators(session, placement.school_id)
            ]
    return notes
