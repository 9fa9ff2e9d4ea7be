"""Turn a stored email row into the bytes that go on the wire (RFC 5322, MIME).

Written out directly rather than through the `email` package's message objects, which cost more
per message than the rest of delivery put together: bodies are UTF-8 quoted-printable (short
lines, any text), lines end in CRLF, and headers with non-ASCII text are RFC 2047 encoded.
"""

from __future__ import annotations

import binascii
import hashlib
from email.header import Header
from email.utils import format_datetime, formataddr, parseaddr
from functools import lru_cache

from messaging.outbound.transports import Outgoing

CRLF = "\r\n"


def _qp(text: str) -> str:
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    encoded = binascii.b2a_qp(normalised.encode("utf-8"), istext=True).decode("ascii")
    return encoded.replace("\n", CRLF)


def _encoded(value: str) -> str:
    return value if value.isascii() else Header(value, "utf-8").encode().replace("\n", CRLF)


@lru_cache(maxsize=256)
def _address(value: str) -> str:
    name, address = parseaddr(value)
    if not name:
        return address
    return formataddr((name, address), charset="utf-8")


def _part(body: str, subtype: str) -> str:
    return (
        f'Content-Type: text/{subtype}; charset="utf-8"{CRLF}'
        f"Content-Transfer-Encoding: quoted-printable{CRLF}{CRLF}{_qp(body)}{CRLF}"
    )


def build(row: Outgoing) -> bytes:
    headers = [
        f"From: {_address(row.from_address)}",
        f"To: {row.to_address if '<' not in row.to_address else _address(row.to_address)}",
        f"Subject: {_encoded(row.subject or '')}",
        f"Date: {format_datetime(row.created_at)}",
        f"Message-ID: {row.message_id_header or f'<relay.{row.id}@relay.invalid>'}",
    ]
    if row.reply_to:
        headers.append(f"Reply-To: {row.reply_to}")
    if row.references:
        headers += [f"References: {row.references}", f"In-Reply-To: {row.references.split()[-1]}"]
    # RFC 3834: well-behaved auto-responders (out-of-office) stay quiet; Exchange honours the second.
    headers += [
        "Auto-Submitted: auto-generated",
        "X-Auto-Response-Suppress: All",
        f"X-Relay-Message: {row.id}",
        "MIME-Version: 1.0",
    ]
    if row.body_html:
        boundary = "=_relay_" + hashlib.sha1(f"{row.id}{row.message_id_header}".encode()).hexdigest()[:24]
        headers.append(f'Content-Type: multipart/alternative; boundary="{boundary}"')
        body = (
            f"--{boundary}{CRLF}{_part(row.body_text, 'plain')}"
            f"--{boundary}{CRLF}{_part(row.body_html, 'html')}"
            f"--{boundary}--{CRLF}"
        )
        return (CRLF.join(headers) + CRLF + CRLF + body).encode("utf-8")
    # ASCII but for a non-ASCII address in To, which is sent only under SMTPUTF8 (RFC 6532)
    return (CRLF.join(headers) + CRLF + _part(row.body_text, "plain")).encode("utf-8")


def envelope_sender(row: Outgoing) -> str:
    return _bare(row.from_address)


@lru_cache(maxsize=256)
def _bare(value: str) -> str:
    return parseaddr(value)[1]
