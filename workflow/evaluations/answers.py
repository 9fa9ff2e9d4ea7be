"""Answers to an evaluation: the mentor's five levels (by reply or link), the student's 1-5 rating
of the internship and their yes or no to showing the mentor's recommendation. Reading what they
wrote is the channels' work; these store what was read, audited, and say what to send."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow import audit
from workflow.attendance.days import placement_context, student_sms
from workflow.models import GOALS, Evaluation, EvaluationEvent, Person, Placement, move_evaluation
from workflow.notifications import Category, Happened, Notification, Result

STUDENT_ANSWERS_FOR = timedelta(days=14)  # how long a text is read as the rating or the consent
MAX_TEXT = 4000


def record_answer(
    session: Session,
    evaluation: Evaluation,
    mentor: Person,
    levels: dict[str, int],
    *,
    comment: str,
    endorsement: str,
    via: str,
    now: datetime,
) -> Result:
    """Store a complete answer (all five levels); a later one corrects the first, both audited."""
    placement = evaluation.placement
    if mentor.id != placement.mentor_id:
        return Result(summary=f"evaluation {evaluation.id}: not the mentor", happened=Happened.not_the_mentor)
    if set(levels) != {g.value for g in GOALS} or not all(1 <= int(v) <= 4 for v in levels.values()):
        raise ValueError("an evaluation is stored with all five levels, 1 to 4")
    before = dict(evaluation.levels) or None
    move_evaluation(evaluation, EvaluationEvent.answer)
    evaluation.levels = {g.value: int(levels[g.value]) for g in GOALS}
    evaluation.comment = comment.strip()[:MAX_TEXT] or evaluation.comment
    if endorsement.strip():
        evaluation.endorsement = endorsement.strip()[:MAX_TEXT]
    evaluation.answered_at, evaluation.answered_via = now, via
    audit.record(
        session,
        action="evaluation.answered",
        channel=via,
        now=now,
        actor=mentor,
        object_type="evaluation",
        object_id=evaluation.id,
        levels=evaluation.levels,
        before=before,
    )
    notes = [_consent_request(evaluation, now)] if _consent_due(evaluation) else []
    return Result(notes, summary=f"evaluation {evaluation.id} answered by {via}", happened=Happened.evaluation_recorded)


def _consent_due(evaluation: Evaluation) -> bool:
    """Ask the student about the recommendation now, unless they are still to rate the internship
    (the answer to their rating asks it then) or were asked already."""
    waiting_for_rating = evaluation.rating_asked_at is not None and evaluation.student_rating is None
    return bool(evaluation.endorsement) and evaluation.consent_asked_at is None and not waiting_for_rating


def _consent_request(evaluation: Evaluation, now: datetime) -> Notification:
    evaluation.consent_asked_at = now
    placement = evaluation.placement
    return student_sms("evaluation_consent_ask", placement.student, Category.message, **placement_context(placement))


def awaiting(session: Session, student: Person, now: datetime) -> tuple[str, Evaluation] | None:
    """What Relay waits for from the student, if anything: their rating, or their yes or no to
    showing a recommendation (the latest asked, within two weeks)."""
    rows = session.scalars(
        select(Evaluation)
        .join(Placement, Placement.id == Evaluation.placement_id)
        .where(Placement.student_id == student.id)
        .order_by(Evaluation.asked_at.desc(), Evaluation.id.desc())
    )
    since = now - STUDENT_ANSWERS_FOR
    for evaluation in rows:
        if evaluation.rating_asked_at and evaluation.student_rating is None and evaluation.rating_asked_at >= since:
            return "rating", evaluation
        asked = evaluation.consent_asked_at
        if asked and evaluation.endorsement_consent is None and asked >= since:
            return "consent", evaluation
    return None


def record_rating(
    session: Session, evaluation: Evaluation, student: Person, rating: int, comment: str, now: datetime
) -> Result:
    if not 1 <= rating <= 5:
        raise ValueError("a rating is 1 to 5")
    evaluation.student_rating, evaluation.student_comment = rating, comment.strip()[:MAX_TEXT] or None
    evaluation.rated_at = now
    audit.record(
        session,
        action="evaluation.rated",
        channel="sms",
        now=now,
        actor=student,
        object_type="evaluation",
        object_id=evaluation.id,
        rating=rating,
    )
    ask_consent = bool(evaluation.endorsement) and evaluation.consent_asked_at is None
    if ask_consent:
        evaluation.consent_asked_at = now
    placement = evaluation.placement
    note = student_sms(
        "evaluation_rated", student, rating=rating, ask_consent=ask_consent, **placement_context(placement)
    )
    return Result([note], summary=f"evaluation {evaluation.id} rated {rating}", happened=Happened.rating_recorded)


def rating_unclear(evaluation: Evaluation, student: Person) -> Result:
    note = student_sms("evaluation_rate_again", student, **placement_context(evaluation.placement))
    return Result([note], summary="rating not understood; asked again", happened=Happened.asked_again)


def record_consent(
    session: Session, evaluation: Evaluation, student: Person, consent: bool | None, now: datetime
) -> Result:
    """The student's yes or no to showing the recommendation; None (unclear) asks once more."""
    context = placement_context(evaluation.placement)
    if consent is None:
        note = student_sms("evaluation_consent_again", student, **context)
        return Result([note], summary="consent not understood; asked again", happened=Happened.asked_again)
    evaluation.endorsement_consent, evaluation.consent_at = consent, now
    audit.record(
        session,
        action="evaluation.consent" if consent else "evaluation.no_consent",
        channel="sms",
        now=now,
        actor=student,
        object_type="evaluation",
        object_id=evaluation.id,
    )
    note = student_sms("evaluation_consent_ack", student, consent=consent, **context)
    return Result([note], summary=f"consent {'given' if consent else 'refused'}", happened=Happened.consent_recorded)
