"""The new text of an email reply: what the person wrote above the quoted original.

`split_reply` cuts, in this order:

1. at Relay's own "##- Please type your reply above this line -##" marker (any language, quoted
   or not); when nothing was written above it and it is quoted, the reply is read below the quote
   (bottom posting);
2. at the first quote header above the original: "On ... wrote:" in many languages and wrapped
   over up to five lines, Outlook's "From:/Sent:/To:/Subject:" blocks (localised, bold or not),
   "-----Original Message-----" and forwarding banners, Outlook's "_____" rule;
3. at a trailing run of ">"-quoted lines.

A header at the very top (nothing written above it) means the reply is below the quote. Quoted
lines followed by new text are kept, as in an inline reply. `Reply.text` then also drops the
signature: a "-- " block or a device line ("Sent from my iPhone", "Get Outlook for iOS",
"Enviado desde mi iPhone", ...) and everything after it.

Work is bounded: at most `MAX_CHARS` characters in `MAX_LINES` lines are read, lines longer than
`MAX_LINE_CHARS` are never matched against a pattern, and every check looks at one line or a
window of a few lines, with anchored regular expressions that have no nested or overlapping
quantifiers. Each line is classified once; the cut is linear in the number of lines.

The parts: `reply_lines` (lines, classified once, and the limits), `quote_headers` (what opens a
quoted original), `signatures` (where a signature starts); here, the marker and the cut.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from messaging.inbound.reading.quote_headers import (
    FIELD_BLOCK_LINES,
    attribution_end,
    field_block_end,
    is_banner,
    is_separator,
)
from messaging.inbound.reading.reply_lines import Line, read_lines, unquote
from messaging.inbound.reading.signatures import is_signature_start


@dataclass(frozen=True)
class Reply:
    """The new text of a reply.

    `text` has the signature and device lines removed; `with_signature` is everything the person
    wrote above the quote. `quoted` says a quote, quote header or marker was found and cut;
    `marker` says Relay's own marker line was found.
    """

    text: str
    with_signature: str
    quoted: bool
    marker: bool


# --- Relay's marker ---------------------------------------------------------------------------

MARKER_PHRASES = (
    "please type your reply above this line",
    "escriba su respuesta encima de esta línea",
    "veuillez répondre au-dessus de cette ligne",
    "bitte oberhalb dieser zeile antworten",
    "responda acima desta linha",
)


def _is_marker(line: Line) -> bool:
    content = line.clean.lstrip("> \t").strip("*_ ")
    if content.startswith("##-"):
        return True
    lowered = content.strip("#- ").lower()
    return lowered in MARKER_PHRASES


# --- the cut ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Boundary:
    start: int
    end: int
    attribution: bool  # an "On ... wrote:" line (may introduce an inline reply)


def _boundary_at(lines: Sequence[Line], index: int) -> _Boundary | None:
    line = lines[index]
    if line.blank or line.quote or not line.clean:
        return None
    if is_separator(line) or is_banner(line):
        return _Boundary(index, index + 1, attribution=False)
    end = field_block_end(lines, index)
    if end:
        return _Boundary(index, end, attribution=False)
    end = attribution_end(lines, index)
    if end:
        return _Boundary(index, end, attribution=True)
    return None


def _next_boundary(lines: Sequence[Line], start: int) -> _Boundary | None:
    for index in range(start, len(lines)):
        boundary = _boundary_at(lines, index)
        if boundary is not None:
            return boundary
    return None


def _skip_quote(lines: Sequence[Line], index: int) -> int:
    """The index after the quoted lines (and blank lines) starting at `index`."""
    while index < len(lines) and (lines[index].blank or lines[index].quote):
        index += 1
    return index


def _is_inline_reply(lines: Sequence[Line], header_end: int) -> bool:
    """A header followed by a quote and then by new text: the person answered between quotes."""
    index = header_end
    while index < len(lines) and lines[index].blank:
        index += 1
    if index >= len(lines) or not lines[index].quote:
        return False
    index = _skip_quote(lines, index)
    if index >= len(lines):
        return False
    line = lines[index]
    return line.text and not is_signature_start(line) and _boundary_at(lines, index) is None


def _strip_trailing(lines: list[Line]) -> list[Line]:
    """Drops trailing blank lines, drawn rules and quoted lines (the original, quoted).

    A reply that is nothing but a quote is kept as it is, unless the quote opens with a quote
    header (then it is a quoted email and nothing new was written).
    """
    end = len(lines)
    while end and (lines[end - 1].blank or lines[end - 1].quote or lines[end - 1].rule):
        end -= 1
    if any(line.text for line in lines[:end]):
        return lines[:end]
    quoted = [unquote(line) for line in lines[: FIELD_BLOCK_LINES * 2] if not line.blank]
    if quoted and (attribution_end(quoted, 0) or field_block_end(quoted, 0)):
        return []
    end = len(lines)
    while end and lines[end - 1].blank:
        end -= 1
    return lines[:end]


def _above_quote(lines: Sequence[Line]) -> tuple[list[Line], bool]:
    """The lines a person wrote before the quoted original, and whether a quote was found."""
    kept: list[Line] = []
    has_text = False
    found = False
    position = 0
    while position < len(lines):
        boundary = _next_boundary(lines, position)
        segment = lines[position : boundary.start if boundary else len(lines)]
        kept += segment
        if boundary is None:
            break
        found = True
        has_text = has_text or any(line.text for line in segment)
        if has_text:
            if boundary.attribution and _is_inline_reply(lines, boundary.end):
                position = boundary.end
                continue
            break
        kept = []  # nothing written above the header: the reply, if any, is below the quote
        position = _skip_quote(lines, boundary.end)
    stripped = _strip_trailing(kept)
    return stripped, found or any(line.quote for line in kept[len(stripped) :])


# --- signatures -------------------------------------------------------------------------------


def _without_signature(lines: list[Line]) -> list[Line]:
    for index, line in enumerate(lines):
        if not line.quote and is_signature_start(line):
            return _strip_trailing(lines[:index])
    return lines


# --- entry point ------------------------------------------------------------------------------


def _join(lines: Sequence[Line]) -> str:
    start, end = 0, len(lines)
    while start < end and lines[start].blank:
        start += 1
    while end > start and lines[end - 1].blank:
        end -= 1
    return "\n".join(line.raw.rstrip() for line in lines[start:end])


def split_reply(text: str) -> Reply:
    """Splits the plain text of an email body into the new text and the quoted rest."""
    lines = read_lines(text)
    marker = next((i for i, line in enumerate(lines) if _is_marker(line)), None)
    if marker is None:
        kept, quoted = _above_quote(lines)
    else:
        kept, quoted = _above_quote(lines[:marker])
        quoted = True
        if not any(line.text for line in kept) and lines[marker].quote:
            kept, _ = _above_quote(lines[_skip_quote(lines, marker) :])  # bottom posting
    return Reply(
        text=_join(_without_signature(kept)),
        with_signature=_join(kept),
        quoted=quoted,
        marker=marker is not None,
    )
