"""Evaluations: asked at a placement's end (and mid-point), answered by the mentor in one reply
or on a page, rated by the student by text, shown on the record with the student's consent."""

from workflow.evaluations.answers import (
    awaiting,
    rating_unclear,
    record_answer,
    record_consent,
    record_rating,
)
from workflow.evaluations.asking import (
    ANSWER_TTL,
    ask_evaluations,
    clarify_email,
    goal_choices,
    mentor_email,
    remind_evaluations,
    saved_email,
)
from workflow.evaluations.record import EXPORT_FIELDS, EvaluationView, export, for_student

__all__ = [
    "ANSWER_TTL",
    "EXPORT_FIELDS",
    "EvaluationView",
    "ask_evaluations",
    "awaiting",
    "clarify_email",
    "export",
    "for_student",
    "goal_choices",
    "mentor_email",
    "rating_unclear",
    "record_answer",
    "record_consent",
    "record_rating",
    "remind_evaluations",
    "saved_email",
]
