"""Forged bounces, through the SMTP door: a delivery report counts only at the message's own
return path (bounce+<token>), and only for the address that message went to."""

from __future__ import annotations

import smtplib
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from messaging import addresses, outbox, tokens
from messaging.inbound.handling import processing
from messaging.models import BouncedAddress, InboundMessage, OutboundMessage, Status
from messaging.outbound import failures
from tests.conftest import TEST_KEYS
from tests.support import builders, servers
from workflow.models import AuditEntry, Person, Role
from workflow.notifications import Notification

DOMAIN = "relay.test"
VICTIM = "ruth@example.org"


def _header_bounce(to: str, failed: str = VICTIM) -> bytes:
    return (
        f"From: Mail Delivery System <Mailer-Daemon@mx.attacker.example>\r\nTo: {to}\r\n"
        "Subject: Mail delivery failed: returning message to sender\r\n"
        f"X-Failed-Recipients: {failed}\r\nMessage-ID: <h-{to}@attacker.example>\r\n\r\n"
        f"The following address(es) failed:\r\n\r\n  {failed}\r\n    550 5.1.1 User unknown\r\n"
    ).encode()


def _dsn(to: str, failed: str = VICTIM, status: str = "5.1.1", n: int = 0) -> bytes:
    return (
        f"From: Mail Delivery Subsystem <mailer-daemon@mx.example.org>\r\nTo: {to}\r\n"
        f"Subject: Delivery Status Notification (Failure)\r\nMessage-ID: <d{n}-{to}@mx.example.org>\r\n"
        'MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        "--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.org\r\n\r\n"
        f"Final-Recipient: rfc822; {failed}\r\nAction: failed\r\nStatus: {status}\r\n"
        f"Diagnostic-Code: smtp; 550 {status} mailbox trouble\r\n\r\n--b--\r\n"
    ).encode()


def _plain(to: str, failed: str = VICTIM) -> bytes:
    return (
        f"From: postmaster@mx.attacker.example\r\nTo: {to}\r\nSubject: Undelivered Mail Returned to Sender\r\n"
        f"Message-ID: <p-{to}@attacker.example>\r\n\r\n"
        f"I'm sorry to have to inform you that your message could not be delivered.\r\n<{failed}>: "
        "host mx.example.org said: 550 5.1.1 user unknown\r\n"
    ).encode()


def _world(runtime: Any) -> tuple[int, str]:
    """Ruth, mentor at Lincoln High; one email Relay sent her; a reply token of hers."""
    with runtime.sessions.begin() as session:
        lincoln = builders.school(session, name="Lincoln High")
        builders.person(session, lincoln, Role.coordinator, "Cora Diaz", "cora@example.org")
        ruth = builders.person(session, lincoln, Role.mentor, "Ruth Chen", VICTIM)
        [sent] = outbox.queue(
            session, [Notification(template="email/reply_unmatched", to=ruth, context={"subject": "x"})]
        )
        token = tokens.issue(
            session,
            purpose="student.pages",
            object_type="person",
            object_id=ruth.id,
            person_id=ruth.id,
            ttl=timedelta(days=3),
            keys=TEST_KEYS,
            now=datetime.now(UTC),
        )
        return sent.id, token


def _send(host: str, port: int, to: str, raw: bytes, mail_from: str = "") -> None:
    with smtplib.SMTP(host, port, timeout=10) as client:
        client.sendmail(mail_from, [to], raw)


def _process(runtime: Any) -> list[InboundMessage]:
    with runtime.sessions() as session:
        waiting = list(session.scalars(select(InboundMessage.id).where(InboundMessage.status == "received")))
    processing.process_inbound(*waiting)
    with runtime.sessions() as session:
        return list(session.scalars(select(InboundMessage).order_by(InboundMessage.id)))


def _blocked(runtime: Any) -> list[str]:
    with runtime.sessions() as session:
        return list(session.scalars(select(BouncedAddress.address)))


def test_forged_bounces_anywhere_but_the_return_path_are_stored_and_ignored(
    make_runtime: Any, backend: dict[str, Any]
) -> None:
    runtime = make_runtime(**backend)
    sent_id, token = _world(runtime)
    targets = [f"reply@{DOMAIN}", f"reply+{token}@{DOMAIN}"]
    with servers.smtp(runtime) as (host, port):
        for to in targets:
            for make in (_header_bounce, _dsn, _plain):
                for mail_from in ("", "attacker@evil.example", VICTIM):
                    _send(host, port, to, make(to), mail_from)
    rows = _process(runtime)
    assert len(rows) == 18  # every 250 stored ...
    assert {(r.status, r.kind) for r in rows} == {("ignored", "bounce_unverified")}  # ... and set aside
    assert _blocked(runtime) == []
    with runtime.sessions() as session:
        assert session.get_one(OutboundMessage, sent_id).status == Status.queued
        to_cora = select(OutboundMessage).where(OutboundMessage.to_address == "cora@example.org")
        assert session.scalars(to_cora).all() == []  # no coordinator told "Could not reach ..."


def test_a_bounce_at_the_return_path_blocks_only_that_messages_recipient_and_a_reply_clears_it(
    make_runtime: Any, backend: dict[str, Any]
) -> None:
    runtime = make_runtime(**backend)
    sent_id, token = _world(runtime)
    verp = addresses.bounce_address(sent_id, TEST_KEYS, DOMAIN)
    with servers.smtp(runtime) as (host, port):
        # The report names Cora too: only Ruth, whom this message went to, is blocked.
        _send(host, port, verp, _dsn(verp, failed="cora@example.org"))
        rows = _process(runtime)
        assert [(r.status, r.kind) for r in rows] == [("processed", "bounce")]
        assert _blocked(runtime) == [VICTIM]
        with runtime.sessions() as session:
            assert session.get_one(OutboundMessage, sent_id).status == Status.bounced
        reply = (
            f"From: Ruth Chen <{VICTIM}>\r\nTo: reply+{token}@{DOMAIN}\r\nSubject: Re: hello\r\n"
            "Message-ID: <r1@example.org>\r\n\r\nI am back, my mailbox works again.\r\n"
        ).encode()
        _send(host, port, f"reply+{token}@{DOMAIN}", reply, VICTIM)
    _process(runtime)
    assert _blocked(runtime) == []
    with runtime.sessions() as session:
        [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "email.bounce_cleared"))
        assert entry.channel == "email" and entry.detail["address"] == VICTIM


def test_soft_bounces_count_only_when_they_repeat(make_runtime: Any, sqlite_url: str) -> None:
    runtime = make_runtime(database_url=sqlite_url)
    first, _ = _world(runtime)
    with runtime.sessions.begin() as session:
        ruth = session.scalars(select(Person).where(Person.email == VICTIM)).one()
        more = outbox.queue(
            session,
            [Notification(template="email/reply_unmatched", to=ruth, context={"subject": s}) for s in "yz"],
        )
        ids = [first, *(m.id for m in more)]
    with servers.smtp(runtime) as (host, port):
        for n, message_id in enumerate(ids):
            verp = addresses.bounce_address(message_id, TEST_KEYS, DOMAIN)
            _send(host, port, verp, _dsn(verp, status="4.2.2", n=n))
            _send(host, port, verp, _dsn(verp, status="4.2.2", n=n + 10))  # the same message again: no count
            _process(runtime)
            assert _blocked(runtime) == ([VICTIM] if n == 2 else [])


def test_a_coordinator_clears_a_bounce_audited(make_runtime: Any, sqlite_url: str) -> None:
    runtime = make_runtime(database_url=sqlite_url)
    now = datetime.now(UTC)
    with runtime.sessions.begin() as session:
        cora = builders.person(session, builders.school(session), Role.coordinator, "Cora", "c@example.org")
        session.add(BouncedAddress(address=VICTIM, status="5.1.1", diagnostic="x", bounced_at=now))
        session.flush()
        assert failures.clear_bounce(session, "Ruth@Example.org", cora, now) is True
        assert failures.clear_bounce(session, VICTIM, cora, now) is False
        cora_id = cora.id
    assert _blocked(runtime) == []
    with runtime.sessions() as session:
        [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "email.bounce_cleared"))
        assert entry.actor_id == cora_id
