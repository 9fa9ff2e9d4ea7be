"""Our own reply corpus (tests/fixtures/replies): real clients' replies to Relay's emails.

It is part of the repository, so nothing here skips. Intent must be right for at least 97% of the
replies and the new text (white space collapsed) for at least `NEW_TEXT_TARGET` of them; the
message of a failed assertion lists the cases that went wrong. Only kind "reply" is scored:
auto-replies and bounces are recognised before any text is read.
"""

from __future__ import annotations

import pytest

from bench import corpora
from bench.replies import Score, score

INTENT_TARGET = 0.97
NEW_TEXT_TARGET = 0.98


@pytest.fixture(scope="module")
def result() -> Score:
    corpus = corpora.fixtures()
    assert corpus.missing is None, corpus.missing
    return score(corpus)


def test_the_corpus_has_replies_with_intents(result: Score) -> None:
    assert result.total >= 20
    assert result.intent_total >= 20


def test_intent_accuracy(result: Score) -> None:
    failures = [line for line in result.failures if ": intent " in line]
    assert result.intent_ok / max(1, result.intent_total) >= INTENT_TARGET, "\n".join(failures)


def test_new_text_accuracy(result: Score) -> None:
    failures = [line for line in result.failures if ": new text " in line]
    assert result.relay_ok / max(1, result.total) >= NEW_TEXT_TARGET, "\n".join(failures)


def test_new_text_accuracy_beats_email_reply_parser(result: Score) -> None:
    assert result.relay_ok > result.erp_ok
