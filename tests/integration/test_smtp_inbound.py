"""Relay's SMTP server, spoken to by smtplib: who is accepted, size limits, durability, dedupe."""

from __future__ import annotations

import smtplib
import ssl
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from messaging import addresses, tokens
from messaging.inbound.doors import smtp_server
from messaging.models import InboundMessage
from tests.conftest import TEST_KEYS
from tests.support import builders, certs, servers
from tests.support.waiting import wait_until
from workflow.models import Role

DOMAIN = "relay.test"


def _token(runtime: Any, purpose: str = "attendance.confirm", ttl: timedelta = timedelta(days=3)) -> str:
    with runtime.sessions.begin() as session:
        school = builders.school(session)
        mentor = builders.person(session, school, Role.mentor, "Ruth Chen", "ruth@example.org")
        return tokens.issue(
            session,
            purpose=purpose,
            object_type="day",
            object_id=1,
            person_id=mentor.id,
            ttl=ttl,
            keys=TEST_KEYS,
            now=datetime.now(UTC),
        )


def _mail(to: str, message_id: str = "<reply-1@mail.example.org>", body: str = "Yes, she was here.") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Ruth Chen <ruth@example.org>"
    msg["To"] = to
    msg["Subject"] = "Re: Please confirm Maya's day"
    msg["Message-ID"] = message_id
    msg.set_content(body)
    return msg


def _rows(runtime: Any) -> list[InboundMessage]:
    with runtime.sessions() as session:
        return list(session.scalars(select(InboundMessage).order_by(InboundMessage.id)))


def test_rcpt_accepts_only_our_signed_addresses(make_runtime: Any, backend: dict[str, Any]) -> None:
    runtime = make_runtime(**backend)
    token = _token(runtime)
    tampered = token[:10] + ("a" if token[10] != "a" else "b") + token[11:]
    bounce = addresses.bounce_address(7, TEST_KEYS, DOMAIN)
    with servers.smtp(runtime) as (host, port), smtplib.SMTP(host, port, timeout=10) as client:
        client.ehlo()
        client.mail("ruth@example.org")
        for refused in (
            "someone@relay.test",
            f"reply+{tampered}@relay.test",
            f"reply+{token}@other.example",
            "postmaster@relay.test",
            f"bounce+{token}@relay.test",
            "reply+@relay.test",
        ):
            code, _ = client.rcpt(refused)
            assert code == 550, refused
        for accepted in (
            f"reply+{token}@relay.test",
            f"REPLY+{token.upper()}@Relay.Test",
            "reply@relay.test",
            "relay@relay.test",
            bounce,
        ):
            code, _ = client.rcpt(accepted)
            assert code == 250, accepted
        client.rset()


def test_message_is_stored_before_250_and_a_retry_is_stored_once(make_runtime: Any, backend: dict[str, Any]) -> None:
    runtime = make_runtime(**backend)
    token = _token(runtime)
    mail = _mail(f"reply+{token}@relay.test")
    with servers.smtp(runtime) as (host, port):
        with smtplib.SMTP(host, port, timeout=10) as client:
            refused = client.send_message(mail)
        assert refused == {}
        # 250 came back: the row is already there, with the exact bytes.
        [row] = _rows(runtime)
        assert row.channel == "email" and row.status in ("received", "processed", "ignored")
        assert b"Yes, she was here." in (row.raw or b"") and row.payload["rcpt_tos"] == [f"reply+{token}@relay.test"]
        with smtplib.SMTP(host, port, timeout=10) as client:  # the sender's MTA retries the same message
            client.send_message(mail)
        assert len(_rows(runtime)) == 1
        with smtplib.SMTP(host, port, timeout=10) as client:  # another message is another row
            client.send_message(_mail(f"reply+{token}@relay.test", message_id="<reply-2@mail.example.org>"))
        assert len(_rows(runtime)) == 2


def test_oversized_message_gets_552(make_runtime: Any, sqlite_url: str) -> None:
    runtime = make_runtime(database_url=sqlite_url)
    token = _token(runtime)
    with servers.smtp(runtime, max_bytes=2000) as (host, port), smtplib.SMTP(host, port, timeout=10) as client:
        with pytest.raises(smtplib.SMTPResponseException) as refused:
            client.send_message(_mail(f"reply+{token}@relay.test", body="x" * 5000))
        assert refused.value.smtp_code == 552
    assert _rows(runtime) == []


def test_internal_failure_answers_451_not_500(make_runtime: Any, sqlite_url: str) -> None:
    runtime = make_runtime(database_url=sqlite_url)
    token = _token(runtime)
    with runtime.engine.begin() as connection:
        connection.execute(text("ALTER TABLE inbound_messages RENAME TO inbound_messages_away"))
    with servers.smtp(runtime) as (host, port), smtplib.SMTP(host, port, timeout=10) as client:
        with pytest.raises(smtplib.SMTPDataError) as refused:
            client.send_message(_mail(f"reply+{token}@relay.test"))
        assert refused.value.smtp_code == 451


def test_starttls_is_offered_with_a_certificate(make_runtime: Any, sqlite_url: str, tmp_path: Path) -> None:
    cert, key = certs.self_signed(tmp_path)
    runtime = make_runtime(database_url=sqlite_url)
    token = _token(runtime)
    tls = smtp_server.tls_context(cert, key)
    with servers.smtp(runtime, tls=tls) as (host, port), smtplib.SMTP(host, port, timeout=10) as client:
        client.ehlo()
        assert client.has_extn("starttls")
        client.starttls(context=ssl._create_unverified_context())
        client.ehlo()
        client.send_message(_mail(f"reply+{token}@relay.test"))
    assert len(_rows(runtime)) == 1


def test_stored_email_is_processed_once(make_runtime: Any, backend: dict[str, Any]) -> None:
    from relay.processes import start_worker

    runtime = make_runtime(**backend)
    token = _token(runtime)
    runtime.extra["workers"] = [start_worker(runtime, threads=2)]
    with servers.smtp(runtime) as (host, port):
        for _ in range(3):
            with smtplib.SMTP(host, port, timeout=10) as client:
                client.send_message(_mail(f"reply+{token}@relay.test"))
    rows = wait_until(lambda: [r for r in _rows(runtime) if r.status != "received"], what="processing")
    assert len(rows) == 1 and rows[0].attempts == 1
