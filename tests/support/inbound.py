"""Feeding stored input through processing, as the front doors would."""

from __future__ import annotations

import itertools
import re

import httpx
from sqlalchemy import select

from messaging.inbound.doors import store
from messaging.inbound.handling import processing
from messaging.models import InboundMessage, OutboundMessage
from relay.runtime import Runtime

_ids = itertools.count(1)


def sms(runtime: Runtime, phone: str, body: str) -> InboundMessage:
    sid = f"SM{next(_ids):032d}"
    with runtime.context.single_statements() as connection:
        row_id, _ = store.store(
            connection,
            channel="sms",
            provider_id=sid,
            sender=phone,
            recipient="+15005550006",
            payload={"From": phone, "Body": body, "MessageSid": sid},
        )
    processing.process_inbound(row_id)
    return _row(runtime, row_id)


def email(runtime: Runtime, raw: bytes, rcpt: str, mail_from: str = "ruth@example.org") -> InboundMessage:
    with runtime.context.single_statements() as connection:
        row_id, _ = store.store(
            connection,
            channel="email",
            provider_id=f"m{next(_ids)}",
            sender=mail_from,
            recipient=rcpt,
            raw=raw,
            payload={"rcpt_tos": [rcpt], "mail_from": mail_from},
        )
    processing.process_inbound(row_id)
    return _row(runtime, row_id)


def _row(runtime: Runtime, row_id: int) -> InboundMessage:
    with runtime.sessions() as session:
        row = session.get(InboundMessage, row_id)
        assert row is not None
        return row


def sent(runtime: Runtime, to: str) -> list[OutboundMessage]:
    with runtime.sessions() as session:
        return list(
            session.scalars(
                select(OutboundMessage).where(OutboundMessage.to_address == to).order_by(OutboundMessage.id)
            )
        )


SHORT_LINK = re.compile(r"https?://[^\s/]+(/t/\w+)")


def signed_path(base: str, text: str) -> str:
    """The `/l/<token>` path a text's short link `/t/<code>` leads to, asked of the web app at `base`."""
    found = SHORT_LINK.search(text)
    assert found, f"no short link in {text!r}"
    answer = httpx.get(base + found.group(1), follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return str(answer.headers["location"])
