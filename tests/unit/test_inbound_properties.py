"""Property tests: any bytes, any MIME tree, any text message, and nothing escapes.

Every input is stored, and processing ends in a recorded outcome (never an exception, never a
row left unprocessed); a text message gets an answer unless help was already sent within the hour.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.policy import compat32
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select

from messaging.inbound.doors import smtp_server, store
from messaging.inbound.handling import processing
from messaging.inbound.reading import auto_replies, mime, sms_keywords
from messaging.inbound.reading.reply_text import split_reply
from messaging.models import InboundMessage, OutboundMessage, SmsConversation, SmsOptOut
from relay.runtime import Runtime
from tests.support import builders
from workflow.models import Role

COUNTER = itertools.count()
DONE = {"processed", "ignored", "quarantined"}
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

charsets = st.sampled_from(
    ["utf-8", "us-ascii", "iso-8859-1", "windows-1252", "shift_jis", "koi8-r", "x-bogus", "utf-16"]
)
encodings = st.sampled_from(["7bit", "8bit", "base64", "quoted-printable", "x-uuencode", "binary", "bogus"])
header_text = st.text(max_size=120) | st.sampled_from(
    ["=?utf-8?q?caf=C3=A9?=", "=?bogus?b?!!!?=", "=?utf-8?b?", "\x00\r\n"]
)


@st.composite
def leaves(draw: st.DrawFn) -> Message:
    maintype, subtype = draw(
        st.sampled_from(
            [
                ("text", "plain"),
                ("text", "html"),
                ("application", "octet-stream"),
                ("message", "delivery-status"),
                ("text", "rfc822-headers"),
                ("image", "png"),
            ]
        )
    )
    part = MIMEBase(maintype, subtype, charset=draw(charsets))
    part["Content-Transfer-Encoding"] = draw(encodings)
    if draw(st.booleans()):
        part["Content-Disposition"] = draw(st.sampled_from(["attachment; filename=x.bin", "inline", "bogus;;"]))
    payload = draw(st.binary(max_size=600) | st.text(max_size=600).map(lambda t: t.encode("utf-8", "surrogatepass")))
    part.set_payload(payload.decode("latin-1"))
    return part


def trees(depth: int = 3) -> st.SearchStrategy[Message]:
    return st.recursive(
        leaves(),
        lambda children: st.builds(
            _multipart,
            st.sampled_from(["mixed", "alternative", "related", "report", "signed"]),
            st.lists(children, min_size=0, max_size=4),
        ),
        max_leaves=8,
    )


def _multipart(subtype: str, parts: list[Message]) -> Message:
    outer = MIMEMultipart(subtype, boundary=f"==boundary{next(COUNTER)}==")
    for part in parts:
        outer.attach(part)
    return outer


@st.composite
def emails(draw: st.DrawFn) -> bytes:
    message = draw(trees())
    for name in ("From", "To", "Subject", "Message-ID", "In-Reply-To", "References", "Auto-Submitted", "Precedence"):
        if draw(st.booleans()):
            with contextlib.suppress(Exception):  # some drawn values are not valid header text at all
                message[name] = draw(header_text)
    try:
        return message.as_bytes(policy=compat32)
    except Exception:
        assume(False)
        raise


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from relay import migrate
    from relay.runtime import build
    from tests.conftest import test_settings

    url = f"sqlite:///{tmp_path_factory.mktemp('props') / 'relay.db'}"
    migrate.upgrade(url)
    built = build(test_settings(database_url=url, quiet_hours="00:00-00:00"))
    with built.sessions.begin() as session:
        school = builders.school(session)
        builders.person(session, school, Role.student, "Maya Lopez", "maya@example.org", phone="+15555550100")
        builders.person(session, school, Role.coordinator, "Cora Diaz", "cora@example.org")
    yield built
    built.close()


def _process(runtime: Runtime, **values: Any) -> InboundMessage:
    with runtime.context.single_statements() as connection:
        row_id, new = store.store(connection, provider_id=f"p{next(COUNTER)}", **values)
    assert new
    processing.process_inbound(row_id)
    with runtime.sessions() as session:
        row = session.get(InboundMessage, row_id)
        assert row is not None
        return row


@PROPERTY
@given(raw=st.binary(max_size=20_000))
def test_any_bytes_parse_without_exception(raw: bytes) -> None:
    parsed = mime.parse(raw)
    auto_replies.classify(parsed, envelope_sender="x@example.org", own_addresses={"relay@relay.test"})
    split_reply(parsed.text)


@PROPERTY
@given(
    raw=emails(),
    rcpt=st.sampled_from(["reply@relay.test", "relay@relay.test", "bounce+zz@relay.test"]),
    mail_from=st.sampled_from(["", "maya@example.org", "mailer-daemon@mx.example.org", "x@y"]),
)
def test_any_mime_tree_is_stored_and_reaches_an_outcome(runtime: Any, raw: bytes, rcpt: str, mail_from: str) -> None:
    row = _process(
        runtime,
        channel="email",
        sender=mail_from or "<>",
        recipient=rcpt,
        raw=raw,
        payload={"rcpt_tos": [rcpt], "mail_from": mail_from},
    )
    assert row.status in DONE, (row.status, row.result)
    assert row.raw == raw


@PROPERTY
@given(
    raw=emails() | st.binary(max_size=3000),
    mail_from=st.sampled_from(["", "maya@example.org", "mailer-daemon@mx.example.org", "x@y"]),
)
def test_any_message_at_smtp_data_is_stored_before_250_and_processed(runtime: Any, raw: bytes, mail_from: str) -> None:
    """Through the SMTP server's own DATA handler (the code aiosmtpd calls): every message gets
    250 with its row stored, holding the exact bytes, and processing reaches an outcome."""
    from aiosmtpd.smtp import Envelope, Session

    handler = smtp_server.handler_for(runtime.context.config)
    envelope = Envelope()
    envelope.mail_from, envelope.rcpt_tos = mail_from, ["reply@relay.test"]
    # A Message-ID of its own first: the same Message-ID from the same sender is a retry, stored once.
    envelope.content = envelope.original_content = f"Message-ID: <case-{next(COUNTER)}@test>\r\n".encode() + raw
    session = Session(loop=None)  # type: ignore[arg-type]
    session.peer = ("127.0.0.1", 2525)  # type: ignore[assignment]  # aiosmtpd types it as a str; a socket gives a tuple
    answer = asyncio.run(handler.handle_DATA(None, session, envelope))  # type: ignore[arg-type]
    assert answer.startswith("250 "), answer
    row_id = int(answer.rsplit(" ", 1)[1])
    with runtime.sessions() as db:
        stored = db.get_one(InboundMessage, row_id)
        assert (stored.raw, stored.channel) == (envelope.content, "email")
    processing.process_inbound(row_id)
    with runtime.sessions() as db:
        assert db.get_one(InboundMessage, row_id).status in DONE


@PROPERTY
@given(raw=st.binary(max_size=5000))
def test_any_bytes_as_an_email_are_stored_and_reach_an_outcome(runtime: Any, raw: bytes) -> None:
    row = _process(
        runtime,
        channel="email",
        sender="maya@example.org",
        recipient="reply@relay.test",
        raw=raw,
        payload={"rcpt_tos": ["reply@relay.test"], "mail_from": "maya@example.org"},
    )
    assert row.status in DONE, (row.status, row.result)


@PROPERTY
@given(text=st.text(max_size=3000))
def test_any_text_message_parses(text: str) -> None:
    parsed = sms_keywords.parse(text)
    assert isinstance(parsed.keyword, sms_keywords.Keyword)


@PROPERTY
@given(text=st.text(max_size=1600), known=st.booleans())
def test_any_text_message_is_stored_and_answered(runtime: Any, text: str, known: bool) -> None:
    phone = "+15555550100" if known else f"+1555{next(COUNTER) % 10_000_000:07d}"
    with runtime.sessions.begin() as session:  # a fresh hour for the help limit, and no STOP in force
        session.execute(delete(SmsConversation))
        session.execute(delete(SmsOptOut))
    before = _count(runtime, phone)
    row = _process(
        runtime,
        channel="sms",
        sender=phone,
        recipient="+15005550006",
        payload={"From": phone, "Body": text, "MessageSid": "SM"},
    )
    assert row.status in DONE, (row.status, row.result)
    answered = _count(runtime, phone) > before
    opt = row.kind in ("opt_out", "opt_in")
    assert answered or opt, (text, row.kind, row.result)


def _count(runtime: Any, phone: str) -> int:
    with runtime.sessions() as session:
        return int(session.scalar(select(func.count()).where(OutboundMessage.to_address == phone)) or 0)
