"""The held-out replies: written by someone who never saw the parser, so they measure it fairly."""

from __future__ import annotations

from bench import corpora
from bench.replies import score
from messaging.inbound.reading.intent import classify


def test_held_out_replies() -> None:
    corpus = corpora.fixtures(corpora.HOLDOUT, "held-out")
    assert len(corpus.scored) >= 50
    result = score(corpus)
    assert result.relay_ok / result.total >= 0.95, result.failures
    assert result.intent_ok / result.intent_total >= 0.97, result.failures
    assert result.relay_ok > result.erp_ok


def test_second_thoughts_are_not_an_answer() -> None:
    # The one held-out reply the classifier first got wrong (it read "approve"): acting on it
    # would have approved what the coordinator asked to hold.
    assert classify("Approve - wait, actually hold off until I talk to her mom", "approval").kind == "unclear"
    assert classify("Yes. Scratch that, she left before lunch", "attendance").kind == "unclear"
    assert classify("Approved, can't wait to have her", "approval").kind == "approve"
