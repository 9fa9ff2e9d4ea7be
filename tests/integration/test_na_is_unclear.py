"""A mentor's "N/A" is not "no": through the SMTP door it leaves the day pending, disputes nothing,
tells no coordinator, and asks the mentor a short question."""

from __future__ import annotations

import smtplib
from typing import Any

import pytest
from sqlalchemy import select

from messaging.inbound.handling import processing
from messaging.models import InboundMessage, OutboundMessage
from relay.dev import mail
from tests.support import builders, inbound, servers
from tests.support.builders import STUDENT_PHONE
from workflow.models import DayStatus, InternshipDay


@pytest.mark.parametrize("answer", ["N/A", "n/a", "na"])
def test_na_from_a_mentor_is_unclear_not_no(make_runtime: Any, sqlite_url: str, answer: str) -> None:
    runtime = make_runtime(database_url=sqlite_url, quiet_hours="00:00-00:00")
    builders.build(runtime)
    inbound.sms(runtime, STUDENT_PHONE, "CHECKIN")
    inbound.sms(runtime, STUDENT_PHONE, "CHECKOUT")
    [confirm] = [m for m in inbound.sent(runtime, "ruth@example.org") if m.template == "email/mentor_confirm"]
    reply = mail.gmail_reply(mail.Original.from_row(confirm), sender="Ruth Chen <ruth@example.org>", text=answer)
    with servers.smtp(runtime) as (host, port), smtplib.SMTP(host, port, timeout=10) as client:
        assert client.sendmail("ruth@example.org", [confirm.reply_to or ""], reply.as_bytes()) == {}
    with runtime.sessions() as session:
        [row_id] = session.scalars(select(InboundMessage.id).where(InboundMessage.channel == "email"))
    processing.process_inbound(row_id)
    with runtime.sessions() as session:
        day = session.scalars(select(InternshipDay)).one()
        assert day.status == DayStatus.pending, "nothing decided"
        stored = session.get_one(InboundMessage, row_id)
        assert stored.status == "processed"
        to_ruth = [
            m.template
            for m in session.scalars(select(OutboundMessage).where(OutboundMessage.to_address == "ruth@example.org"))
        ]
        to_cora = list(session.scalars(select(OutboundMessage).where(OutboundMessage.to_address == "cora@example.org")))
    assert to_ruth == ["email/mentor_confirm", "email/mentor_clarify"], "a short question back"
    assert to_cora == [], "no coordinator is told of a dispute"
