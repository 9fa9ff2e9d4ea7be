"""What a mentor's evaluation reply says: a level (4 Exceeds, 3 Meets, 2 Approaching, 1 Below)
for each of Big Picture's five learning goals, a comment, and a recommendation.

`read` takes the reply's new text (cut from the quote) and the goals asked, in order (all five, or
the ones a follow-up question asked for). It accepts, in English, Spanish, French, German and
Portuguese:

- the numbers in order: "4 3 3 2 4, great year", "4,3,3,2,4", one a line, "1. 4" ... "5. 4";
- a line per goal: "Communication: 3", "PQ 4", "Razonamiento social: cumple";
- the words in order: "exceeds meets meets approaching exceeds", "cumple, supera, ...";
- one level for all: "all 3s", "all meets", "todos 4".

A recommendation follows "Recommendation:" (or "Endorsement:", "Recomendación:", ...); the rest of
the text is the comment. Anything that cannot be read for sure (a range "3-4", a level outside the
rubric, a hedge "maybe 3", two levels for one goal, too many or too few numbers) makes the reading
`unclear`; levels read but not all asked make it `partial`. Relay then asks one short question and
stores nothing: it never guesses.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from messaging.inbound.reading.intent import _fold
from messaging.inbound.reading.intent import comments as _comments

# The goals in the order mentors are asked for them (workflow.models.evaluations.GOALS).
GOALS = (
    "personal_qualities",
    "communication",
    "quantitative_reasoning",
    "empirical_reasoning",
    "social_reasoning",
)
MAX_CHARS = 4_000
Status = Literal["complete", "partial", "unclear"]


@dataclass(frozen=True)
class EvaluationReading:
    status: Status
    levels: dict[str, int] = field(default_factory=dict)  # the goals read for sure, even when partial
    comment: str = ""
    recommendation: str = ""


# --- vocabulary (folded: lowercase, no accents) --------------------------------------------------

_GOAL_WORDS = {
    "personal_qualities": "personal qualities|personal quality|personal|cualidades personales|"
    "qualites personnelles|qualites personelles|personliche eigenschaften|personliche qualitaten|"
    "qualidades pessoais",
    "communication": "communication|communications|comunicacion|comunicacao|kommunikation",
    "quantitative_reasoning": "quantitative reasoning|quantitative|razonamiento cuantitativo|cuantitativo|"
    "raisonnement quantitatif|quantitatif|quantitatives denken|quantitatives schlussfolgern|"
    "raciocinio quantitativo|quantitativo",
    "empirical_reasoning": "empirical reasoning|empirical|razonamiento empirico|empirico|"
    "raisonnement empirique|empirique|empirisches denken|empirisches schlussfolgern|raciocinio empirico",
    "social_reasoning": "social reasoning|razonamiento social|raisonnement social|soziales denken|"
    "soziales schlussfolgern|raciocinio social|social",
}
# Initials count only at the start of a line ("QR: 3"), never inside a sentence.
_INITIALS = {
    "personal_qualities": "pq",
    "communication": "comm|c",
    "quantitative_reasoning": "qr",
    "empirical_reasoning": "er",
    "social_reasoning": "sr",
}
_LEVEL_WORDS = {
    4: "exceeds|exceeding|exceed|exceeded|supera|excede|sobresale|depasse|ubertrifft|uebertrifft|excedeu",
    3: "meets|meeting|meet|met|cumple|alcanza|atteint|satisfait|erfullt|erfuellt|atende|cumpre",
    2: "approaching|approaches|approach|se acerca|acercandose|aproximandose|en proceso|approche|"
    "s'approche|en voie|nahert sich|naehert sich|annahernd|se aproxima|aproximando|em desenvolvimento",
    1: "below|por debajo|debajo|en dessous|au-dessous|insuffisant|unter|darunter|unterhalb|abaixo",
}
_ALL = r"all|all of them|todos|todas|tous|toutes|alle|todo"
_MARKERS = (
    r"recommendation|recommendations|endorsement|reference|recomendacion|recomendaciones|recommandation|"
    r"empfehlung|recomendacao"
)
_HEDGES = re.compile(
    r"(?<![\w'])(?:maybe|perhaps|probably|possibly|not sure|unsure|i think|i guess|or so|roughly|about|around|"
    r"tal vez|quizas|quiza|creo|no se|peut-etre|peut etre|je pense|vielleicht|wahrscheinlich|ich glaube|"
    r"talvez|acho)(?![\w'])|\?"
)
_SEPARATOR = r"[ \t]*(?:[:=\-–—.,;|)(]+[ \t]*)*"
_RANGE_AFTER = re.compile(r"[ \t]*(?:-|–|—|to|or|/|a|o|ou|oder|bis|y|and|&|\+|\.5|,5)[ \t]*[0-9]")
_OUT_OF_FOUR = re.compile(r"[ \t]*(?:/|out of|de|sur|von|em)[ \t]*4(?![0-9])")


def _alternatives(words: str) -> str:
    parts = sorted((w.strip() for w in words.split("|") if w.strip()), key=len, reverse=True)
    return "|".join(re.escape(p).replace(r"\ ", r"[ \t]+") for p in parts)


_LEVEL_WORD = {level: re.compile(rf"(?:{_alternatives(words)})(?![\w'])") for level, words in _LEVEL_WORDS.items()}
_GOAL = re.compile(
    "|".join(rf"(?P<{goal}>(?<![\w'])(?:{_alternatives(words)})(?![\w']))" for goal, words in _GOAL_WORDS.items())
)
_INITIAL = re.compile(
    r"^[ \t*•\-]*(?:"
    + "|".join(rf"(?P<{goal}>(?:{_alternatives(words)}))" for goal, words in _INITIALS.items())
    + r")(?=[ \t]*[:=\-–—][ \t]*\w|[ \t]+[0-9](?![0-9]))",
    re.MULTILINE,
)
_MARKER = re.compile(rf"^[ \t*>]*(?:{_alternatives(_MARKERS)})[ \t]*[:\-–—][ \t]*", re.MULTILINE)
_NUMBERED = re.compile(r"^[ \t]*([1-5])[ \t]*[.):][ \t]*([0-9])(?![0-9])[ \t.,;]*(.*)$")
_GREETING = re.compile(
    r"^[ \t]*(?:hi|hello|hey|dear|hola|buenos dias|buenas tardes|bonjour|salut|hallo|guten tag|ola|oi|bom dia)"
    r"(?![\w'])[^\n]{0,40}\n"
)


_NAME_LINE = re.compile(r"^[-–—~ \t]*(?:[A-Z][\w.'’-]*[ \t]*){1,3}$")


def comments(text: str) -> str:
    """What was written, without a closing, a signature, or a name alone on the last line ("Ruth")."""
    kept = _comments(text)
    head, _, last = kept.rpartition("\n")
    apart = head.endswith("\n") or head.rstrip().endswith(",")  # "...\n\nRuth", "Great year,\nRuth"
    if head.strip() and apart and _NAME_LINE.match(last.strip()) and not last.strip().endswith((".", "!", "?")):
        return head.strip()
    return kept


class _Unclear(Exception):
    """Something in the reply cannot be read for sure."""


# --- reading a level -----------------------------------------------------------------------------


_DIGIT = re.compile(r"([0-9]+(?:[.,][0-9]+)?)(?![0-9\w])")
_RUN_DIGIT = re.compile(r"([0-9]+)(?![0-9\w])")


def _level_at(folded: str, start: int, *, in_run: bool = False) -> tuple[int, int] | None:
    """The level that starts at `start` (a digit or a word) and where it ends; None if there is
    none; _Unclear if it is there but not one level of the rubric ("3-4", "5", "maybe 3"). In a
    run of levels ("4-3-3-2-4") a dash or comma separates levels; after a goal it is a range."""
    if _HEDGES.match(folded, start):
        raise _Unclear
    digit = (_RUN_DIGIT if in_run else _DIGIT).match(folded, start)
    if digit:
        end = digit.end()
        if not digit.group(1).isdigit() or not 1 <= int(digit.group(1)) <= 4:
            raise _Unclear  # "5", "0", "3.5"
        out_of = _OUT_OF_FOUR.match(folded, end)
        if out_of:
            end = out_of.end()
        elif not in_run and _RANGE_AFTER.match(folded, end):
            raise _Unclear  # "3-4", "3 or 4", "3/4"... said as a range
        if _HEDGES.match(folded, end) or re.match(r"[ \t]*\?", folded[end:]):
            raise _Unclear
        return int(digit.group(1)), end
    for level, pattern in _LEVEL_WORD.items():
        found = pattern.match(folded, start)
        if found:
            if re.match(r"[ \t]*(?:/|or|o|ou|oder|to|a)[ \t]+[a-z]", folded[found.end() :]):
                rest = folded[found.end() :]
                if any(p.match(rest.split(None, 1)[-1]) for p in _LEVEL_WORD.values()):
                    raise _Unclear  # "meets or exceeds"
            return level, found.end()
    return None


# --- the three forms -----------------------------------------------------------------------------


def _goal_lines(folded: str) -> tuple[dict[str, int], list[tuple[int, int]]]:
    """Levels named by goal ("Communication: 3"), and the spans of text they took."""
    levels: dict[str, int] = {}
    spans: list[tuple[int, int]] = []
    found = sorted(
        [(m.start(), m.end(), m.lastgroup or "") for m in _GOAL.finditer(folded)]
        + [(m.start(m.lastgroup or 0), m.end(), m.lastgroup or "") for m in _INITIAL.finditer(folded)]
    )
    for start, end, goal in found:
        after = re.compile(_SEPARATOR).match(folded, end)
        at = after.end() if after else end
        said_as_answer = after is not None and bool(re.search(r"[:=\-–—]", folded[end:at]))
        read = _level_at(folded, at) if said_as_answer or folded[end:at].strip() == "" else None
        if read is None:
            if said_as_answer and at < len(folded) and folded[at] != "\n":
                raise _Unclear  # "Communication: she's great" is not a level
            continue  # "her communication grew": prose, not an answer
        level, stop = read
        line_end = folded.find("\n", stop)
        if _HEDGES.search(folded[stop : line_end if line_end >= 0 else len(folded)]):
            raise _Unclear  # "Communication: 4 maybe 3", "QR: 3, I think"
        if levels.get(goal, level) != level:
            raise _Unclear  # two levels for one goal
        levels[goal] = level
        spans.append((start, stop))
    return levels, spans


def _run(folded: str, start: int) -> tuple[list[int], int]:
    """Levels in a row from `start` (numbers or words, any separators, one a line) and their end."""
    found: list[int] = []
    at = start
    joiner = re.compile(r"(?:[ \t\n,;/|\-–—.]|and |y |et |und |e )*")
    while True:
        gap = joiner.match(folded, at)
        nxt = gap.end() if gap and found else at
        compact = re.compile(r"([1-4]{5})(?![0-9\w])").match(folded, nxt)
        if compact and not found:
            return [int(c) for c in compact.group(1)], compact.end()
        read = _level_at(folded, nxt, in_run=True)
        if read is None:
            return found, at
        found.append(read[0])
        at = read[1]


def _numbered(lines: list[str]) -> tuple[list[int], str] | None:
    """A numbered list: "1. 4", "2) 3", ... in order; the text after the levels is kept."""
    found: list[int] = []
    rest: list[str] = []
    for line in lines:
        match = _NUMBERED.match(line)
        if match is None or int(match.group(1)) != len(found) + 1:
            break
        if not 1 <= int(match.group(2)) <= 4:
            raise _Unclear
        found.append(int(match.group(2)))
        rest.append(match.group(3))
    return (found, " ".join(r for r in rest if r.strip())) if len(found) >= 2 else None


def _all_at_once(folded: str, start: int) -> tuple[int, int] | None:
    match = re.compile(rf"(?:{_ALL})[ \t]+(?:the[ \t]+)?").match(folded, start)
    if not match:
        return None
    plural = re.compile(r"([1-4])'?s(?![\w])").match(folded, match.end())
    if plural:
        return int(plural.group(1)), plural.end()
    read = _level_at(folded, match.end())
    return read


# --- the whole reply -----------------------------------------------------------------------------


def _split_recommendation(body: str, folded: str) -> tuple[str, str, str]:
    marker = _MARKER.search(folded)
    if marker is None:
        return body, folded, ""
    return body[: marker.start()], folded[: marker.start()], comments(body[marker.end() :])


def _start(folded: str) -> int:
    start = len(folded) - len(folded.lstrip())
    greeting = _GREETING.match(folded, start)
    if greeting:
        start = greeting.end()
    return start + len(folded[start:]) - len(folded[start:].lstrip())


def _unquoted(text: str) -> str:
    return "\n".join(line for line in text[:MAX_CHARS].splitlines() if not line.lstrip().startswith(">")).strip()


def _cut(body: str, spans: list[tuple[int, int]]) -> str:
    kept, at = [], 0
    for start, end in sorted(spans):
        kept.append(body[at:start])
        at = max(at, end)
    kept.append(body[at:])
    return re.sub(r"^[\s,.;:\-–—]+", "", re.sub(r"[ \t]*\n[ \t,.;:\-–—]*\n", "\n", "".join(kept)))


def _answer(body: str, folded: str, asked: Sequence[str]) -> tuple[dict[str, int], str]:
    """The levels read and the comment; _Unclear if any part cannot be read for sure."""
    levels, spans = _goal_lines(folded)
    if levels:
        return levels, comments(_cut(body, spans))
    start = _start(folded)
    numbered = _numbered(folded[start:].splitlines())
    if numbered is not None:
        values, _ = numbered
        if len(values) != len(asked):
            raise _Unclear
        consumed = sum(len(line) + 1 for line in folded[start:].splitlines()[: len(values)])
        return dict(zip(asked, values, strict=True)), comments(body[start + consumed :])
    every = _all_at_once(folded, start)
    if every is not None:
        return dict.fromkeys(asked, every[0]), comments(body[every[1] :])
    values, end, line = [], start, start
    for line in _lines_from(folded, start)[:6]:
        values, end = _run(folded, line)
        if values:
            break
    if not values:
        return {}, comments(body[start:])
    before = comments(body[start:line])
    if len(values) != len(asked):
        raise _Unclear  # "4 3 3": which goals? Asked again, not guessed
    line_end = folded.find("\n", end)
    if _HEDGES.search(folded[end : line_end if line_end >= 0 else len(folded)]):
        raise _Unclear  # "4 3 3 2 4, not sure about the last one"
    after = comments(body[end:])
    return dict(zip(asked, values, strict=True)), "\n".join(part for part in (before, after) if part)


def _lines_from(folded: str, start: int) -> list[int]:
    """Where each line from `start` begins."""
    starts = [start] + [m.end() for m in re.finditer("\n", folded) if m.end() > start]
    return [at + len(folded[at:]) - len(folded[at:].lstrip(" \t")) for at in starts]


def read(text: str, asked: Sequence[str] = GOALS) -> EvaluationReading:
    """The levels, comment and recommendation of a reply's new text, for the goals `asked`."""
    body = _unquoted(text)
    folded = _fold(body)
    body, folded, recommendation = _split_recommendation(body, folded)
    try:
        levels, comment = _answer(body, folded, asked)
    except _Unclear:
        return EvaluationReading("unclear", comment=comments(body), recommendation=recommendation)
    levels = {goal: level for goal, level in levels.items() if goal in asked}
    if not levels:
        return EvaluationReading("unclear", comment=comment, recommendation=recommendation)
    status: Status = "complete" if set(levels) == set(asked) else "partial"
    return EvaluationReading(status, levels, comment, recommendation)


# --- the student's rating, by SMS ----------------------------------------------------------------

_RATING = re.compile(r"^\W*?([0-9]+)(?:[ \t]*(?:/|out of|de|sur|von)[ \t]*5)?(?![0-9])[\s,.:;!\-–—)]*(.*)$", re.S)
_RATING_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "uno": 1, "dos": 2, "tres": 3}
_RATING_WORDS |= {"cuatro": 4, "cinco": 5}


def read_rating(text: str) -> tuple[int, str] | None:
    """A student's 1-5 rating and comment ("5 loved it", "4/5 - busy", "⭐⭐⭐⭐ great"); None if
    there is no one rating from 1 to 5 at the start ("4 or 5", "10", "it was fine")."""
    text = " ".join(text.split())[:MAX_CHARS]
    stars = len(text) - len(text.lstrip("⭐★*"))
    if stars:
        return (stars, text[stars:].strip(" ,.-")) if 1 <= stars <= 5 else None
    match = _RATING.match(text)
    if match is None:
        word = re.match(r"^(\w+)\b[\s,.:;!\-]*(.*)$", _fold(text))
        if word and word.group(1) in _RATING_WORDS:
            return _RATING_WORDS[word.group(1)], text[len(text) - len(word.group(2)) :].strip()
        return None
    value, rest = int(match.group(1)), match.group(2)
    said_after = text[match.end(1) :]
    if not 1 <= value <= 5 or (
        re.match(r"\s*(?:or|o|ou|-|–|to|a|/)\s*[0-9]", said_after) and not re.match(r"\s*/\s*5(?![0-9])", said_after)
    ):
        return None
    if _HEDGES.match(_fold(rest)):
        return None
    return value, rest.strip()
