"""Hostile MAIL FROM / RCPT TO arguments over real sockets: Relay's SMTP server (which reads a plain
path itself) must answer every one of them as aiosmtpd's own server does, and record the same
envelope."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session

from messaging.inbound.doors.smtp_server import RelaySMTP


class Recorder:
    """Accepts every recipient and notes what each command was read as."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, list[str]]] = []

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        self.seen.append(("MAIL", address, list(options)))
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        self.seen.append(("RCPT", address, list(options)))
        envelope.rcpt_tos.append(address)
        return "250 OK"


@contextmanager
def _server(kind: type[SMTP], recorder: Recorder) -> Iterator[int]:
    loop = asyncio.new_event_loop()
    started = threading.Event()
    holder: dict[str, asyncio.Server] = {}

    async def start() -> None:
        holder["server"] = await loop.create_server(
            lambda: kind(recorder, enable_SMTPUTF8=True, decode_data=False, loop=loop), "127.0.0.1", 0
        )
        started.set()

    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(start(), loop).result(10)
    started.wait(10)
    try:
        yield holder["server"].sockets[0].getsockname()[1]
    finally:

        async def stop() -> None:
            holder["server"].close()
            others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
            for task in others:
                task.cancel()
            await asyncio.gather(*others, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


def _talk(port: int, lines: list[bytes]) -> list[bytes]:
    answers = []
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        reader = sock.makefile("rb")
        reader.readline()
        for line in lines:
            sock.sendall(line + b"\r\n")
            answer = reader.readline()
            while answer[3:4] == b"-":
                answer = reader.readline()
            answers.append(answer)
    return answers


LONG = b"l" * 300
HOSTILE = [
    b"<a@b.example>",
    b"<>",
    b"< >",
    b"<> SIZE=10",
    b"a@b.example",
    b"<a@b.example",
    b"a@b.example>",
    b" <a@b.example>",
    b"<a@b.example> ",
    b"<a@b.example>\t",
    b"<a@b.example>\tSIZE=10",
    b"<a@b.example> SIZE=10 BODY=8BITMIME",
    b"<a@b.example> SIZE=1\x01",
    b"<a@b.example> SIZE=(10)",
    b"<a@b.example> (comment) SIZE=10",
    b"<a@b.example> X-ODD=~!#$%^&*",
    b"<a@b.example> SMTPUTF8",
    b"<a@b.example> SMTPUTF8=yes",
    b"<a@b.example> SIZE=99999999999999999999",
    b"<a @b.example>",
    b"<a@ b.example>",
    b"<a\t@b.example>",
    b"<" + LONG + b"@b.example>",
    b"<" + b"l" * 64 + b"@b.example>",
    b"<" + b"l" * 65 + b"@b.example>",
    b"<a@" + b"d" * 300 + b".example>",
    "<j\u00f6rg@b\u00fccher.example>".encode(),
    "<j\u00f6rg@b.example> SMTPUTF8".encode(),
    "<\u7528\u6237@\u4f8b\u5b50.\u5e7f\u544a> SMTPUTF8".encode(),
    b"<j\xf6rg@b.example>",
    b"<a@b.example> X=\xff",
    b"<\xff\xfe@b.example>",
    b"<=?utf-8?q?reply?=@b.example>",
    b"<=?utf-8?q?a=00b?=@b.example>",
    b"<=?utf-8?b?cmVwbHk=?=@b.example> SIZE=5",
    b"<a.=?utf-8?q?x?=@b.example>",
    b'<"quoted local"@b.example>',
    b"<a..b@b.example>",
    b"<.a@b.example>",
    b"<a.@b.example>",
    b"<@route.example:a@b.example>",
    b"<a@[127.0.0.1]>",
    b"<a@b.example>>",
    b"<<a@b.example>",
    b"<a@b@c.example>",
    b"<a(comment)@b.example>",
    b"<a@b.example>SIZE=1",
]


@pytest.mark.parametrize("helo", [b"EHLO client.example", b"HELO client.example"])
def test_hostile_paths_are_answered_as_aiosmtpd_answers_them(helo: bytes) -> None:
    relay_seen, plain_seen = Recorder(), Recorder()
    with _server(RelaySMTP, relay_seen) as relay_port, _server(SMTP, plain_seen) as plain_port:
        for arg in HOSTILE:
            script = [helo, b"MAIL FROM:" + arg, b"RCPT TO:" + arg, b"RSET", b"QUIT"]
            relay, plain = _talk(relay_port, script), _talk(plain_port, script)
            assert relay == plain, arg
            assert not any(answer.startswith(b"500") for answer in relay), (arg, relay)
    assert relay_seen.seen == plain_seen.seen


def test_encoded_words_are_left_to_aiosmtpd() -> None:
    """aiosmtpd's parser decodes `=?utf-8?q?reply?=` in a local part; the fast reading must not
    read such a path differently (it leaves it alone)."""
    loop = asyncio.new_event_loop()
    try:
        for arg in ("<=?utf-8?q?reply?=@b.example>", "<=?utf-8?b?cmVwbHk=?=@b.example> SIZE=5"):
            assert RelaySMTP(object(), loop=loop)._getaddr(arg) == SMTP(object(), loop=loop)._getaddr(arg)
    finally:
        loop.close()
