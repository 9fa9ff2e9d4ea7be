"""Email through an SMTP relay (RELAY_OUTBOUND_SMTP_URL), one kept-alive connection per thread."""

from __future__ import annotations

import contextlib
import logging
import re
import smtplib
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from messaging.outbound import email_message
from messaging.outbound.transports import ConfigurationError, Outgoing, PermanentError, SendResult, TransientError

log = logging.getLogger(__name__)
IDLE_CHECK_SECONDS = 10.0


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    implicit_tls: bool
    starttls: bool
    username: str | None
    password: str | None

    @classmethod
    def from_url(cls, url: str) -> SmtpTarget:
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        implicit = parts.scheme == "smtps"
        return cls(
            host=parts.hostname or "localhost",
            port=parts.port or (465 if implicit else 25),
            implicit_tls=implicit,
            starttls=query.get("starttls", ["false"])[0].lower() in ("1", "true", "yes"),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )


# Authentication required, too weak, or refused: our configuration, not the message.
AUTH_CODES = frozenset({530, 534, 535, 538})
CHECK_URL = "check RELAY_OUTBOUND_SMTP_URL"


def _classify(code: int, text: str, *, setup: bool = False) -> TransientError | PermanentError:
    """`setup`: the reply came before any message was named (greeting, EHLO, STARTTLS, AUTH)."""
    reason = f"SMTP {code}: {text}"
    if 400 <= code < 500:
        return TransientError(reason, code=str(code))
    if setup or code in AUTH_CODES:
        return ConfigurationError(f"{reason} ({CHECK_URL})", code=str(code))
    return PermanentError(reason, code=str(code))


def _decode(raw: bytes | str) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw


def _pipelined(conn: smtplib.SMTP, sender: str, to: str, raw: bytes, options: list[str]) -> None:
    """One message in two round trips instead of four (RFC 2920): MAIL, RCPT and DATA go out
    together, and their replies are read in order; the body follows only after the 354. Errors
    are smtplib's own, as `sendmail` raises them."""
    if options and not conn.has_extn("smtputf8"):
        raise smtplib.SMTPNotSupportedError("SMTPUTF8 not supported by server")
    extra = "".join(f" {option}" for option in options)
    if conn.has_extn("size"):
        extra += f" SIZE={len(raw)}"
    commands = f"MAIL FROM:{smtplib.quoteaddr(sender)}{extra}\r\nRCPT TO:{smtplib.quoteaddr(to)}\r\nDATA\r\n"
    conn.send(commands.encode("utf-8") if options else commands.encode("ascii"))
    mail, rcpt, data = conn.getreply(), conn.getreply(), conn.getreply()
    if mail[0] != 250:
        if data[0] == 354:  # a server that took DATA anyway: end the empty message
            conn.send(b".\r\n")
            conn.getreply()
        raise smtplib.SMTPSenderRefused(mail[0], mail[1], sender)
    if rcpt[0] not in (250, 251):
        if data[0] == 354:
            conn.send(b".\r\n")
            conn.getreply()
        raise smtplib.SMTPRecipientsRefused({to: rcpt})
    if data[0] != 354:
        raise smtplib.SMTPDataError(data[0], data[1])
    body = _DOT.sub(b"..", raw)
    conn.send(body + (b".\r\n" if body.endswith(b"\r\n") else b"\r\n.\r\n"))
    code, text = conn.getreply()
    if code != 250:
        raise smtplib.SMTPDataError(code, text)


_DOT = re.compile(rb"(?m)^\.")


class SmtpTransport:
    name = "smtp"

    def __init__(
        self,
        url: str,
        *,
        timeout: float,
        envelope_sender: Callable[[Outgoing], str] = email_message.envelope_sender,
        local_hostname: str | None = None,
    ) -> None:
        self.target = SmtpTarget.from_url(url)
        self.timeout = timeout
        self.envelope_sender = envelope_sender  # bounce+<token>@<inbound domain>, so bounces come home
        self.local_hostname = local_hostname
        self._local = threading.local()

    def _connect(self) -> smtplib.SMTP:
        """A connection ready for MAIL FROM. The server's certificate is checked against the
        system's CAs (or SSL_CERT_FILE / SSL_CERT_DIR, which OpenSSL reads), never skipped."""
        t = self.target
        conn: smtplib.SMTP
        if t.implicit_tls:
            conn = smtplib.SMTP_SSL(
                t.host,
                t.port,
                timeout=self.timeout,
                local_hostname=self.local_hostname,
                context=ssl.create_default_context(),
            )
        else:
            conn = smtplib.SMTP(t.host, t.port, timeout=self.timeout, local_hostname=self.local_hostname)
        try:
            conn.ehlo()
            if t.starttls:
                conn.starttls(context=ssl.create_default_context())
                conn.ehlo()
            if t.username:
                conn.login(t.username, t.password or "")
        except BaseException:
            with contextlib.suppress(Exception):  # the half-open connection is of no use
                conn.close()
            raise
        return conn

    def _connection(self) -> smtplib.SMTP:
        conn: smtplib.SMTP | None = getattr(self._local, "conn", None)
        last = getattr(self._local, "last_used", 0.0)
        if conn is not None and time.monotonic() - last > IDLE_CHECK_SECONDS:
            try:
                conn.noop()
            except (OSError, smtplib.SMTPException):
                self._drop()
                conn = None
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
        return conn

    def _drop(self) -> None:
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None:
            with contextlib.suppress(Exception):  # closing a broken socket; nothing to save
                conn.close()

    def send(self, message: Outgoing) -> SendResult:
        # Resending after a crash is safe to the reader: the Message-ID is the same, so mail
        # clients show one message.
        raw = email_message.build(message)
        try:
            conn = self._connection()
        except smtplib.SMTPResponseException as exc:
            self._drop()
            raise _classify(exc.smtp_code, _decode(exc.smtp_error), setup=True) from exc
        except smtplib.SMTPNotSupportedError as exc:  # STARTTLS or AUTH asked for and not offered
            self._drop()
            raise ConfigurationError(f"SMTP server: {exc} ({CHECK_URL})") from exc
        except ssl.SSLCertVerificationError as exc:
            self._drop()
            raise ConfigurationError(f"SMTP server certificate not trusted: {exc.verify_message}") from exc
        except (OSError, smtplib.SMTPException) as exc:
            self._drop()
            raise TransientError(f"cannot connect to the SMTP server: {exc}") from exc
        sender = self.envelope_sender(message)
        options: list[str] = []
        if not (message.to_address.isascii() and sender.isascii()):
            if not conn.has_extn("smtputf8"):  # permanent: retrying cannot make the server offer it
                raise PermanentError(
                    f"the address {message.to_address} is not plain ASCII and the mail server does not offer "
                    "SMTPUTF8, so it cannot be sent there"
                )
            options = ["SMTPUTF8"]  # RFC 6531: the address in the envelope and the To header as UTF-8
        try:
            if conn.has_extn("pipelining"):
                _pipelined(conn, sender, message.to_address, raw, options)
            else:
                conn.sendmail(sender, [message.to_address], raw, mail_options=options)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            self._reset(conn)
            raise _classify(code, _decode(text)) from exc
        except smtplib.SMTPResponseException as exc:
            # Sender refused, data refused, or a 421 shutting the connection.
            if exc.smtp_code == 421:
                self._drop()
            else:
                self._reset(conn)
            raise _classify(exc.smtp_code, _decode(exc.smtp_error)) from exc
        except (OSError, smtplib.SMTPException) as exc:
            self._drop()
            raise TransientError(f"SMTP connection failed: {exc}", uncertain=True) from exc
        self._local.last_used = time.monotonic()
        return SendResult(provider_id=message.message_id_header or "")

    def _reset(self, conn: smtplib.SMTP) -> None:
        try:
            conn.rset()
            self._local.last_used = time.monotonic()
        except (OSError, smtplib.SMTPException):
            self._drop()

    def close(self) -> None:
        self._drop()
