"""Channel tables: the outbox, stored inbound input, action tokens and SMS opt-outs."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from workflow.base import Base, BigId, utcnow


class Status(enum.StrEnum):
    queued = "queued"
    sending = "sending"
    sent = "sent"
    delivered = "delivered"
    undelivered = "undelivered"
    failed = "failed"
    bounced = "bounced"
    suppressed = "suppressed"  # deliberately not sent (the daily cap on automatic notices)


class OutboundEvent(enum.StrEnum):
    """What happens to an outbound message, and who makes it happen."""

    claim = "claim"  # delivery: a worker takes a due row (one UPDATE only one worker wins)
    reclaim = "reclaim"  # delivery: a row left `sending` by a worker that stopped is taken again
    accept = "accept"  # delivery: the provider took it
    retry = "retry"  # delivery: let go to try later (a transient error, quiet hours, an internal error)
    fail = "fail"  # delivery: a permanent error, or out of attempts
    reported_sent = "reported_sent"  # Twilio's status callback: sent (only a row not yet sent)
    reported_delivered = "reported_delivered"  # Twilio's status callback: delivered or read
    reported_undelivered = "reported_undelivered"  # Twilio's status callback: undelivered
    reported_failed = "reported_failed"  # Twilio's status callback: failed or canceled
    bounce = "bounce"  # a bounce report for an email (even one reported delivered)
    block = "block"  # the outbox, writing the row: the address bounced or the number opted out
    cap = "cap"  # the outbox, writing the row: the daily cap on automatic notices is reached


# Every allowed move; anything else is refused. A row is written `queued` (or at once `failed` or
# `suppressed` by the outbox). Final statuses never move on: provider callbacks arrive out of
# order, and a late `sent` must not undo a `delivered`.
_UNFINISHED = (Status.queued, Status.sending, Status.sent)
MOVES: dict[tuple[Status, OutboundEvent], Status] = {
    (Status.queued, OutboundEvent.claim): Status.sending,
    (Status.sending, OutboundEvent.reclaim): Status.sending,
    (Status.sending, OutboundEvent.accept): Status.sent,
    (Status.sending, OutboundEvent.retry): Status.queued,
    (Status.sending, OutboundEvent.fail): Status.failed,
    (Status.queued, OutboundEvent.reported_sent): Status.sent,
    (Status.sending, OutboundEvent.reported_sent): Status.sent,
    **{(s, OutboundEvent.reported_delivered): Status.delivered for s in _UNFINISHED},
    **{(s, OutboundEvent.reported_undelivered): Status.undelivered for s in _UNFINISHED},
    **{(s, OutboundEvent.reported_failed): Status.failed for s in _UNFINISHED},
    **{(s, OutboundEvent.bounce): Status.bounced for s in (*_UNFINISHED, Status.delivered)},
    (Status.queued, OutboundEvent.block): Status.failed,
    (Status.queued, OutboundEvent.cap): Status.suppressed,
}
# Final: nothing moves a message on from these but a bounce, which may follow a `delivered`.
FINAL_STATUSES = frozenset(set(Status) - {state for state, event in MOVES if event != OutboundEvent.bounce})


class BadMove(ValueError):
    """A move the table does not allow."""


def move(status: Status, event: OutboundEvent) -> Status:
    """Where `event` takes a message in `status`; BadMove if the table does not allow it."""
    target = MOVES.get((status, event))
    if target is None:
        raise BadMove(f"an outbound message {status} cannot {event}")
    return target


def moves_from(event: OutboundEvent) -> list[str]:
    """The statuses `event` may move a message from (for a writer's `WHERE status IN (...)`)."""
    return [state.value for state in Status if (state, event) in MOVES]


def may(status_column: Any, event: OutboundEvent) -> ColumnElement[bool]:
    """The WHERE clause of a writer: the row's status is one `event` may move on."""
    states = moves_from(event)
    return cast(ColumnElement[bool], status_column == states[0] if len(states) == 1 else status_column.in_(states))


def target(event: OutboundEvent) -> Status:
    """Where `event` takes a message (each event has one target)."""
    (found,) = {to for (_, e), to in MOVES.items() if e == event}
    return found


class InboundStatus(enum.StrEnum):
    """Where a stored inbound message is; processing records what it came to (`Outcome`)."""

    received = "received"  # stored and acknowledged, waiting to be processed
    processed = "processed"  # understood and applied (or answered)
    ignored = "ignored"  # deliberately not acted on (a loop, an auto-reply, an opted-out number)
    quarantined = "quarantined"  # could not be matched to anything; kept for a person to look at
    failed = "failed"  # handling raised: the error is kept, the handling rolled back


# Processing moves a row once, from `received`; every other status is final.
INBOUND_MOVES: dict[InboundStatus, frozenset[InboundStatus]] = {
    InboundStatus.received: frozenset(
        {InboundStatus.processed, InboundStatus.ignored, InboundStatus.quarantined, InboundStatus.failed}
    ),
}


def inbound_move(status: InboundStatus, to: InboundStatus) -> InboundStatus:
    """`to`, if the table allows an inbound message to move there from `status`; else BadMove."""
    if to not in INBOUND_MOVES.get(status, frozenset()):
        raise BadMove(f"an inbound message {status} cannot become {to}")
    return to


class OutboundMessage(Base):
    """One email or SMS. Written `queued` in the business transaction; the row is the truth."""

    __tablename__ = "outbound_messages"
    # Every delivery changes `status`, so no update is HOT and each one writes every index the
    # row is in: the indexes are partial, holding only the rows their queries look for.
    __table_args__ = (
        Index(
            "ix_outbound_due",
            "status",
            "next_attempt_at",
            postgresql_where=text("status IN ('queued', 'sending')"),
            sqlite_where=text("status IN ('queued', 'sending')"),
        ),
        Index(
            "ix_outbound_provider_id",
            "provider_id",
            postgresql_where=text("provider_id IS NOT NULL"),
            sqlite_where=text("provider_id IS NOT NULL"),
        ),
        Index(
            "ix_outbound_notices",
            "to_address",
            "created_at",
            postgresql_where=text("kind IN ('notice', 'alert')"),
            sqlite_where=text("kind IN ('notice', 'alert')"),
        ),
        # Bodies live out of line (TOAST), so the updates of delivery copy a short row.
        {"postgresql_with": {"toast_tuple_target": 256}},
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel: Mapped[str] = mapped_column(String(8))
    status: Mapped[Status] = mapped_column(String(16), default=Status.queued)
    kind: Mapped[str] = mapped_column(String(16), default="message")
    template: Mapped[str] = mapped_column(String(100))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    to_address: Mapped[str] = mapped_column(String(320))
    # The sender: an email address, a phone number, or for a Messaging Service the pool's number
    # this recipient is kept on (its pacing lane); then the service picks the number it sends from.
    from_address: Mapped[str] = mapped_column(String(320))
    messaging_service_sid: Mapped[str | None] = mapped_column(String(34))
    subject: Mapped[str | None] = mapped_column(String(500))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    segments: Mapped[int | None] = mapped_column()
    message_id_header: Mapped[str | None] = mapped_column(String(250))
    reply_to: Mapped[str | None] = mapped_column(String(320))
    references: Mapped[str | None] = mapped_column(String(1000))
    provider_id: Mapped[str | None] = mapped_column(String(100))
    attempts: Mapped[int] = mapped_column(default=0)
    # The last attempt may have reached the provider (a crash or a timeout mid-send).
    uncertain: Mapped[bool] = mapped_column(default=False)
    last_error: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    enqueued_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column()
    sent_at: Mapped[datetime | None] = mapped_column()
    final_at: Mapped[datetime | None] = mapped_column()
    latency_ms: Mapped[int | None] = mapped_column()


class InboundMessage(Base):
    """Raw input, stored before it is acknowledged: accepted means never lost."""

    __tablename__ = "inbound_messages"
    __table_args__ = (
        UniqueConstraint("channel", "provider_id"),
        Index("ix_inbound_status", "status", "received_at"),
        # A number's texts still waiting, in order (each text is handled after the earlier ones).
        Index(
            "ix_inbound_waiting_by_sender",
            "sender",
            "id",
            postgresql_where=text("status = 'received'"),
            sqlite_where=text("status = 'received'"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel: Mapped[str] = mapped_column(String(8))
    provider_id: Mapped[str] = mapped_column(String(250))
    sender: Mapped[str] = mapped_column(String(320))
    recipient: Mapped[str | None] = mapped_column(String(320))
    raw: Mapped[bytes | None] = mapped_column(LargeBinary)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[InboundStatus] = mapped_column(String(16), default=InboundStatus.received)
    kind: Mapped[str | None] = mapped_column(String(32))
    result: Mapped[str | None] = mapped_column(String(2000))
    attempts: Mapped[int] = mapped_column(default=0)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    enqueued_at: Mapped[datetime] = mapped_column(default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column()


class ActionToken(Base):
    """The row behind a signed token: what it may do, for whom, and whether it was used."""

    __tablename__ = "action_tokens"
    __table_args__ = (Index("ix_action_tokens_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    purpose: Mapped[str] = mapped_column(String(48))
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int] = mapped_column()
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column()
    used_via: Mapped[str | None] = mapped_column(String(16))
    outcome: Mapped[str | None] = mapped_column(String(500))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)  # e.g. the days a digest lists, in order


class ShortLink(Base):
    """A short path for a link in a text, `/t/<code>`: the signed token it stands for, expiring
    with it (`messaging.short_links`). Emails carry the full token link."""

    __tablename__ = "short_links"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    token: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column()


class SmsOptOut(Base):
    """A phone number that texted STOP (or a carrier said so); nothing is sent to it."""

    __tablename__ = "sms_opt_outs"

    phone: Mapped[str] = mapped_column(String(20), primary_key=True)
    opted_out: Mapped[bool] = mapped_column(default=True)
    keyword: Mapped[str | None] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class BouncedAddress(Base):
    """An email address that bounced permanently; nothing more is sent to it until it changes."""

    __tablename__ = "bounced_addresses"

    address: Mapped[str] = mapped_column(String(320), primary_key=True)
    status: Mapped[str | None] = mapped_column(String(16))
    diagnostic: Mapped[str | None] = mapped_column(String(500))
    bounced_at: Mapped[datetime] = mapped_column(default=utcnow)


class SmsConversation(Base):
    """Per phone number: what Relay asked last and is waiting for, and when help was last sent."""

    __tablename__ = "sms_conversations"

    phone: Mapped[str] = mapped_column(String(20), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(32))
    context: Mapped[dict[str, Any]] = mapped_column(default=dict)
    expires_at: Mapped[datetime | None] = mapped_column()
    last_help_at: Mapped[datetime | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
