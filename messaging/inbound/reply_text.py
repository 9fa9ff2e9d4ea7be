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
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

MAX_CHARS = 100_000
MAX_LINES = 5_000
MAX_LINE_CHARS = 2_000
MAX_HEADER_CHARS = 500  # an "On ... wrote:" header joined over its lines
HEADER_MAX_LINES = 6  # lines (blank ones included) an "On ... wrote:" header may span
HEADER_MAX_TEXT_LINES = 4  # non-blank lines it may span
FIELD_BLOCK_LINES = 12  # lines searched for the fields of a "From:/Sent:/To:" block


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


# --- line helpers ---------------------------------------------------------------------------

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u202a\u202b\u202c\u202d\u202e"))
_INVISIBLE[0xA0] = " "
_RULE_CHARS = frozenset("-_=*~#+.•·—–|ᐧ")  # ᐧ: left by mail-tracking extensions
_INITIALS_QUOTE = re.compile(r"[A-Z]{1,2}>")  # supercite-style "JD> quoted text"


def _clean(line: str) -> str:
    """The line as patterns see it: invisible marks dropped, blanks stripped; "" if too long."""
    if len(line) > MAX_LINE_CHARS:
        return ""
    return line.translate(_INVISIBLE).strip()


@dataclass(frozen=True, slots=True)
class _Line:
    """One line and what is known of it, worked out once."""

    raw: str
    clean: str  # see _clean
    blank: bool
    quote: bool  # "> quoted" (or supercite "JD> quoted")
    rule: bool  # drawn with punctuation only: "-----", "____", "***"
    field: str | None  # "from", "date", "to", ... for a header field line such as "*From:* Jane"

    @property
    def text(self) -> bool:
        """Something a person wrote: not blank, not quoted, not a drawn rule."""
        return not (self.blank or self.quote or self.rule)


def _line(raw: str) -> _Line:
    clean = _clean(raw)
    blank = not clean if len(raw) <= MAX_LINE_CHARS else not raw.strip()
    start = raw[:64].lstrip(" \t")
    quote = start.startswith(">") or _INITIALS_QUOTE.match(start) is not None
    rule = bool(clean) and all(c in _RULE_CHARS or c.isspace() for c in clean)
    return _Line(raw, clean, blank, quote, rule, _field_kind(clean) if clean and not quote else None)


def _lines(text: str) -> list[_Line]:
    raws = text[:MAX_CHARS].replace("\r\n", "\n").replace("\r", "\n").split("\n", MAX_LINES)[:MAX_LINES]
    return [_line(raw) for raw in raws]


def _unquote(line: _Line) -> _Line:
    return _line(line.clean.lstrip("> \t"))


# --- Relay's marker ---------------------------------------------------------------------------

MARKER_PHRASES = (
    "please type your reply above this line",
    "escriba su respuesta encima de esta línea",
    "veuillez répondre au-dessus de cette ligne",
    "bitte oberhalb dieser zeile antworten",
    "responda acima desta linha",
)


def _is_marker(line: _Line) -> bool:
    content = line.clean.lstrip("> \t").strip("*_ ")
    if content.startswith("##-"):
        return True
    lowered = content.strip("#- ").lower()
    return lowered in MARKER_PHRASES


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


def _attribution_end(lines: Sequence[_Line], start: int) -> int:
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
        if unquoted and _could_start_attribution(unquoted) and _attribution_end([_line(unquoted)], 0):
            return 0  # the header starts on that later line
        if not unquoted.strip() or _first_word(unquoted) in _LEADING_WORDS:
            return 0  # "On this day ... / On 28 Jan 2016, X wrote:": the later line starts one
        joined = f"{joined} {following}"
        text_lines += 1
        if len(joined) > MAX_HEADER_CHARS:
            return 0


# --- "From: / Sent: / To: / Subject:" blocks ---------------------------------------------------

_FIELD_KINDS: dict[str, str] = {}
for _kind, _names in {
    "from": "from de von da från fra van od от від 发件人 寄件者 差出人",
    "date": "sent date datum gesendet envoyé enviado enviada inviato data fecha skickat sendt verzonden "
    "verstuurd wysłano отправлено дата надіслано 发送时间 日期 寄件日期 送信日時 päivämäärä",
    "to": "to an à a para till til aan do кому 收件人 收件者 宛先",
    "cc": "cc kopie cópia копия 抄送 副本",
    "subject": "subject betreff objet asunto assunto oggetto ämne emne onderwerp temat тема 主题 主旨 件名 aihe",
    "reply-to": "reply-to antwort répondre risposta responder",
}.items():
    for _name in _names.split():
        _FIELD_KINDS[_name] = _kind
_FIELD_KINDS["antwort an"] = _FIELD_KINDS["répondre à"] = _FIELD_KINDS["responder a"] = "reply-to"
for _name in ("sent at", "enviado el", "enviada em", "enviado em", "envoyé le", "gesendet am", "inviato il"):
    _FIELD_KINDS[_name] = "date"


def _field_kind(clean: str) -> str | None:
    """The kind of header field ("from", "date", "to", ...) a cleaned line such as "*From:* Jane" is."""
    head = clean.lstrip("*_ ")[:30]
    colon = min((i for i in (head.find(":"), head.find("：")) if i > 0), default=-1)
    if colon < 0:
        return None
    name = head[:colon].strip("*_ ").lower()
    return _FIELD_KINDS.get(name)


def _field_block_end(lines: Sequence[_Line], start: int) -> int:
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


def _is_banner(line: _Line) -> bool:
    """A banner such as "-----Original Message-----" or "Begin forwarded message:"."""
    stripped = line.clean.strip("*_ ")
    if not stripped or len(stripped) > 120:
        return False
    phrase = stripped.strip("-=~ ").rstrip(":： ").strip().lower()
    return phrase in _BANNERS


def _is_separator(line: _Line) -> bool:
    """Outlook's rule above the original ("________________________________")."""
    return len(line.clean) >= 8 and not line.clean.strip("_")


# --- the cut ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Boundary:
    start: int
    end: int
    attribution: bool  # an "On ... wrote:" line (may introduce an inline reply)


def _boundary_at(lines: Sequence[_Line], index: int) -> _Boundary | None:
    line = lines[index]
    if line.blank or line.quote or not line.clean:
        return None
    if _is_separator(line) or _is_banner(line):
        return _Boundary(index, index + 1, attribution=False)
    end = _field_block_end(lines, index)
    if end:
        return _Boundary(index, end, attribution=False)
    end = _attribution_end(lines, index)
    if end:
        return _Boundary(index, end, attribution=True)
    return None


def _next_boundary(lines: Sequence[_Line], start: int) -> _Boundary | None:
    for index in range(start, len(lines)):
        boundary = _boundary_at(lines, index)
        if boundary is not None:
            return boundary
    return None


def _skip_quote(lines: Sequence[_Line], index: int) -> int:
    """The index after the quoted lines (and blank lines) starting at `index`."""
    while index < len(lines) and (lines[index].blank or lines[index].quote):
        index += 1
    return index


def _is_inline_reply(lines: Sequence[_Line], header_end: int) -> bool:
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
    return line.text and not _is_signature_start(line) and _boundary_at(lines, index) is None


def _strip_trailing(lines: list[_Line]) -> list[_Line]:
    """Drops trailing blank lines, drawn rules and quoted lines (the original, quoted).

    A reply that is nothing but a quote is kept as it is, unless the quote opens with a quote
    header (then it is a quoted email and nothing new was written).
    """
    end = len(lines)
    while end and (lines[end - 1].blank or lines[end - 1].quote or lines[end - 1].rule):
        end -= 1
    if any(line.text for line in lines[:end]):
        return lines[:end]
    quoted = [_unquote(line) for line in lines[: FIELD_BLOCK_LINES * 2] if not line.blank]
    if quoted and (_attribution_end(quoted, 0) or _field_block_end(quoted, 0)):
        return []
    end = len(lines)
    while end and lines[end - 1].blank:
        end -= 1
    return lines[:end]


def _above_quote(lines: Sequence[_Line]) -> tuple[list[_Line], bool]:
    """The lines a person wrote before the quoted original, and whether a quote was found."""
    kept: list[_Line] = []
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

_DEVICE_LINE = re.compile(
    r"(?:"
    r"sent (?:from|with|via|using|by|on) "
    r"|(?:typed|written) on (?:my|a) "
    r"|from my (?:iphone|ipad|ipod|android|phone|mobile|cell|smartphone|tablet|samsung|galaxy|blackberry|pixel)"
    r"|(?:get|download|obtener|obtenir|obter o|obter|baixar o|baixe o) outlook (?:for|para|pour) "
    r"|outlook (?:für|for) (?:ios|android)\b"
    r"|envoy[ée] (?:depuis|de|avec|à partir de|via) "
    r"|enviad[oa] (?:desde|de|do|da|con|com|pelo|pela|a través de|a partir do) "
    r"|von meine[mr]? \S.{0,60}gesendet"
    r"|gesendet (?:von|vom|mit|aus|über) "
    r"|diese nachricht wurde von meinem .{0,80}gesendet"
    r"|(?:verzonden|verstuurd) (?:met|vanaf|van|via) "
    r"|inviato (?:da|dal|dalla|con|tramite) "
    r"|(?:sendt|skickat|skickad|skickades) (?:fra|från|med|via) "
    r"|lähetetty "
    r"|wysłane (?:z|ze|przy|za pomocą) "
    r"|odesláno z "
    r"|отправлено (?:с|из|со) "
    r"|надіслано (?:з|із|зі) "
    r"|從我的 |发自我的|發自我的|来自我的|來自我的"
    r")",
    re.IGNORECASE,
)
_FROM_MOBILE = re.compile(
    r"(?:\w+ ){0,2}from (?:my |a )?(?:mobile|phone|cell|iphone|ipad|android|tablet)(?: device| phone)?\.?",
    re.IGNORECASE,
)
_DEVICE_SUFFIX = ("から送信", "에서 보냄", "'umdan gönderildi", "’umdan gönderildi")


def _is_device_line(line: _Line) -> bool:
    """A device line: "Sent from my iPhone" and its many relatives, in several languages."""
    if not line.clean or len(line.clean) > 200:
        return False
    words = [w for w in line.clean.split() if "://" not in w and not w.startswith("<")]
    if len(words) > 12 or any(":" in w for w in words):
        return False  # a sentence that mentions a phone ("Sent from my phone: she was here")
    core = line.clean.replace("[", "").replace("]", "").strip("()<>*_ ").lower()
    return (
        _DEVICE_LINE.match(core) is not None
        or _FROM_MOBILE.fullmatch(core) is not None
        or core.endswith(_DEVICE_SUFFIX)
    )


def _is_signature_start(line: _Line) -> bool:
    return line.raw.rstrip() == "--" or _is_device_line(line)


def _without_signature(lines: list[_Line]) -> list[_Line]:
    for index, line in enumerate(lines):
        if not line.quote and _is_signature_start(line):
            return _strip_trailing(lines[:index])
    return lines


# --- entry point ------------------------------------------------------------------------------


def _join(lines: Sequence[_Line]) -> str:
    start, end = 0, len(lines)
    while start < end and lines[start].blank:
        start += 1
    while end > start and lines[end - 1].blank:
        end -= 1
    return "\n".join(line.raw.rstrip() for line in lines[start:end])


def split_reply(text: str) -> Reply:
    """Splits the plain text of an email body into the new text and the quoted rest."""
    lines = _lines(text)
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
