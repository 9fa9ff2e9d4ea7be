"""A local SMTP server (aiosmtpd) that records what it accepts and can be told how to answer.

`script[address]` (at DATA) and `rcpt_script[address]` (at RCPT) list the replies the server
gives, in order, to messages for that address; once used up, it answers 250. While
`handler.hang_seconds` is set, DATA is held that long (or until it is cleared) and then refused
with a 451: a peer that stops answering, which never takes the message.

Given a TLS context it offers STARTTLS; given `users` ({login: password}) it offers AUTH
(`offer_auth`: PLAIN and LOGIN) only after STARTTLS, and requires it before MAIL. Each message
records whether it came over TLS and as which user. It offers PIPELINING unless told not to.
"""

from __future__ import annotations

import asyncio
import email
import ssl
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session


@dataclass
class Received:
    at: float
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    tls: bool = False
    user: str | None = None

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.raw, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed

    @property
    def text(self) -> str:
        body = self.message.get_body(("plain",))
        return str(body.get_content()) if body else ""

    @property
    def message_id(self) -> str:
        return str(self.message.get("Message-ID", ""))


@dataclass
class SinkHandler:
    received: list[Received] = field(default_factory=list)
    script: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    rcpt_script: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    attempts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    hang_seconds: float = 0.0
    users: dict[str, str] = field(default_factory=dict)
    logins: list[tuple[str, str, bool]] = field(default_factory=list)  # (mechanism, login, accepted)
    pipelining: bool = True  # offered, as Postfix does; aiosmtpd reads pipelined commands in order
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_EHLO(
        self, server: SMTP, session: Session, envelope: Envelope, hostname: str, responses: list[str]
    ) -> list[str]:
        session.host_name = hostname
        return [*responses[:-1], "250-PIPELINING", responses[-1]] if self.pipelining else responses

    def authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: object
    ) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        login, password = auth_data.login.decode(), auth_data.password.decode()
        accepted = self.users.get(login) == password
        with self.lock:
            self.logins.append((mechanism, login, accepted))
        return AuthResult(success=accepted, handled=False, auth_data=login if accepted else None)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        with self.lock:
            queued = self.rcpt_script.get(address.lower())
            if queued:
                self.attempts[address.lower()] += 1
                return queued.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.hang_seconds:
            held_until = time.monotonic() + self.hang_seconds
            while self.hang_seconds and time.monotonic() < held_until:
                await asyncio.sleep(0.01)
            return "451 4.4.2 Timed out; the message was not taken"
        with self.lock:
            for address in envelope.rcpt_tos:
                self.attempts[address.lower()] += 1
                queued = self.script.get(address.lower())
                if queued:
                    return queued.pop(0)
            raw = envelope.original_content or envelope.content
            assert isinstance(raw, bytes)
            user = session.auth_data if session.authenticated and isinstance(session.auth_data, str) else None
            received = Received(
                time.time(), str(envelope.mail_from), list(envelope.rcpt_tos), raw, session.ssl is not None, user
            )
            self.received.append(received)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if address.lower() in (a.lower() for a in r.rcpt_tos)]


class SmtpSink:
    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        tls: ssl.SSLContext | None = None,
        users: dict[str, str] | None = None,
        offer_auth: tuple[str, ...] = ("PLAIN", "LOGIN"),
        smtputf8: bool = False,
        pipelining: bool = True,
    ) -> None:
        self.handler = SinkHandler(users=dict(users or {}), pipelining=pipelining)
        options: dict[str, Any] = {"enable_SMTPUTF8": smtputf8}
        if tls is not None:
            options.update(tls_context=tls)
        if users:
            options.update(
                authenticator=self.handler.authenticate,
                auth_required=True,
                auth_require_tls=True,
                auth_exclude_mechanism=[m for m in ("PLAIN", "LOGIN") if m not in offer_auth],
            )
        self.controller = Controller(
            self.handler, hostname=host, port=port or _free_port(), ready_timeout=10, **options
        )

    def __enter__(self) -> SmtpSink:
        self.controller.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.controller.stop()

    @property
    def url(self) -> str:
        return f"smtp://{self.controller.hostname}:{self.controller.port}"

    @property
    def received(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
