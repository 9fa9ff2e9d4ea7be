"""One bad message must not fail its neighbours: invalid UTF-8 in MAIL FROM (under SMTPUTF8) and
NUL bytes in an address or an SMS body are stored in a safe form, and a batch that fails anyway
falls back to one row at a time. Through the real doors, on Postgres and SQLite."""

from __future__ import annotations

import socket
import threading
from typing import Any

import httpx
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from messaging.models import InboundMessage
from tests.support import servers

DOMAIN = "relay.test"
TOKEN = "test-twilio-auth-token-0123456789"


def _conversation(host: str, port: int, mail_from: bytes, body: bytes) -> list[bytes]:
    """One SMTP session over a raw socket; the server's answer to each command."""
    answers = []
    with socket.create_connection((host, port), timeout=10) as sock:
        reader = sock.makefile("rb")
        answers.append(reader.readline())
        for line in (b"EHLO client.example", b"MAIL FROM:<" + mail_from + b"> SMTPUTF8", b"RCPT TO:<reply@relay.test>"):
            sock.sendall(line + b"\r\n")
            answer = reader.readline()
            while answer[3:4] == b"-":
                answer = reader.readline()
            answers.append(answer)
        sock.sendall(b"DATA\r\n")
        answers.append(reader.readline())
        sock.sendall(body + b"\r\n.\r\n")
        answers.append(reader.readline())
        sock.sendall(b"QUIT\r\n")
    return answers


def _body(n: int) -> bytes:
    return f"From: someone{n}@example.org\r\nSubject: hello\r\nMessage-ID: <m{n}@example.org>\r\n\r\nHi\r\n".encode()


def test_invalid_utf8_and_nul_in_mail_from_do_not_fail_the_batch(make_runtime: Any, backend: dict[str, Any]) -> None:
    runtime = make_runtime(**backend)
    senders = [f"ok{n}@example.org".encode() for n in range(12)]
    senders[3] = b"bad\xff\xfe@example.org"  # not UTF-8
    senders[7] = b"nul\x00@example.org"  # a NUL byte
    answers: dict[int, list[bytes]] = {}
    with servers.smtp(runtime) as (host, port):
        threads = [
            threading.Thread(target=lambda n=n: answers.__setitem__(n, _conversation(host, port, senders[n], _body(n))))
            for n in range(len(senders))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    finals = {n: a[-1][:3] for n, a in answers.items()}
    assert all(code == b"250" for n, code in finals.items() if n not in (3, 7)), answers
    assert all(code in (b"250", b"553", b"501", b"550") for code in finals.values()), answers
    with runtime.sessions() as session:
        rows = list(session.scalars(select(InboundMessage)))
    stored = {r.payload["mail_from"] for r in rows}
    assert {f"ok{n}@example.org" for n in range(12) if n not in (3, 7)} <= stored
    assert len(rows) == sum(code == b"250" for code in finals.values())  # every 250 is a row
    for row in rows:
        assert "\x00" not in row.sender


def test_a_nul_in_an_sms_body_or_sender_is_stored_and_answered(make_runtime: Any, backend: dict[str, Any]) -> None:
    runtime = make_runtime(
        **backend, twilio_account_sid="AC" + "0" * 32, twilio_auth_token=TOKEN, twilio_from="+15005550006"
    )
    with servers.web(runtime) as base:
        for n, (sender, body) in enumerate([("+15555550100", "HELP\x00me"), ("+1555\x00550101", "HELP")]):
            params = {"MessageSid": f"SM{n:032d}", "From": sender, "To": "+15005550006", "Body": body}
            signature = RequestValidator(TOKEN).compute_signature("http://relay.test:8000/sms/inbound", params)
            answer = httpx.post(base + "/sms/inbound", data=params, headers={"X-Twilio-Signature": signature})
            assert answer.status_code == 200, answer.text
    with runtime.sessions() as session:
        rows = list(session.scalars(select(InboundMessage).order_by(InboundMessage.id)))
    assert [r.payload["Body"] for r in rows] == ["HELP\ufffdme", "HELP"]
    assert rows[1].sender == "+1555\ufffd550101" and "_unclean" in rows[1].payload
