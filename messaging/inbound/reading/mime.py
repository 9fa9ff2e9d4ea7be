"""Reading an email robustly: any bytes in, a `ParsedEmail` out, never an exception.

Headers are decoded (RFC 2047) leniently; the body is the first inline text/plain part, or the
first text/html part turned into text with its quote cut (`html_text.reply_html_to_text`);
attachments are ignored. A message declared multipart that has no parts (the body straight after
the headers) is read as one text part, or by the boundary its body really uses. A Gmail emoji
reaction (its `text/vnd.google.email-reaction+json` part) is read as its emoji alone. Each part is decoded by its
transfer encoding (quoted-printable, base64) and then by its declared charset, falling back to
UTF-8, windows-1252 and latin-1 (which cannot fail). Work is bounded: at most `MAX_PARTS` parts
are looked at and at most `MAX_TEXT_CHARS` characters of body are kept.
"""

from __future__ import annotations

import email
import json
import re
from dataclasses import dataclass, field
from email.header import decode_header, make_header
from email.message import Message
from email.policy import compat32
from email.utils import getaddresses, parseaddr

from messaging.inbound.reading.html_text import reply_html_to_text

MAX_PARTS = 200
MAX_TEXT_CHARS = 200_000
MAX_HEADER_CHARS = 10_000
FALLBACK_CHARSETS = ("utf-8", "windows-1252", "latin-1")
_MESSAGE_ID = re.compile(r"<([^<>\s]{1,250})>")


@dataclass(frozen=True)
class DeliveryReport:
    """What a bounce (RFC 3464 DSN, or a non-standard one) says failed."""

    failed_recipients: list[str]
    status: str | None  # e.g. "5.1.1"
    diagnostic: str | None
    original_message_id: str | None

    @property
    def permanent(self) -> bool:
        return self.status is None or self.status.startswith("5")


@dataclass(frozen=True)
class ParsedEmail:
    message_id: str | None
    from_address: str
    from_name: str
    subject: str
    to: list[str]
    cc: list[str]
    delivered_to: list[str]
    in_reply_to: list[str]
    references: list[str]
    text: str
    html: str | None
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)
    report: DeliveryReport | None = None
    defects: int = 0
    hops: int = 0  # Received: headers, for spotting mail loops
    reaction: str | None = None  # a Gmail emoji reaction's emoji (then `text` is that emoji alone)

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")

    @property
    def thread_ids(self) -> list[str]:
        """Message-IDs this email answers, most specific first."""
        return list(dict.fromkeys(self.in_reply_to + list(reversed(self.references))))


def decode_bytes(data: bytes, declared: str | None) -> str:
    for charset in ((declared,) if declared else ()) + FALLBACK_CHARSETS:
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("latin-1")  # unreachable: latin-1 decodes any byte


def _header_text(value: object) -> str:
    if value is None:
        return ""
    text = str(value)[:MAX_HEADER_CHARS]
    try:
        decoded = str(make_header(decode_header(text)))
    except Exception:  # malformed encoded-words: keep the raw header
        decoded = text
    return " ".join(decoded.split())


def _addresses(message: Message, name: str) -> list[str]:
    values = [_header_text(v) for v in (message.get_all(name) or [])]
    try:
        pairs = getaddresses(values)
    except Exception:
        return []
    return [addr.strip().lower() for _, addr in pairs if "@" in addr]


def _message_ids(value: str) -> list[str]:
    return _MESSAGE_ID.findall(value)[:50]


def _part_text(part: Message) -> str:
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        payload = None
    if not isinstance(payload, bytes):
        raw = part.get_payload()
        return raw if isinstance(raw, str) else ""
    return decode_bytes(payload, part.get_content_charset())


def _is_attachment(part: Message) -> bool:
    disposition = str(part.get("Content-Disposition", "")).split(";")[0].strip().lower()
    return disposition == "attachment" or bool(part.get_filename())


_BOUNDARY_LINE = re.compile(r"^--([^\s]{1,200})[ \t]*\r?$", re.MULTILINE)
_LOOKS_HTML = re.compile(r"<(?:html|body|div|p|br|table|span)\b", re.IGNORECASE)


def _partless(message: Message) -> Message | None:
    """A message declared multipart whose body has no parts (no boundary, or not the declared
    one), as a message a reader can take the body of: its real parts when the body opens with a
    boundary line of its own, else one text part (HTML when it looks like HTML)."""
    if message.get_content_maintype() != "multipart" or message.is_multipart():
        return None
    try:
        payload = message.get_payload(decode=True)
    except Exception:
        payload = None
    data = payload if isinstance(payload, bytes) else b""
    body = decode_bytes(data[: MAX_TEXT_CHARS * 4], message.get_content_charset())[:MAX_TEXT_CHARS]
    found = _BOUNDARY_LINE.search(body[:5_000])
    if found:
        subtype = message.get_content_subtype()
        head = f'Content-Type: multipart/{subtype}; boundary="{found.group(1)}"\r\n\r\n'.encode("ascii", "replace")
        reparsed = email.message_from_bytes(head + data[: MAX_TEXT_CHARS * 4], policy=compat32)
        if reparsed.is_multipart():
            return reparsed
    kind = "html" if _LOOKS_HTML.search(body[:5_000]) else "plain"
    part = Message()
    part.set_payload(body, "utf-8")
    part.set_type(f"text/{kind}")
    return part


REACTION_TYPE = "text/vnd.google.email-reaction+json"
MAX_REACTION_CHARS = 16


def _reaction(part: Message) -> str | None:
    """The emoji of a Gmail reaction part ({"emoji": "👍", "version": 1}), or None."""
    try:
        data = json.loads(_part_text(part)[:2_000])
    except ValueError:
        return None
    emoji = data.get("emoji") if isinstance(data, dict) else None
    return emoji.strip() if isinstance(emoji, str) and 0 < len(emoji.strip()) <= MAX_REACTION_CHARS else None


def _bodies(message: Message) -> tuple[str | None, str | None]:
    plain: str | None = None
    html: str | None = None
    message = _partless(message) or message
    for seen, part in enumerate(message.walk()):
        if seen >= MAX_PARTS:
            break
        if part.is_multipart() or _is_attachment(part):
            continue
        kind = part.get_content_type()
        if kind == "text/plain" and plain is None:
            plain = _part_text(part)[:MAX_TEXT_CHARS]
        elif kind == "text/html" and html is None:
            html = _part_text(part)[:MAX_TEXT_CHARS]
        if plain is not None and html is not None:
            break
    return plain, html


_FAILED_LINE = re.compile(r"^\s*<?([^<>\s:@]+@[^<>\s:@]+\.[^<>\s:@]+)>?:\s*$", re.MULTILINE)
_SMTP_CODE = re.compile(r"(?<![\d.])([45])\d\d(?:[ :-]|$)", re.MULTILINE)
DAEMON_LOCALS = ("mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon")


def _plain_bounce(message: Message, raw_headers: dict[str, str]) -> DeliveryReport | None:
    """A bounce without a delivery-status part (qmail, Yahoo): "<address>:" lines and an SMTP code
    in the text before the copy of the message."""
    sender = parseaddr(raw_headers.get("from", ""))[1].lower()
    if not sender.startswith(DAEMON_LOCALS):
        return None
    plain, _ = _bodies(message)
    head = (plain or "")[:5000]
    failed = [a.lower() for a in _FAILED_LINE.findall(head)]
    if not failed:
        return None
    code = _SMTP_CODE.search(head)
    status = f"{code.group(1)}.0.0" if code else None
    return DeliveryReport(
        list(dict.fromkeys(failed)), status, head.strip().splitlines()[0][:500] if head else None, None
    )


def _report(message: Message, raw_headers: dict[str, str]) -> DeliveryReport | None:
    failed = [a.strip().lower() for a in raw_headers.get("x-failed-recipients", "").split(",") if "@" in a]
    status = diagnostic = original = None
    is_report = message.get_content_type() == "multipart/report"
    for seen, part in enumerate(message.walk()):
        if seen >= MAX_PARTS:
            break
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            for field_line in _delivery_status_fields(part):
                key, _, value = field_line.partition(":")
                key, value = key.strip().lower(), value.strip()
                if key == "final-recipient" and "@" in value:
                    failed.append(value.split(";")[-1].strip().lower())
                elif key == "status" and status is None:
                    status = value.split()[0] if value else None
                elif key == "diagnostic-code" and diagnostic is None:
                    diagnostic = value[:500]
        elif kind in ("message/rfc822", "text/rfc822-headers") and original is None:
            original = _original_message_id(part)
    if not is_report and not failed:
        return _plain_bounce(message, raw_headers)
    if not is_report and diagnostic is None:
        status, diagnostic = _server_reply(message)
    return DeliveryReport(list(dict.fromkeys(failed)), status, diagnostic, original)


_SERVER_REPLY = re.compile(r"^[ \t]*(5\d\d)[ -]((?:5\.\d{1,3}\.\d{1,3})?)[^\r\n]{0,300}", re.MULTILINE)


def _server_reply(message: Message) -> tuple[str | None, str | None]:
    """The refusing server's own words in a plain-text bounce with only `X-Failed-Recipients` (as
    Exim writes it): the first "550 5.1.1 User unknown" line before the copy of the message. Only
    permanent (5xx) lines: X-Failed-Recipients is sent when delivery has been given up."""
    plain, _ = _bodies(message)
    found = _SERVER_REPLY.search((plain or "")[:5000])
    if found is None:
        return None, None
    return (found.group(2) or f"{found.group(1)[0]}.0.0"), found.group(0).strip()


def _delivery_status_fields(part: Message) -> list[str]:
    payload = part.get_payload()
    lines: list[str] = []
    if isinstance(payload, list):  # the email package parses each status group as a message
        for group in payload:
            if isinstance(group, Message):
                lines += [f"{k}: {v}" for k, v in group.items()]
    elif isinstance(payload, str):
        lines = payload.splitlines()
    return lines[:200]


def _original_message_id(part: Message) -> str | None:
    payload = part.get_payload()
    if isinstance(payload, list) and payload and isinstance(payload[0], Message):
        ids = _message_ids(str(payload[0].get("Message-ID", "")))
        return ids[0] if ids else None
    text = payload if isinstance(payload, str) else _part_text(part)
    match = re.search(r"^Message-ID:\s*(<[^>\r\n]{1,250}>)", text[:50_000], re.IGNORECASE | re.MULTILINE)
    return _message_ids(match.group(1))[0] if match else None


def _find_reaction(message: Message) -> str | None:
    for seen, part in enumerate(message.walk()):
        if seen >= MAX_PARTS:
            break
        if part.get_content_type() == REACTION_TYPE:
            return _reaction(part)
    return None


def parse(raw: bytes) -> ParsedEmail:
    """Never raises: a message too broken to read still yields what could be read."""
    try:
        message = email.message_from_bytes(raw, policy=compat32)
    except Exception:
        message = Message()
    headers: dict[str, str] = {}
    for key, value in message.items()[:500]:
        headers.setdefault(key.lower(), _header_text(value))
    name, address = parseaddr(headers.get("from", ""))
    plain, html = _bodies(message)
    text = plain if plain is not None and plain.strip() else (reply_html_to_text(html) if html else (plain or ""))
    reaction = _find_reaction(message)
    if reaction is not None:
        text = reaction  # "Jordan reacted via Gmail" and the quote around it are Gmail's, not the person's
    return ParsedEmail(
        message_id=next(iter(_message_ids(headers.get("message-id", ""))), None),
        from_address=address.strip().lower(),
        from_name=name,
        subject=headers.get("subject", ""),
        to=_addresses(message, "To"),
        cc=_addresses(message, "Cc"),
        delivered_to=_addresses(message, "Delivered-To") + _addresses(message, "X-Original-To"),
        in_reply_to=_message_ids(headers.get("in-reply-to", "")),
        references=_message_ids(headers.get("references", "")),
        text=text[:MAX_TEXT_CHARS],
        reaction=reaction,
        html=html,
        content_type=message.get_content_type(),
        headers=headers,
        report=_report(message, headers),
        defects=len(message.defects),
        hops=len(message.get_all("Received") or []),
    )
