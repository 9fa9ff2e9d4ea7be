"""Evaluations as the channels see them: the mentor's reply and page, and the student's texts (the
rating, and a yes or no to showing the recommendation). Each reads what arrived with the pure
readers and hands it to `workflow.evaluations`; a partial or unclear answer stores nothing and
gets one short question back."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy.orm import Session

from messaging import rendering
from messaging.inbound.handling.incoming import IncomingReply, LinkResult, LinkView
from messaging.inbound.reading import evaluation_replies
from messaging.inbound.reading.intent import classify
from messaging.inbound.reading.sms_keywords import Keyword, Parsed
from messaging.models import ActionToken
from workflow import evaluations
from workflow.models import GOAL_NAMES, GOALS, Evaluation, EvaluationStatus, Person, Role
from workflow.notifications import Happened, Result

COPY = "link_evaluation"  # templates/web/link_evaluation.txt
SHARE_WORDS = frozenset({"share", "share it", "yes share", "compartir", "partager", "teilen", "compartilhar"})


# -- the mentor's reply ---------------------------------------------------------------------------


def _joined(*parts: str) -> str:
    return "\n\n".join(p.strip() for p in parts if p and p.strip())


def answer_by_reply(session: Session, reply: IncomingReply, now: datetime) -> Result:
    evaluation = session.get(Evaluation, reply.token.object_id)
    if evaluation is None:
        return Result(summary=f"evaluation {reply.token.object_id} is gone", happened=Happened.gone)
    payload = reply.token.payload or {}
    asked = [str(g) for g in payload.get("asked") or [g.value for g in GOALS]]
    known = {str(g): int(v) for g, v in dict(payload.get("known") or {}).items()}
    reading = evaluation_replies.read(reply.text, asked)
    if reading.status != "complete" and len(asked) < len(GOALS):
        whole = evaluation_replies.read(reply.text)  # all five again, in answer to a question about some
        if whole.status == "complete":
            reading, known = whole, {}
    comment = _joined(str(payload.get("comment") or ""), reading.comment)
    recommendation = reading.recommendation or str(payload.get("recommendation") or "")
    if evaluation.status == EvaluationStatus.answered and reading.status != "complete":
        if reading.status == "unclear":  # "Thanks!" to the saved email: nothing to ask
            return Result(
                summary=f"evaluation {evaluation.id}: a reply after the answer, no levels",
                happened=Happened.nothing_to_answer,
            )
        known = {str(g): int(v) for g, v in evaluation.levels.items()}  # a correction of some goals
        reading = replace(reading, status="complete", levels={**known, **reading.levels})
        comment, recommendation = "", reading.recommendation  # the first comment stays
    if reading.status == "complete":
        result = evaluations.record_answer(
            session,
            evaluation,
            reply.person,
            {**known, **reading.levels},
            comment=comment,
            endorsement=recommendation,
            via="email",
            now=now,
        )
        if result.happened != Happened.evaluation_recorded:
            return result
        notes = [*result.notifications, evaluations.saved_email(evaluation)]
        return Result(notes, result.expect, result.summary, happened=result.happened)
    known = {**known, **reading.levels}
    missing = [g.value for g in GOALS if g.value not in known]
    note = evaluations.clarify_email(
        evaluation, known=known, missing=missing, comment=comment, recommendation=recommendation
    )
    return Result([note], summary=f"evaluation reply {reading.status}; asked again", happened=Happened.asked_again)


# -- the mentor's page ----------------------------------------------------------------------------


class Evaluate:
    """The five goals, each with the four levels and none chosen, a comment and a recommendation."""

    def _copy(self, evaluation: Evaluation) -> dict[str, object]:
        placement = evaluation.placement
        return {"evaluation": evaluation, "student": placement.student, "site": placement.site.name}

    def describe(self, session: Session, token: ActionToken, person: Person | None, now: datetime) -> LinkView:
        evaluation = session.get(Evaluation, token.object_id)
        if evaluation is None or person is None:
            return LinkView(title=rendering.render_copy(COPY, "gone_title", {}), intro="")
        copy = self._copy(evaluation)
        return LinkView(
            title=rendering.render_copy(COPY, "title", copy),
            intro=rendering.render_copy(COPY, "intro", copy),
            details=rendering.render_details(COPY, {**copy, "placement": evaluation.placement}),
            comment_label=rendering.render_copy(COPY, "comment_label", copy),
            template="link_evaluation",
            extra={
                **evaluations.goal_choices(),
                "endorsement_label": rendering.render_copy(COPY, "endorsement_label", copy),
            },
        )

    def form_problem(self, form: dict[str, str]) -> str | None:
        missing = [GOAL_NAMES[g] for g in GOALS if form.get(g.value) not in ("1", "2", "3", "4")]
        return rendering.render_copy(COPY, "missing", {"missing": missing}) if missing else None

    def act(
        self, session: Session, token: ActionToken, person: Person | None, form: dict[str, str], now: datetime
    ) -> LinkResult:
        evaluation = session.get(Evaluation, token.object_id)
        if evaluation is None or person is None:
            return LinkResult(outcome=rendering.render_copy(COPY, "gone", {}))
        levels = {g.value: int(form[g.value]) for g in GOALS}
        result = evaluations.record_answer(
            session,
            evaluation,
            person,
            levels,
            comment=form.get("comment", ""),
            endorsement=form.get("endorsement", ""),
            via="link",
            now=now,
        )
        said = "recorded" if result.happened == Happened.evaluation_recorded else "not_yours"
        return LinkResult(
            outcome=rendering.render_copy(COPY, said, self._copy(evaluation)), notifications=result.notifications
        )


# -- the student's texts --------------------------------------------------------------------------


def _consent(text: str) -> bool | None:
    words = " ".join(text.lower().split()).strip(" .!")
    if words in SHARE_WORDS:
        return True
    kind = classify(text, "approval").kind
    return {"approve": True, "deny": False}.get(kind)


def student_answer(session: Session, person: Person, parsed: Parsed, now: datetime) -> Result | None:
    """A student's text when Relay waits for their rating or their consent; None otherwise."""
    if person.role != Role.student or parsed.keyword not in (Keyword.text, Keyword.choice, Keyword.opt_in):
        return None
    waiting = evaluations.awaiting(session, person, now)
    if waiting is None:
        return None
    what, evaluation = waiting
    text = "yes" if parsed.keyword == Keyword.opt_in else parsed.argument
    if what == "consent":
        return evaluations.record_consent(session, evaluation, person, _consent(text), now)
    if parsed.keyword == Keyword.opt_in:
        return None
    rating = evaluation_replies.read_rating(text)
    if rating is None:
        return evaluations.rating_unclear(evaluation, person)
    return evaluations.record_rating(session, evaluation, person, rating[0], rating[1], now)
