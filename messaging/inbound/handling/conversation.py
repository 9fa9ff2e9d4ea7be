"""Per phone number, what Relay asked last ("waiting for today's goals", "which one: 1 or 2")
and until when; and when help text was last sent, so a repeating sender gets it once an hour."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from messaging.models import SmsConversation
from workflow.notifications import Expectation

HELP_INTERVAL = timedelta(hours=1)


def lock(session: Session, phone: str, now: datetime) -> SmsConversation:
    """The number's conversation row, created if need be and locked for this transaction: texts
    from one number are handled one at a time."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(
        dialect.insert(SmsConversation)
        .values(phone=phone, context={}, updated_at=now)
        .on_conflict_do_nothing(index_elements=["phone"])
    )
    conversation = session.get(SmsConversation, phone, with_for_update=True, populate_existing=True)
    assert conversation is not None
    return conversation


def load(session: Session, phone: str, now: datetime) -> SmsConversation:
    conversation = lock(session, phone, now)
    if conversation.expires_at is not None and conversation.expires_at <= now:
        conversation.state, conversation.context, conversation.expires_at = None, {}, None
    return conversation


def expecting(conversation: SmsConversation) -> Expectation | None:
    if not conversation.state:
        return None
    ids = tuple(int(i) for i in conversation.context.get("object_ids", []))
    known = tuple((str(k), str(v)) for k, v in dict(conversation.context.get("known", {})).items())
    return Expectation(conversation.state, ids, known=known)


def remember(conversation: SmsConversation, expectation: Expectation | None, now: datetime) -> None:
    if expectation is None:
        conversation.state, conversation.context, conversation.expires_at = None, {}, None
    else:
        conversation.state = expectation.kind
        conversation.context = {"object_ids": list(expectation.object_ids), "known": dict(expectation.known)}
        conversation.expires_at = now + expectation.ttl
    conversation.updated_at = now


def take_help_turn(conversation: SmsConversation, now: datetime) -> bool:
    """True (and noted) if help text may be sent now: at most once an hour to a number."""
    if conversation.last_help_at is not None and now - conversation.last_help_at < HELP_INTERVAL:
        return False
    conversation.last_help_at = now
    return True
