"""The inbound SMTP server (aiosmtpd): replies and bounces arrive here.

At RCPT only our own addresses are accepted (reply+<token> with a valid signature, bounce+<token>,
and the bare reply address for replies that lost their +token); anything else gets 550, so Relay
never accepts mail it would have to bounce (no backscatter). At DATA the raw message is stored
before 250 is answered; any internal failure answers 451 (try later), never aiosmtpd's permanent
500. Over-size messages get 552 from aiosmtpd itself. STARTTLS is offered when a certificate is set.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import ssl
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import parseaddr
from pathlib import Path
from typing import Any, AnyStr

from aiosmtpd.smtp import SMTP, Envelope, Session

from messaging import addresses, context, tokens
from messaging.inbound.doors import store

log = logging.getLogger(__name__)
HEADER_SCAN_BYTES = 64 * 1024
TEMPORARY_FAILURE = "451 4.3.0 Temporary failure, please try again later"
NOT_UTF8 = "553 5.1.3 That address is not valid UTF-8; please check it and send again"
# RFC 5321 asks for 1,000 characters a line, but real clients send longer ones and aiosmtpd's
# answer to them is a permanent "500 Line too long": accept lines up to this (the message size
# limit still applies).
MAX_LINE = 1_000_000
DATA_LINE_TOO_LONG = "500 Line too long (see RFC5321 4.5.3.1.6)"  # aiosmtpd's words, answered at the end of DATA
MESSAGE_TOO_BIG = "552 5.3.4 Message too big: please send it smaller, or as a link"


# An SMTP path as nearly every client writes it: <dot-atom@dot-atom>, then nothing or parameters
# after a space. aiosmtpd reads paths with the email package's full RFC 5322 parser and defines a
# typing.Protocol class on every call (a class creation per MAIL and per RCPT, a fifth of the SMTP
# server's time under load); such a path is read here directly, anything else by aiosmtpd.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_SIMPLE_PATH = re.compile(rf"<({_ATOM}(?:\.{_ATOM})*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)>(?:[ \t]+([!-'*-~][ -~]*)?)?")


def simple_path(arg: str) -> tuple[str, str] | None:
    """(address, parameters) for a plain `<local@domain> [params]` argument, as aiosmtpd's parser
    would read it; None for anything else (comments, quoting, routes, literals, odd spacing, and
    "=?": aiosmtpd's parser decodes an RFC 2047 encoded word at the start of a local part, so
    `<=?utf-8?q?reply?=@x>` is reply@x to it)."""
    found = _SIMPLE_PATH.fullmatch(arg)
    if found is None or "=?" in found.group(1):
        return None
    return found.group(1), found.group(2) or ""


class RelaySMTP(SMTP):
    line_length_limit = MAX_LINE

    def __init__(self, handler: object, **kwargs: Any) -> None:
        # A line as long as the whole message may be is accepted (a 2 MB line in a 10 MB message
        # used to get "500 Line too long", and the message was lost); DATA already buffers that
        # much. Set before aiosmtpd builds its stream reader, which takes the limit then.
        self.line_length_limit = max(MAX_LINE, (kwargs.get("data_size_limit") or 0) + 2)
        super().__init__(handler, **kwargs)

    async def push(self, status: AnyStr) -> None:
        # A DATA line longer than the line limit is longer than the size limit too: say so, as
        # for any message over it, rather than aiosmtpd's 500.
        if isinstance(status, str) and status == DATA_LINE_TOO_LONG:
            await super().push(MESSAGE_TOO_BIG)
        else:
            await super().push(status)

    def _getaddr(self, arg: str) -> tuple[str | None, str | None]:
        found = simple_path(arg)
        if found is None:
            return super()._getaddr(arg)
        localpart = found[0].rpartition("@")[0]
        if self.local_part_limit and len(localpart) > self.local_part_limit:
            return None, None
        return found


def provider_id(raw: bytes, mail_from: str, recipient: str = "") -> str:
    """Dedupe key: the Message-ID (a retry of the same message has the same one), the sender, so
    that a forged Message-ID from someone else cannot hide a real reply, and the recipient, so
    that the same message to another of our addresses (now or in a later transaction) is its own
    input, acted on too."""
    message_id = _message_id(raw[:HEADER_SCAN_BYTES])
    key = store.clean(message_id) or "sha256:" + hashlib.sha256(raw).hexdigest()
    combined = f"{key}|{store.clean(mail_from).strip().lower()}"
    if recipient:
        combined += f"|{store.clean(recipient).strip().lower()}"
    return combined if len(combined) <= 250 else "sha256:" + hashlib.sha256(combined.encode()).hexdigest()


# A header block of plain header lines (name: value, folded lines, CRLF or LF) ending in a blank
# line, in which one Message-ID line is found by a regular expression; anything else is read by
# the email package's parser, as before (the two agree on what they both read).
_SIMPLE_HEADERS = re.compile(rb"(?:[!-9;-~]+:[^\r\n]*\r?\n(?:[ \t][^\r\n]*\r?\n)*)*\r?\n")
_MESSAGE_ID = re.compile(rb"^message-id:[ \t]*([^\r\n]*)\r?\n([ \t])?", re.IGNORECASE | re.MULTILINE)


def _message_id(head: bytes) -> str:
    block = _SIMPLE_HEADERS.match(head)
    if block is not None:
        found = _MESSAGE_ID.findall(block.group())
        if not found:
            return ""
        [(value, folded)] = found if len(found) == 1 else [(b"", b"more than one")]
        if not folded and value.isascii():
            return value.decode("ascii").strip()
    try:
        headers = BytesHeaderParser(policy=compat32).parsebytes(head, headersonly=True)
        return str(headers.get("Message-ID", "")).strip()
    except Exception:
        return ""


class RelayHandler:
    def __init__(self, *, domain: str, keys: list[str], bare_locals: tuple[str, ...]) -> None:
        self.domain = domain
        self.keys = keys
        self.bare_locals = bare_locals
        self.batcher = store.Batcher(in_flight=store.SMTP_IN_FLIGHT)

    def accepts(self, address: str) -> bool:
        recipient = addresses.read_recipient(address, self.domain, self.bare_locals)
        if recipient is None:
            return False
        if recipient.token is None:
            return True
        try:
            claims = tokens.decode(recipient.token, self.keys)
        except tokens.BadToken:
            return False
        return (claims.purpose == tokens.Purpose.bounce) == (recipient.kind == "bounce")

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook name)
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if address != store.clean(address):  # undecodable bytes or a NUL: never echo them back
            return NOT_UTF8
        try:
            if not self.accepts(address):
                return f"550 5.1.1 <{address}>: no such recipient here"
        except Exception:
            log.exception("RCPT check failed for %r", address)
            return TEMPORARY_FAILURE
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        try:
            raw = envelope.original_content or envelope.content
            if isinstance(raw, str):
                raw = raw.encode("utf-8", "surrogateescape")
            assert isinstance(raw, bytes)
            mail_from = envelope.mail_from or ""
            peer = str(session.peer[0]) if isinstance(session.peer, tuple) else str(session.peer)
            stores = [
                self.batcher.store(
                    channel="email",
                    provider_id=provider_id(raw, mail_from, group[0]),
                    sender=mail_from or "<>",
                    recipient=group[0],
                    raw=raw,
                    payload={"rcpt_tos": group, "mail_from": mail_from, "peer": peer, "helo": session.host_name},
                )
                for group in self.recipient_groups(list(envelope.rcpt_tos))
            ]
            # One recipient (the usual case) needs no task of its own.
            stored = [await stores[0]] if len(stores) == 1 else await asyncio.gather(*stores)
        except Exception:
            log.exception("could not store an inbound email; asked the sender to retry")
            return TEMPORARY_FAILURE
        return f"250 2.0.0 OK queued as {','.join(str(row_id) for row_id, _ in stored)}"

    def recipient_groups(self, rcpt_tos: list[str]) -> list[list[str]]:
        """One stored input per token address (each reply+ or bounce+ token is acted on); the bare
        addresses ride with the first of them, or make one input of their own if there is none."""
        tokened = [a for a in dict.fromkeys(rcpt_tos) if self._has_token(a)]
        bare = [a for a in dict.fromkeys(rcpt_tos) if a not in tokened]
        if not tokened:
            return [bare or [""]]
        return [[tokened[0], *bare], *([a] for a in tokened[1:])]

    def _has_token(self, address: str) -> bool:
        recipient = addresses.read_recipient(address, self.domain, self.bare_locals)
        return recipient is not None and recipient.token is not None


def tls_context(cert: Path | None, key: Path | None) -> ssl.SSLContext | None:
    if not cert:
        return None
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(str(cert), str(key) if key else None)
    return ctx


def handler_for(config: context.Config) -> RelayHandler:
    mail_from_local = parseaddr(config.mail_from)[1].partition("@")[0].lower()
    bare = tuple(dict.fromkeys((addresses.REPLY, mail_from_local)))
    return RelayHandler(domain=config.inbound_domain, keys=config.signing_keys, bare_locals=bare)


async def start(
    host: str, port: int, *, handler: RelayHandler, max_bytes: int, tls: ssl.SSLContext | None = None
) -> asyncio.Server:
    """Serve SMTP in the running event loop (the web app's, or a loop of its own)."""
    loop = asyncio.get_running_loop()

    def factory() -> SMTP:
        return RelaySMTP(
            handler,
            data_size_limit=max_bytes,
            enable_SMTPUTF8=True,
            decode_data=False,
            ident="Relay ESMTP",
            tls_context=tls,
            timeout=120,
            loop=loop,
        )

    server = await loop.create_server(factory, host, port)
    log.info("inbound SMTP listening on %s:%s%s", host, port, " (STARTTLS)" if tls else "")
    return server
