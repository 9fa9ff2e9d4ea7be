"""The `process_inbound` actor: one stored message, understood and applied in one transaction.

The row is locked and checked first, so a duplicate delivery of the actor's message does nothing.
A bug while handling rolls back the handling only (a savepoint): the row is marked `failed` with
the error, nothing is lost, and an SMS sender still gets an answer. A database that went away
rolls back everything and Dramatiq retries the message.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from messaging import context, outbox
from messaging.inbound.handling import conversation as conversations
from messaging.inbound.handling import email_replies, sms
from messaging.inbound.handling.outcome import Outcome, OutcomeKind
from messaging.models import InboundMessage, InboundStatus, inbound_move
from workflow.base import utcnow
from workflow.notifications import Category, Notification

log = logging.getLogger(__name__)
IM = InboundMessage


def process_inbound(*message_ids: int) -> None:
    """The actor: each message in its own transaction (a batch of them shares one broker message)."""
    for message_id in message_ids:
        process_one(message_id)


def process_one(message_id: int) -> None:
    """Texts from one number are handled in the order they arrived: the number's conversation is
    locked first, and any earlier text still waiting is handled before this one."""
    now = utcnow()
    with context.current().sessions.begin() as session:
        head = session.execute(select(IM.channel, IM.sender, IM.status).where(IM.id == message_id)).one_or_none()
        if head is None or head.status != InboundStatus.received:
            return
        if head.channel == "sms":
            conversations.lock(session, head.sender, now)
            rows = session.scalars(
                select(IM)
                .where(
                    IM.channel == "sms",
                    IM.sender == head.sender,
                    IM.status == InboundStatus.received,
                    IM.id <= message_id,
                )
                .order_by(IM.id)
                .with_for_update()
            ).all()
        else:
            found = session.get(IM, message_id, with_for_update=True)
            rows = [found] if found is not None and found.status == InboundStatus.received else []
        for row in rows:
            _process(session, row, now)


def _process(session: Session, row: InboundMessage, now: datetime) -> None:
    row.attempts += 1
    try:
        with session.begin_nested():
            outcome = _handle(session, row)
    except DBAPIError:
        raise
    except Exception as exc:
        log.exception("inbound message %s could not be handled", row.id)
        outcome = Outcome(InboundStatus.failed, OutcomeKind.error, f"{type(exc).__name__}: {exc}")
        _apologise(session, row)
    row.status = inbound_move(row.status, outcome.status)
    row.kind, row.result = outcome.kind, outcome.result[:2000]
    row.processed_at = now


def _handle(session: Session, row: InboundMessage) -> Outcome:
    now = utcnow()
    if row.channel == "sms":
        return sms.handle(session, row, now)
    if row.channel == "email":
        return email_replies.handle(session, row, now)
    return Outcome(InboundStatus.quarantined, OutcomeKind.unknown_channel, row.channel)


def _apologise(session: Session, row: InboundMessage) -> None:
    """Never silence: a texter whose message broke something hears so."""
    if row.channel != "sms":
        return
    person = sms.sender(session, row.sender)
    note = Notification(
        template="sms/sorry", to=person, to_address=None if person else row.sender, kind=Category.answer
    )
    outbox.queue(session, [note])
