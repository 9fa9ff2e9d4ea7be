"""The evaluation-reply corpus (`tests/fixtures/evaluations/`), read as Relay reads a mentor's
reply: MIME, the new text cut from the quote, then `evaluation_replies.read`. Shared by the
corpus test and `bench.replies`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from messaging.inbound.reading import evaluation_replies, mime
from messaging.inbound.reading.reply_text import split_reply

FOLDER = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "evaluations"


@dataclass(frozen=True)
class Outcome:
    name: str
    expected: dict[str, Any]
    got: evaluation_replies.EvaluationReading

    @property
    def right(self) -> bool:
        """The status, the levels read and the recommendation are what a careful person reads."""
        same = self.got.status == self.expected["status"] and self.got.levels == self.expected["levels"]
        wanted = self.expected.get("recommendation")
        return same and (wanted is None or self.got.recommendation == wanted)

    @property
    def guessed(self) -> bool:
        """An answer that is not complete, read as complete: the one mistake Relay must never make."""
        return self.expected["status"] != "complete" and self.got.status == "complete"


def cases() -> list[str]:
    return sorted(path.stem for path in FOLDER.glob("*.eml"))


def read_case(name: str) -> Outcome:
    mail = mime.parse((FOLDER / f"{name}.eml").read_bytes())
    expected = json.loads((FOLDER / f"{name}.json").read_text())
    return Outcome(name, expected, evaluation_replies.read(split_reply(mail.text).text))


def score() -> tuple[int, int, int, list[Outcome]]:
    """(right, total, guessed, the outcomes read wrong)."""
    outcomes = [read_case(name) for name in cases()]
    wrong = [o for o in outcomes if not o.right]
    return len(outcomes) - len(wrong), len(outcomes), sum(o.guessed for o in outcomes), wrong
