"""Evaluations: the mentor's assessment of a placement at its end (and at a mid-point a school may
set) on Big Picture's five learning goals, the student's own rating of the internship, and the
table of an evaluation's status moves."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.base import Base, utcnow
from workflow.errors import Refused
from workflow.models.placements import Placement


class Goal(enum.StrEnum):
    """Big Picture's five learning goals, in the order the mentor is asked for them."""

    personal_qualities = "personal_qualities"
    communication = "communication"
    quantitative_reasoning = "quantitative_reasoning"
    empirical_reasoning = "empirical_reasoning"
    social_reasoning = "social_reasoning"


GOALS: tuple[Goal, ...] = tuple(Goal)
GOAL_NAMES: dict[Goal, str] = {
    Goal.personal_qualities: "Personal Qualities",
    Goal.communication: "Communication",
    Goal.quantitative_reasoning: "Quantitative Reasoning",
    Goal.empirical_reasoning: "Empirical Reasoning",
    Goal.social_reasoning: "Social Reasoning",
}
# The four-level rubric: the number a mentor answers with and its name.
LEVELS: dict[int, str] = {4: "Exceeds", 3: "Meets", 2: "Approaching", 1: "Below"}


class Moment(enum.StrEnum):
    mid = "mid"  # halfway through the placement, when the school asks for it
    end = "end"  # on the placement's last day


class EvaluationStatus(enum.StrEnum):
    asked = "asked"  # the mentor has the email
    reminded = "reminded"  # no answer in 5 school days: reminded once
    escalated = "escalated"  # still no answer: the coordinator was told
    answered = "answered"  # the five levels are stored


class EvaluationEvent(enum.StrEnum):
    remind = "remind"
    escalate = "escalate"
    answer = "answer"  # a complete answer, by reply or link (a later one corrects the first)


# Every move of an evaluation's status, in one place; an evaluation is created `asked`.
EVALUATION_TRANSITIONS: dict[tuple[EvaluationStatus, EvaluationEvent], EvaluationStatus] = {
    (EvaluationStatus.asked, EvaluationEvent.remind): EvaluationStatus.reminded,
    (EvaluationStatus.reminded, EvaluationEvent.escalate): EvaluationStatus.escalated,
    (EvaluationStatus.asked, EvaluationEvent.answer): EvaluationStatus.answered,
    (EvaluationStatus.reminded, EvaluationEvent.answer): EvaluationStatus.answered,
    (EvaluationStatus.escalated, EvaluationEvent.answer): EvaluationStatus.answered,
    (EvaluationStatus.answered, EvaluationEvent.answer): EvaluationStatus.answered,  # a correction
}


def move_evaluation(evaluation: Evaluation, event: EvaluationEvent) -> EvaluationStatus:
    """Move the evaluation by `event`; Refused (and nothing changed) if the table has no such move."""
    state = EvaluationStatus(evaluation.status)
    target = EVALUATION_TRANSITIONS.get((state, event))
    if target is None:
        raise Refused("bad_evaluation_move", state=state.value, event=event.value)
    evaluation.status = target
    return target


class Evaluation(Base):
    """One placement's evaluation at one moment: the mentor's levels, comment and endorsement, and
    the student's rating of the internship and consent to show the endorsement."""

    __tablename__ = "evaluations"
    __table_args__ = (
        UniqueConstraint("placement_id", "moment"),
        Index("ix_evaluations_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id"))
    moment: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default=EvaluationStatus.asked)
    asked_at: Mapped[datetime] = mapped_column(default=utcnow)
    reminded_at: Mapped[datetime | None] = mapped_column()
    escalated_at: Mapped[datetime | None] = mapped_column()
    # the mentor's answer: {goal: level 1-4} for all five goals, or empty
    levels: Mapped[dict[str, Any]] = mapped_column(default=dict)
    comment: Mapped[str | None] = mapped_column(Text)
    endorsement: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column()
    answered_via: Mapped[str | None] = mapped_column(String(16))  # email | link
    # the student's side
    rating_asked_at: Mapped[datetime | None] = mapped_column()
    student_rating: Mapped[int | None] = mapped_column()  # 1-5
    student_comment: Mapped[str | None] = mapped_column(Text)
    rated_at: Mapped[datetime | None] = mapped_column()
    consent_asked_at: Mapped[datetime | None] = mapped_column()
    endorsement_consent: Mapped[bool | None] = mapped_column()  # None: not answered yet
    consent_at: Mapped[datetime | None] = mapped_column()

    placement: Mapped[Placement] = relationship()

    def level(self, goal: Goal) -> int | None:
        value = self.levels.get(goal.value)
        return int(value) if value is not None else None
