"""Property tests through the real doors: Relay's SMTP server over sockets, and the SMS webhook
under uvicorn with a valid signature.

Arbitrary bytes as MAIL FROM, RCPT TO and DATA: every answer is 2xx/354, 451 or another 4xx/5xx
with plain words (never an exception's text), a 250 to DATA means the exact bytes are stored, and
a well-formed message sent at the same moment on another connection (so in the same store batch)
gets 250 and is stored. Arbitrary webhook fields, signed: 200 (stored) or 4xx with words, never
500, and a well-formed SMS posted alongside is stored.
"""

from __future__ import annotations

import itertools
import re
import socket
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from messaging.models import InboundMessage
from relay.runtime import Runtime
from tests.support import servers

COUNTER = itertools.count()
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
ANSWER = re.compile(rb"^(?:2\d\d|354|4\d\d|5\d\d)[ -].*[A-Za-z]{2,}")
LEAKS = (b"Traceback", b"Exception", b"Error(", b"codec can't", b"object has no attribute")
TOKEN = "test-twilio-auth-token-0123456789"
PUBLIC = "http://relay.test:8000"

command_bytes = st.binary(max_size=300).map(lambda b: b.replace(b"\r", b"").replace(b"\n", b""))


def _answer(reader: Any) -> bytes:
    line: bytes = reader.readline()
    while line[3:4] == b"-":
        line = reader.readline()
    return line


def _dot_stuffed(data: bytes) -> bytes:
    data = data.replace(b"\r\n.", b"\r\n..")
    return (b"." + data if data.startswith(b".") else data) + b"\r\n.\r\n"


def _conversation(port: int, mail_from: bytes, rcpt: bytes, data: bytes, at: threading.Barrier) -> list[bytes]:
    """One SMTP session; DATA's last line waits at the barrier, so both sessions end DATA together."""
    answers = []
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        reader = sock.makefile("rb")
        answers.append(_answer(reader))
        for line in (b"EHLO client.example", b"MAIL FROM:" + mail_from, b"RCPT TO:" + rcpt, b"DATA"):
            sock.sendall(line + b"\r\n")
            answers.append(_answer(reader))
        if answers[-1].startswith(b"354"):
            sock.sendall(data[:-5] if len(data) > 5 else b"")
            at.wait(10)
            sock.sendall(data[-5:] if len(data) > 5 else data)
            answers.append(_answer(reader))
        else:
            at.wait(10)
        sock.sendall(b"QUIT\r\n")
    return answers


@pytest.fixture
def doors(make_runtime: Any, sqlite_url: str) -> Iterator[tuple[Runtime, int, str]]:
    runtime = make_runtime(
        database_url=sqlite_url,
        twilio_account_sid="AC" + "0" * 32,
        twilio_auth_token=TOKEN,
        twilio_from="+15005550006",
    )
    with servers.smtp(runtime) as (_, port), servers.web(runtime) as base:
        yield runtime, port, base


def _stored(runtime: Runtime, row_id: int) -> InboundMessage:
    with runtime.sessions() as session:
        return session.get_one(InboundMessage, row_id)


@PROPERTY
@given(
    mail_from=command_bytes | st.sampled_from([b"<>", b"<x@example.org> SMTPUTF8", b"<\xff@x> SMTPUTF8"]),
    rcpt=command_bytes | st.just(b"<reply@relay.test>"),
    smtputf8=st.booleans(),
    data=st.binary(max_size=4000),
)
def test_any_bytes_at_the_smtp_door(
    doors: tuple[Runtime, int, str], mail_from: bytes, rcpt: bytes, smtputf8: bool, data: bytes
) -> None:
    runtime, port, _ = doors
    n = next(COUNTER)
    hostile_from = mail_from + (b" SMTPUTF8" if smtputf8 and b"SMTPUTF8" not in mail_from else b"")
    good = f"From: ruth@example.org\r\nSubject: fine\r\nMessage-ID: <good-{n}@example.org>\r\n\r\nYes.\r\n".encode()
    together = threading.Barrier(2)
    results: dict[str, list[bytes]] = {}

    def run(name: str, sender: bytes, recipient: bytes, content: bytes) -> None:
        results[name] = _conversation(port, sender, recipient, content, together)

    threads = [
        threading.Thread(target=run, args=("hostile", hostile_from, rcpt, _dot_stuffed(data))),
        threading.Thread(target=run, args=("good", b"<ruth@example.org>", b"<reply@relay.test>", _dot_stuffed(good))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    for answer in results["hostile"]:
        assert ANSWER.match(answer), answer
        assert not any(leak in answer for leak in LEAKS), answer
    final = results["hostile"][-1]
    event(f"hostile DATA answered {final[:3].decode()}")
    if results["hostile"][-2].startswith(b"354"):
        assert final[:3] in (b"250", b"451") or final[:1] == b"5", final
        if final.startswith(b"250"):
            row_id = int(final.split()[-1].split(b",")[0])
            raw = _stored(runtime, row_id).raw
            assert raw in (data, data + b"\r\n"), "the exact bytes, as sent"
    good_final = results["good"][-1]
    assert good_final.startswith(b"250 "), good_final
    stored = _stored(runtime, int(good_final.split()[-1].split(b",")[0]))
    assert stored.raw is not None and f"<good-{n}@example.org>".encode() in stored.raw


field_text = st.text(max_size=200)


@PROPERTY
@given(fields=st.dictionaries(field_text, field_text, max_size=8), keep_required=st.booleans())
def test_any_signed_webhook_fields(
    doors: tuple[Runtime, int, str], fields: dict[str, str], keep_required: bool
) -> None:
    runtime, _, base = doors
    n = next(COUNTER)
    params = dict(fields)
    if keep_required:
        params.update({"MessageSid": f"SMhostile{n}", "From": params.get("From") or "+15555550100"})
    good = {"MessageSid": f"SMgood{n}", "From": "+15555550199", "To": "+15005550006", "Body": "WHO"}
    validator = RequestValidator(TOKEN)
    answers: dict[str, httpx.Response] = {}

    def post(name: str, values: dict[str, str]) -> None:
        signature = validator.compute_signature(f"{PUBLIC}/sms/inbound", values)
        answers[name] = httpx.post(
            f"{base}/sms/inbound", data=values, headers={"X-Twilio-Signature": signature}, timeout=20
        )

    threads = [threading.Thread(target=post, args=pair) for pair in (("hostile", params), ("good", good))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    hostile = answers["hostile"]
    event(f"hostile webhook answered {hostile.status_code}")
    assert hostile.status_code in (200, 400, 403), hostile.status_code
    if hostile.status_code != 200:
        assert re.search(r"[A-Za-z]{3,}", hostile.text) and "Traceback" not in hostile.text
    assert answers["good"].status_code == 200
    with runtime.sessions() as session:
        senders = set(session.scalars(select(InboundMessage.provider_id).where(InboundMessage.channel == "sms")))
    assert f"SMgood{n}" in senders
    if hostile.status_code == 200:
        assert params["MessageSid"] in senders or any(params["MessageSid"] in s for s in senders)
