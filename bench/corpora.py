"""Reply corpora for measuring reply trimming and intent: loading and comparison, in one place.

Used by `bench.replies` and by the tests. Four corpora:

- `fixtures`: ours, `tests/fixtures/replies/NAME.eml` + `NAME.json` (always in the repository);
- `discourse`: discourse/email_reply_trimmer, `emails/X.txt` -> `trimmed/X.txt`;
- `talon-standard`: mailgun/talon raw emails, reply "Hello" unless `NAME_reply_text` says otherwise;
- `talon-html`: mailgun/talon HTML bodies, reply "Hi. I am fine. Thanks, Alex" (white space ignored).

The public ones live in `../shared/corpora` beside the repository (not in a user's clone); a
missing corpus is returned with `missing` set to the reason, never as an error.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from messaging.inbound.reading.html_text import reply_html_to_text
from messaging.inbound.reading.mime import parse

REPO = Path(__file__).resolve().parent.parent
# RELAY_CORPORA points elsewhere (a worktree beside the repository has no ../shared).
SHARED_CORPORA = Path(os.environ.get("RELAY_CORPORA") or REPO.parent / "shared" / "corpora")
FIXTURES = REPO / "tests" / "fixtures" / "replies"
# Written later by someone who never saw the parser, and never used to tune it: an honest check.
HOLDOUT = REPO / "tests" / "fixtures" / "replies_holdout"
TALON_HTML_REPLY = "Hi. I am fine.\n\nThanks,\nAlex"

Convention = Literal["text", "with_signature"]
Comparison = Literal["collapse", "ignore"]


@dataclass(frozen=True)
class Case:
    """One email body and what should be kept of it."""

    name: str
    text: str  # the plain-text body (HTML and .eml already turned into text)
    expected: str | None  # the new text; None when the case does not count (auto-replies, bounces)
    purpose: Literal["attendance", "approval"] | None = None
    intent: str | None = None
    meta: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Corpus:
    name: str
    convention: Convention  # which field of messaging.inbound.reading.reply_text.Reply the corpus expects
    comparison: Comparison  # "collapse": white-space runs count as one space; "ignore": not at all
    cases: list[Case]
    missing: str | None = None  # why the corpus could not be read

    @property
    def scored(self) -> list[Case]:
        return [case for case in self.cases if case.expected is not None]

    def same(self, got: str, expected: str) -> bool:
        return normalise(got, self.comparison) == normalise(expected, self.comparison)


def normalise(text: str, comparison: Comparison) -> str:
    return ("" if comparison == "ignore" else " ").join(text.split())


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="replace")


def discourse(root: Path | None = None) -> Corpus:
    folder = (root or SHARED_CORPORA) / "email_reply_trimmer"
    if not (folder / "emails").is_dir():
        return Corpus("discourse", "text", "collapse", [], missing=f"{folder} not found")
    cases = [
        Case(path.stem, _read(path), _read(folder / "trimmed" / path.name))
        for path in sorted((folder / "emails").glob("*.txt"))
        if (folder / "trimmed" / path.name).is_file()
    ]
    return Corpus("discourse", "text", "collapse", cases)


def talon_standard(root: Path | None = None) -> Corpus:
    folder = (root or SHARED_CORPORA) / "talon" / "standard_replies"
    if not folder.is_dir():
        return Corpus("talon-standard", "with_signature", "collapse", [], missing=f"{folder} not found")
    cases = []
    for path in sorted(folder.glob("*.eml")):
        expected_file = folder / f"{path.stem}_reply_text"
        expected = _read(expected_file) if expected_file.is_file() else "Hello"
        cases.append(Case(path.stem, parse(path.read_bytes()).text, expected))
    return Corpus("talon-standard", "with_signature", "collapse", cases)


def talon_html(root: Path | None = None) -> Corpus:
    folder = (root or SHARED_CORPORA) / "talon" / "html_replies"
    if not folder.is_dir():
        return Corpus("talon-html", "with_signature", "ignore", [], missing=f"{folder} not found")
    cases = [
        Case(path.stem, reply_html_to_text(_read(path)), TALON_HTML_REPLY) for path in sorted(folder.glob("*.html"))
    ]
    return Corpus("talon-html", "with_signature", "ignore", cases)


def fixtures(folder: Path | None = None, name: str = "fixtures") -> Corpus:
    """Our own replies; only kind "reply" has an expected new text and intent."""
    folder = folder or FIXTURES
    if not folder.is_dir():
        return Corpus(name, "text", "collapse", [], missing=f"{folder} not found")
    cases = []
    for path in sorted(folder.glob("*.json")):
        eml = path.with_suffix(".eml")
        if not eml.is_file():
            continue
        meta = json.loads(path.read_text(encoding="utf-8"))
        is_reply = meta.get("kind", "reply") == "reply"
        cases.append(
            Case(
                path.stem,
                parse(eml.read_bytes()).text,
                meta.get("new_text") if is_reply else None,
                purpose=meta.get("purpose"),
                intent=meta.get("intent") if is_reply else None,
                meta=meta,
            )
        )
    return Corpus(name, "text", "collapse", cases)


PUBLIC: dict[str, Callable[[], Corpus]] = {
    "discourse": discourse,
    "talon-standard": talon_standard,
    "talon-html": talon_html,
}
