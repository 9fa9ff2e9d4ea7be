"""The lines of an email body as `reply_text` reads them: each classified once (blank, quoted,
a drawn rule, a header field such as "From:"), with the limits that bound the work."""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_CHARS = 100_000
MAX_LINES = 5_000
MAX_LINE_CHARS = 2_000

# --- lines ---------------------------------------------------------------------------------

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
class Line:
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


def read_line(raw: str) -> Line:
    clean = _clean(raw)
    blank = not clean if len(raw) <= MAX_LINE_CHARS else not raw.strip()
    start = raw[:64].lstrip(" \t")
    quote = start.startswith(">") or _INITIALS_QUOTE.match(start) is not None
    rule = bool(clean) and all(c in _RULE_CHARS or c.isspace() for c in clean)
    return Line(raw, clean, blank, quote, rule, field_kind(clean) if clean and not quote else None)


def read_lines(text: str) -> list[Line]:
    raws = text[:MAX_CHARS].replace("\r\n", "\n").replace("\r", "\n").split("\n", MAX_LINES)[:MAX_LINES]
    return [read_line(raw) for raw in raws]


def unquote(line: Line) -> Line:
    return read_line(line.clean.lstrip("> \t"))


# --- header field names ("From:", "Sent:", ...) -------------------------------------------------

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


def field_kind(clean: str) -> str | None:
    """The kind of header field ("from", "date", "to", ...) a cleaned line such as "*From:* Jane" is."""
    head = clean.lstrip("*_ ")[:30]
    colon = min((i for i in (head.find(":"), head.find("：")) if i > 0), default=-1)
    if colon < 0:
        return None
    name = head[:colon].strip("*_ ").lower()
    return _FIELD_KINDS.get(name)
