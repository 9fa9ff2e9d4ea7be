"""Hostile envelopes and messages at the SMTP door over real sockets, on both databases: every
accepted message is stored byte for byte, once; nothing is answered 500."""

from __future__ import annotations

import socket
import threading
from typing import Any

from sqlalchemy import select

from messaging.models import InboundMessage
from relay.runtime import Runtime
from tests.support import servers

REPLY = b"reply@relay.test"


def _send(host: str, port: int, mail_from: bytes, message: bytes, rcpt: bytes = REPLY) -> list[bytes]:
    """One SMTP transaction; the answer to each command, and to the message."""
    answers = []
    with socket.create_connection((host, port), timeout=60) as sock:
        reader = sock.makefile("rb")
        reader.readline()
        for line in (b"EHLO client.example", b"MAIL FROM:" + mail_from, b"RCPT TO:<" + rcpt + b">", b"DATA"):
            sock.sendall(line + b"\r\n")
            answer = reader.readline()
            while answer[3:4] == b"-":
                answer = reader.readline()
            answers.append(answer)
            if not answer.startswith((b"2", b"3")):
                return answers
        stuffed = message.replace(b"\r\n.", b"\r\n..")
        sock.sendall(stuffed + (b".\r\n" if stuffed.endswith(b"\r\n") else b"\r\n.\r\n"))
        answers.append(reader.readline())
        sock.sendall(b"QUIT\r\n")
    return answers


def _rows(runtime: Runtime) -> list[InboundMessage]:
    with runtime.sessions() as session:
        return list(session.scalars(select(InboundMessage).where(InboundMessage.channel == "email")))


def test_hostile_envelopes_and_large_messages_are_stored_exactly(make_runtime: Any, backend: dict[str, Any]) -> None:
    runtime = make_runtime(**backend)
    limit = runtime.settings.smtp_max_message_bytes
    head = b"From: someone@example.org\r\nMessage-ID: <%s@example.org>\r\n\r\n"
    big = head % b"big" + (b"\x00\xff\xe9 line\r\n" * limit)[: limit - 2_000]
    over = head % b"over" + b"x" * (limit + 10) + b"\r\n"
    # One line of 2 MB, in a message well under the size limit (a long line of base64 or HTML).
    one_line = head % b"oneline" + b"<p>" + b"y" * 2_000_000 + b"</p>\r\n"
    cases = {
        b"nul": (b"<a@example.org>", head % b"nul" + b"a\x00b\r\n"),
        b"utf8": ("<j\u00f6rg@b\u00fccher.example> SMTPUTF8".encode(), head % b"utf8" + "Gr\u00fc\u00dfe\r\n".encode()),
        b"8bit": (b"<j\xffrg@example.org> SMTPUTF8", head % b"8bit" + b"hi\r\n"),
        b"long": (b"<" + b"l" * 400 + b"@example.org>", head % b"long" + b"hi\r\n"),
        b"null": (b"<>", head % b"null" + b"bounce\r\n"),
        b"big": (b"<a@example.org> SIZE=%d BODY=8BITMIME" % len(big), big),
        b"oneline": (b"<a@example.org>", one_line),
    }
    with servers.smtp(runtime) as (host, port):
        answers = {name: _send(host, port, mail_from, message) for name, (mail_from, message) in cases.items()}
        too_big = _send(host, port, b"<a@example.org>", over)
    for name, answer in answers.items():
        assert answer[-1].startswith(b"250 "), (name, answer)
    assert too_big[-1].startswith(b"552 "), too_big
    stored = {row.raw.split(b"Message-ID: <")[1].split(b"@")[0]: row for row in _rows(runtime) if row.raw}
    assert sorted(stored) == sorted(cases)
    for name, (_, message) in cases.items():
        assert bytes(stored[name].raw or b"") == message, name
    assert stored[b"null"].sender == "<>"
    assert stored[b"utf8"].sender == "j\u00f6rg@b\u00fccher.example"
    assert "\x00" not in stored[b"8bit"].sender and len(stored[b"long"].sender) <= 320


def test_the_same_message_from_many_connections_at_once_is_one_row(make_runtime: Any, backend: dict[str, Any]) -> None:
    runtime = make_runtime(**backend)
    message = b"From: ruth@example.org\r\nMessage-ID: <same@example.org>\r\n\r\nYes.\r\n"
    finals: list[bytes] = []
    with servers.smtp(runtime) as (host, port):
        barrier = threading.Barrier(16)

        def send() -> None:
            barrier.wait(10)
            for _ in range(3):
                finals.append(_send(host, port, b"<ruth@example.org>", message)[-1])

        threads = [threading.Thread(target=send) for _ in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    assert len(finals) == 48 and all(final.startswith(b"250 ") for final in finals), finals
    assert len({final.split()[-1] for final in finals}) == 1
    [row] = _rows(runtime)
    assert bytes(row.raw or b"") == message
