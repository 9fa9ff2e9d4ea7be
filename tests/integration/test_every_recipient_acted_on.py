"""Each accepted (message, recipient) is its own input: one email to two reply tokens is read
against both, and the same Message-ID arriving later for another token is stored and read too."""

from __future__ import annotations

import smtplib
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from messaging import tokens
from messaging.inbound.handling import processing
from messaging.models import InboundMessage
from tests.conftest import TEST_KEYS
from tests.support import builders, servers
from workflow.models import Role


def _tokens(runtime: Any, n: int) -> list[str]:
    with runtime.sessions.begin() as session:
        ruth = builders.person(session, builders.school(session), Role.mentor, "Ruth Chen", "ruth@example.org")
        return [
            tokens.issue(
                session,
                purpose="student.pages",
                object_type="person",
                object_id=i,
                person_id=ruth.id,
                ttl=timedelta(days=3),
                keys=TEST_KEYS,
                now=datetime.now(UTC),
            )
            for i in range(n)
        ]


def _mail(to: list[str]) -> bytes:
    return (
        f"From: Ruth Chen <ruth@example.org>\r\nTo: {', '.join(to)}\r\nSubject: Re: both\r\n"
        "Message-ID: <same-1@example.org>\r\n\r\nYes to both.\r\n"
    ).encode()


def test_two_tokens_in_one_email_and_the_same_message_again_for_another(
    make_runtime: Any, backend: dict[str, Any]
) -> None:
    runtime = make_runtime(**backend)
    one, two, three = (f"reply+{t}@relay.test" for t in _tokens(runtime, 3))
    with servers.smtp(runtime) as (host, port):
        with smtplib.SMTP(host, port, timeout=10) as client:
            assert client.sendmail("ruth@example.org", [one, two, "reply@relay.test"], _mail([one, two])) == {}
        with smtplib.SMTP(host, port, timeout=10) as client:  # a retry: nothing new
            client.sendmail("ruth@example.org", [one, two, "reply@relay.test"], _mail([one, two]))
        with smtplib.SMTP(host, port, timeout=10) as client:  # the same Message-ID, another token
            client.sendmail("ruth@example.org", [three], _mail([three]))
    with runtime.sessions() as session:
        ids = list(session.scalars(select(InboundMessage.id).order_by(InboundMessage.id)))
    processing.process_inbound(*ids)
    with runtime.sessions() as session:
        rows = list(session.scalars(select(InboundMessage).order_by(InboundMessage.id)))
    assert [r.recipient for r in rows] == [one, two, three]
    assert rows[0].payload["rcpt_tos"] == [one, "reply@relay.test"]
    # Each one read against its own token (student.pages takes no replies: the token's purpose
    # is what the outcome names, so the token was found and checked for each).
    assert [(r.status, r.kind) for r in rows] == [("ignored", "no_handler")] * 3
