"""The SMTP door never answers 500: long DATA lines are accepted, a RCPT TO that is not UTF-8
gets a 5xx in plain words."""

from __future__ import annotations

import socket
from typing import Any

from sqlalchemy import select

from messaging.models import InboundMessage
from tests.support import servers


def _talk(host: str, port: int, lines: list[bytes]) -> list[bytes]:
    answers = []
    with socket.create_connection((host, port), timeout=10) as sock:
        reader = sock.makefile("rb")
        answers.append(reader.readline())
        for line in lines:
            sock.sendall(line + b"\r\n")
            answer = reader.readline()
            while answer[3:4] == b"-":
                answer = reader.readline()
            answers.append(answer)
    return answers


def test_long_lines_are_stored_and_bad_rcpt_gets_words(make_runtime: Any, sqlite_url: str) -> None:
    runtime = make_runtime(database_url=sqlite_url)
    body = b"From: a@example.org\r\nSubject: long\r\nMessage-ID: <long@example.org>\r\n\r\n" + b"x" * 5000
    with servers.smtp(runtime) as (host, port):
        answers = _talk(
            host,
            port,
            [b"EHLO c.example", b"MAIL FROM:<a@example.org> SMTPUTF8", b"RCPT TO:<re\xffply@relay.test>"],
        )
        assert answers[-1].startswith(b"553 5.1.3 That address is not valid UTF-8"), answers
        with socket.create_connection((host, port), timeout=10) as sock:
            reader = sock.makefile("rb")
            reader.readline()
            for line in (b"EHLO c.example", b"MAIL FROM:<a@example.org>", b"RCPT TO:<reply@relay.test>", b"DATA"):
                sock.sendall(line + b"\r\n")
                answer = reader.readline()
                while answer[3:4] == b"-":
                    answer = reader.readline()
            sock.sendall(body + b"\r\n.\r\n")
            final = reader.readline()
    assert final.startswith(b"250"), final
    with runtime.sessions() as session:
        [row] = session.scalars(select(InboundMessage))
    assert b"x" * 5000 in (row.raw or b"")
