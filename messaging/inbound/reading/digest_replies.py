"""Reading a mentor's answer to a digest of several days: "all yes", or one line per day."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from messaging.inbound.reading.intent import classify

_ALL = re.compile(
    r"^\W*(?:(?:yes|yep|yeah|ok|okay|sure)\W+)?"
    r"(?:all\s+(?:yes|confirmed|good|fine|ok|present|correct)|yes\s+(?:to\s+)?all|confirm(?:ed)?\s+all|"
    r"all\s+of\s+them\s+(?:yes|confirmed)|todos\s+s[ií]|tous\s+oui)\b",
    re.IGNORECASE,
)
# "All yes except 2", "all confirmed but not day 3": the whole week is not confirmed.
_EXCEPT = re.compile(
    r"\b(?:except|excluding|apart\s+from|other\s+than|besides|save\s+for|but\s+not|"
    r"but\s+(?:day\s*|#|no\.?\s*)?\d|but\s+(?:on\s+|not\s+)?(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?|"
    r"sauf|excepto|salvo|menos)\b",
    re.IGNORECASE,
)
# A line that is only a greeting and a name ("Hi Sam,", "Hello Ms. Garcia"): nothing else, so a
# greeting that carries the answer ("Hi Sam, Maya was not in on Wednesday") is read as prose.
_GREETING = re.compile(
    r"^\W*(?:hi|hello|hey|dear|good\s+(?:morning|afternoon|evening)|hola|buenos\s+d[ií]as|bonjour|ol[áa])\b"
    r"(?:[ \t,]+[\w.'’-]+){0,3}[\s,.!:;-]*$",
    re.IGNORECASE,
)
_LINE = re.compile(r"^\s*(?:#|no\.?\s*|day\s*)?(\d{1,2})\s*[.):\-]?\s+(.{1,2000})$", re.IGNORECASE)


@dataclass(frozen=True)
class DigestAnswer:
    everything: bool | None = None  # "all yes"
    lines: dict[int, tuple[bool | None, str]] = field(default_factory=dict)

    def for_day(self, number: int) -> tuple[bool | None, str]:
        if number in self.lines:
            return self.lines[number]
        return (self.everything, "") if self.everything is not None else (None, "")


def parse(text: str, count: int) -> DigestAnswer:
    lines = [line for line in text.splitlines()[:200] if line.strip()]
    prose = [line for line in lines if not _LINE.match(line)]
    said = [line for line in prose if not _GREETING.match(line)]
    opening = said[0] if said else ""
    # "All yes" stands only if nothing else said is an exception or a "no" ("Tuesday she was out").
    doubt = any(_EXCEPT.search(line) for line in said) or any(
        classify(line, "attendance").kind == "no" for line in said[1:]
    )
    everything = True if _ALL.match(opening) and not doubt else None
    answers: dict[int, tuple[bool | None, str]] = {}
    for line in lines:
        match = _LINE.match(line)
        if not match:
            continue
        number = int(match.group(1))
        if not 1 <= number <= count:
            continue
        intent = classify(match.group(2), "attendance")
        present = {"yes": True, "no": False}.get(intent.kind)
        if present is not None:
            answers[number] = (present, intent.feedback)
    return DigestAnswer(everything, answers)
