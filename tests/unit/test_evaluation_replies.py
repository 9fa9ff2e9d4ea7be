"""Reading a mentor's evaluation reply and a student's rating: the corpus of replies as mail
clients send them, the forms one by one, and the evaluation's table of status moves."""

from __future__ import annotations

import pytest

from bench import evaluations as corpus
from messaging.inbound.reading.evaluation_replies import GOALS, read, read_rating
from workflow.errors import Refused
from workflow.models import (
    EVALUATION_TRANSITIONS,
    Evaluation,
    EvaluationEvent,
    EvaluationStatus,
    Goal,
    move_evaluation,
)

ALL_FOUR = dict.fromkeys(GOALS, 4)
LEVELS = dict(zip(GOALS, (4, 3, 3, 2, 4), strict=True))


def test_the_corpus_is_large_and_varied() -> None:
    cases = [corpus.read_case(name).expected for name in corpus.cases()]
    assert len(cases) >= 40
    clients = {c["client"] for c in cases}
    assert {"gmail", "gmail-android", "outlook", "outlook-web-html-only", "apple-mail", "iphone-mail"} <= clients
    assert {"en", "es", "fr", "de", "pt"} <= {c["language"] for c in cases}
    assert sum(c["status"] != "complete" for c in cases) >= 10


@pytest.mark.parametrize("name", corpus.cases())
def test_each_corpus_reply_is_read_as_labelled(name: str) -> None:
    outcome = corpus.read_case(name)
    assert not outcome.guessed, f"{name}: an answer that is not complete was read as complete: {outcome.got}"
    assert outcome.right, (name, outcome.got)


@pytest.mark.parametrize(
    ("text", "levels", "comment"),
    [
        ("4 3 3 2 4, great year", LEVELS, "great year"),
        ("4 3 3 2 4\n\nGreat year.\n\nRuth", LEVELS, "Great year."),
        ("Communication: 3\nPersonal Qualities: 4\nSR: 4\nQR: 3\nER: 2", LEVELS, ""),
        ("exceeds meets meets approaching exceeds", LEVELS, ""),
        ("All 4s!", ALL_FOUR, ""),
        ("Thanks for asking!\n4 3 3 2 4", LEVELS, "Thanks for asking!"),
    ],
)
def test_complete_answers(text: str, levels: dict[str, int], comment: str) -> None:
    reading = read(text)
    assert (reading.status, reading.levels, reading.comment) == ("complete", levels, comment)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "4 3 3",
        "4 3 3 2 4 1",
        "4 3 3 2 5",
        "3.5 3 3 3 3",
        "Communication: 3 or 4",
        "Communication: meets or exceeds",
        "QR: 0",
        "Communication: about 3",
        "Social: 4?",
        "maybe 4 3 3 2 4",
        "great year!",
    ],
)
def test_unclear_answers_are_never_read_as_levels(text: str) -> None:
    reading = read(text)
    assert reading.status == "unclear" and reading.levels == {}, reading


def test_a_partial_answer_keeps_what_it_read_and_a_follow_up_reads_the_rest_in_order() -> None:
    first = read("Personal Qualities: 4\nCommunication: 3")
    assert (first.status, first.levels) == ("partial", {"personal_qualities": 4, "communication": 3})
    missing = [g for g in GOALS if g not in first.levels]
    second = read("3 2 4", missing)
    assert (second.status, second.levels) == ("complete", dict(zip(missing, (3, 2, 4), strict=True)))


def test_the_recommendation_is_what_follows_its_label() -> None:
    reading = read("4 3 3 2 4, a joy\n\nRecommendation: Maya is reliable.\nShe will go far.\n\nBest,\nRuth")
    assert (reading.comment, reading.recommendation) == ("a joy", "Maya is reliable.\nShe will go far.")
    assert read("Recomendación: Muy responsable.\n4 3 3 2 4").recommendation == "Muy responsable.\n4 3 3 2 4"


@pytest.mark.parametrize(
    ("text", "rating"),
    [
        ("5", (5, "")),
        ("5 loved it", (5, "loved it")),
        ("4/5 busy but fun", (4, "busy but fun")),
        ("3 out of 5. ok", (3, "ok")),
        ("⭐⭐⭐⭐ great team", (4, "great team")),
        ("cinco, me encantó", (5, "me encantó")),
        ("4 or 5", None),
        ("4-5", None),
        ("10", None),
        ("0", None),
        ("it was fine", None),
        ("maybe 4", None),
    ],
)
def test_a_students_rating(text: str, rating: tuple[int, str] | None) -> None:
    assert read_rating(text) == rating


def test_the_readers_goals_are_the_models() -> None:
    assert tuple(g.value for g in Goal) == GOALS


@pytest.mark.parametrize("state", list(EvaluationStatus))
@pytest.mark.parametrize("event", list(EvaluationEvent))
def test_every_state_and_event_pair_moves_as_the_table_says(state: EvaluationStatus, event: EvaluationEvent) -> None:
    evaluation = Evaluation(status=state)
    target = EVALUATION_TRANSITIONS.get((state, event))
    if target is None:
        with pytest.raises(Refused):
            move_evaluation(evaluation, event)
        assert evaluation.status == state
    else:
        assert move_evaluation(evaluation, event) == target and evaluation.status == target
