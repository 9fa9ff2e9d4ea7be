"""The headers that open a quoted original in a reply: "On ... wrote:" in many languages,
Outlook's "From:/Sent:/To:/Subject:" blocks, "-----Original Message-----" banners and rules."""

from __future__ import annotations

import re
from collections.abc import Sequence

from messaging.inbound.reading.reply_lines import Line, read_line

MAX_HEADER_CHARS = 500  # an "On ... wrote:" header joined over its lines
HEADER_MAX_LINES = 6  # lines (blank ones included) an "On ... wrote:" header may span
HEADER_MAX_TEXT_LINES = 4  # non-blank lines it may span
FIELD_BLOCK_LINES = 12  # lines searched for the fields of a "From:/Sent:/To:" block


# --- "On <date>, <someone> wrote:" --------------------------------------------------------------

# First words of a localised attribution line: On/At (en), Le (fr), El (es), Am (de), Em/No (pt),
# Op (nl), Il (it), Den/På (sv, no, da), Dnia/W (pl), Dne (cs), Pada (id), В/У (ru, uk), 在 (zh).
_LEADING_WORDS = frozenset(
    {"on", "at", "le", "el", "am", "em", "no", "op", "il", "den", "på", "dnia", "w", "dne", "pada", "в", "у", "在"}
)
# "Name <someone@example.com>" or '"Name" <...' at the start of a line.
_NAME_THEN_ADDRESS = re.compile(r'(?:"[^"\n]{1,100}" ?|[^<>"@\s][^<>"@\n]{0,100})<[^<>\s]{1,200}@')
_ADDRESS_THEN_SPACE = re.compile(r"[^<>\s@]{1,100}@[^<>\s]{1,200}\s")
_WEEKDAY_THEN_DATE = re.compile(r"\w{2,15}\.?, \d")
_NUMERIC_DATE = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b")
# Verbs that end an attribution, lowercased ("... wrote:", "... a écrit :", "... 写道：").
_ENDING_VERBS = (
    "wrote",
    "writes",
    "a écrit",
    "a ecrit",
    "escribió",
    "escribio",
    "escreveu",
    "schrieb",
    "ha scritto",
    "geschreven",
    "schreef",
    "skrev",
    "skriver",
    "napisał(a)",
    "napisał",
    "napisała",
    "pisze",
    "napsal",
    "написал(а)",
    "написал",
    "написала",
    "написав",
    "пише",
    "写道",
    "寫道",
    "kirjoitti",
    "írta",
    "yazdı",
    "scrise",
)
# Verbs found mid-line: "Am 3.2.2016 schrieb X <x@y>:", "Den 15. jun. 2016 skrev X:".
_MIDDLE_VERBS = (" schrieb ", " skrev ", " schreef ", " escribió ", " a écrit ", " escreveu ", " wrote ")


# A header cut in the middle of its date or time ("On Tue, Mar 4, 2025 at" / "8:02 AM Relay <...>
# wrote:"): it has a year or a time and ends on a number, a connector ("at", "à", "um", "a las",
# "às", "alle", "om", "kl.") or AM/PM, not on a sentence's end.
_DATE_EVIDENCE = re.compile(r"\b(?:1[89]|20)\d\d\b|\d:\d\d")
_OPEN_END = re.compile(r"(?:\d|\b(?:at|à|a las|às|as|um|alle|om|kl\.?|[ap]\.?\s?m\.?))[,\s]*$", re.IGNORECASE)


def _cut_mid_date(joined: str) -> bool:
    """Whether a header's first lines end in the middle of its date (so the next line, even one
    that reads as a header on its own, continues it)."""
    return _DATE_EVIDENCE.search(joined) is not None and _OPEN_END.search(joined[-20:]) is not None


def _first_word(line: str) -> str:
    words = line.split(None, 1)
    return words[0].lower() if words else ""


def _could_start_attribution(line: str) -> bool:
    if not line.strip():
        return False
    return (
        _first_word(line) in _LEADING_WORDS
        or line[0].isdigit()
        or _NAME_THEN_ADDRESS.match(line) is not None
        or _ADDRESS_THEN_SPACE.match(line) is not None
        or _WEEKDAY_THEN_DATE.match(line) is not None
    )


def _is_attribution(joined: str, framed: bool) -> bool:
    """Whether `joined` (one header, its lines joined by spaces) reads as a quote header."""
    lowered = joined.lower()
    evidence = "@" in lowered or any(c.isdigit() for c in lowered)
    if not evidence:
        return False
    if _NUMERIC_DATE.match(lowered) and ("gmt" in lowered or ("<" in lowered and "@" in lowered)):
        return True  # Gmail: "2016-10-24 15:36 GMT+02:00 Name <x@y>:", "2013/7/20 Name <x@y>"
    core = lowered.rstrip(" -")
    colon = core.endswith((":", "："))
    core = core.rstrip(":： ")
    if colon or framed:  # "---- On ... wrote ----" (Zoho) has no colon
        for verb in _ENDING_VERBS:
            if core.endswith(verb) and (len(core) == len(verb) or not core[-len(verb) - 1].isalnum()):
                return True
    if not colon:
        return False
    if any(verb in lowered for verb in _MIDDLE_VERBS):
        return True
    # "26.06.2014, 14:41, "Name" <x@y>:" (Yandex), "Thu, 26 Jun 2014 ... от Name <x@y>:" (Mail.ru)
    return core.endswith(">") and "@" in core and (lowered[0].isdigit() or bool(_WEEKDAY_THEN_DATE.match(lowered)))


def attribution_end(lines: Sequence[Line], start: int) -> int:
    """The index after an attribution header starting at `start`, or 0 if there is none."""
    raw = lines[start].clean
    first = raw.strip("-* ")
    if not first or len(first) > MAX_HEADER_CHARS or not _could_start_attribution(first):
        return 0
    framed = raw.startswith("--") and raw.endswith("--")
    joined = first
    index = start
    text_lines = 1
    while True:
        if _is_attribution(joined, framed):
            return index + 1
        index += 1
        while index < len(lines) and index - start < HEADER_MAX_LINES and lines[index].blank:
            index += 1
        if index >= len(lines) or index - start >= HEADER_MAX_LINES or text_lines >= HEADER_MAX_TEXT_LINES:
            return 0
        if not any(c.isdigit() or c == "@" for c in first):
            return 0  # a header wrapped over lines has its date or address on the first one
        following = lines[index].clean
        if not following:
            return 0
        unquoted = following.lstrip("> ")  # a wrapped "> wrote:" may look quoted
        if (
            unquoted
            and not _cut_mid_date(joined)
            and _could_start_attribution(unquoted)
            and attribution_end([read_line(unquoted)], 0)
        ):
            return 0  # the header starts on that later line
        if not unquoted.strip() or (_first_word(unquoted) in _LEADING_WORDS and not _cut_mid_date(joined)):
            return 0  # "On this day ... / On 28 Jan 2016, X wrote:": the later line starts one
        joined = f"{joined} {following}"
        text_lines += 1
        if len(joined) > MAX_HEADER_CHARS:
            return 0


# --- "From: / Sent: / To: / Subject:" blocks ---------------------------------------------------


def field_block_end(lines: Sequence[Line], start: int) -> int:
    """The index after a block of header fields starting at `start`, or 0 if there is none."""
    kind = lines[start].field
    if kind not in ("from", "date", "subject"):
        return 0
    kinds = {kind}
    end = start + 1
    index = start + 1
    after_field = True  # a field's value may wrap onto one more line
    limit = min(len(lines), start + FIELD_BLOCK_LINES)
    while index < limit:
        line = lines[index]
        if line.blank:
            after_field = False
            index += 1
            continue
        if line.field is not None:
            kinds.add(line.field)
            end = index + 1
            after_field = True
        elif after_field and not line.quote:
            end = index + 1
            after_field = False
        else:
            break
        index += 1
    if len(kinds) >= 3 or (len(kinds) == 2 and "from" in kinds):
        return end
    return 0


# --- banners and rules --------------------------------------------------------------------------

_BANNERS = frozenset(
    {
        "original message",
        "original message follows",
        "forwarded message",
        "forwarded message follows",
        "begin forwarded message",
        "mensaje original",
        "mensaje reenviado",
        "inicio del mensaje reenviado",
        "message d'origine",
        "message d’origine",
        "message transféré",
        "message transmis",
        "début du message réexpédié",
        "début du message transféré",
        "ursprüngliche nachricht",
        "weitergeleitete nachricht",
        "anfang der weitergeleiteten nachricht",
        "mensagem original",
        "mensagem encaminhada",
        "início da mensagem reencaminhada",
        "messaggio originale",
        "messaggio inoltrato",
        "inizio messaggio inoltrato",
        "oorspronkelijk bericht",
        "origineel bericht",
        "doorgestuurd bericht",
        "originalmeddelande",
        "vidarebefordrat meddelande",
        "opprinnelig melding",
        "videresendt melding",
        "oprindelig meddelelse",
        "wiadomość oryginalna",
        "oryginalna wiadomość",
        "wiadomość przekazana",
        "исходное сообщение",
        "оригинальное сообщение",
        "пересылаемое сообщение",
        "вихідне повідомлення",
        "原始邮件",
        "原始郵件",
        "转发的邮件",
    }
)


def is_banner(line: Line) -> bool:
    """A banner such as "-----Original Message-----" or "Begin forwarded message:"."""
    stripped = line.clean.strip("*_ ")
    if not stripped or len(stripped) > 120:
        return False
    phrase = stripped.strip("-=~ ").rstrip(":： ").strip().lower()
    return phrase in _BANNERS


def is_separator(line: Line) -> bool:
    """Outlook's rule above the original ("________________________________")."""
    return len(line.clean) >= 8 and not line.clean.strip("_")
