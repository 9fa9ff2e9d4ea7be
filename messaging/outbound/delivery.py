"""Delivering one stored message: claim it, pace it, send it, record what happened.

The claim (`queued -> sending`, one UPDATE that only one worker can win) makes a duplicate
delivery message a no-op, so the broker may deliver at least once and the reader still gets one
message. A row left `sending` by a worker that died is claimed again once it is stale; then a
transport that can ask its provider (Twilio) checks first whether the message already went out.
"""

from __future__ import annotations

import logging
import random
import time
from datetime import datetime, timedelta

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from messaging import context, outbox
from messaging.models import OutboundMessage, SmsOptOut, Status
from messaging.outbound.transports import PermanentError, Reconciling, SendResult, TransientError
from workflow import alerts
from workflow.base import utcnow
from workflow.models import Person

log = logging.getLogger(__name__)
PACING_SLACK_SECONDS = 0.02
# Delayed broker messages arrive within about one poll interval (the worker timeout, 100 ms) of
# their time: a paced SMS comes back this much before its slot and sleeps the rest in-thread.
EARLY_RETURN_SECONDS = 0.2
# Back later than this after its slot, a paced SMS takes a new slot instead of sending at once.
LATE_SECONDS = 0.25
OM = OutboundMessage


def deliver(message_id: int, slot: float | None = None) -> None:
    """The body of the `deliver_email` and `deliver_sms` actors.

    `slot` is the wall-clock time (epoch seconds) an SMS was paced to. The broker's delay is only
    as precise as its polling, so a paced message comes back a little early and waits in-thread.
    """
    ctx = context.current()
    now = utcnow()
    if slot is not None and time.time() <= slot + LATE_SECONDS:
        if _near(message_id, slot):
            attempt(message_id, slot)
        return
    with ctx.sessions() as session:
        head = session.execute(
            select(OM.channel, OM.status, OM.next_attempt_at, OM.from_address, OM.segments).where(OM.id == message_id)
        ).one_or_none()
    if head is None:
        log.info("message %s does not exist (rolled back?); nothing to send", message_id)
        return
    channel, status, due, sender, segments = head
    if status not in (Status.queued, Status.sending):
        return  # already sent or finished: a duplicate delivery changes nothing
    if status == Status.queued and due > now + timedelta(seconds=PACING_SLACK_SECONDS):
        ctx.enqueue(f"deliver_{channel}", (message_id,), outbox.delay_ms_until(due, now))
        return
    slot = None
    if channel == "sms" and ctx.pacer is not None and status == Status.queued:
        # A paced message the broker returned late takes a new slot rather than bursting.
        slot = time.time() + ctx.pacer.reserve(sender, segments or 1)
        if not _near(message_id, slot):
            return
    attempt(message_id, slot)


def _near(message_id: int, slot: float) -> bool:
    """True if the slot is near enough to wait for in-thread; else hand the message back to the
    broker to return shortly before it."""
    wait = slot - time.time()
    if wait <= EARLY_RETURN_SECONDS:
        return True
    context.current().enqueue("deliver_sms", (message_id, slot), int((wait - EARLY_RETURN_SECONDS) * 1000))
    return False


def attempt(message_id: int, slot: float | None = None) -> None:
    """Claim the row and send it (at `slot`, if paced: claimed first so the database never makes
    a paced message late)."""
    ctx = context.current()
    now = utcnow()
    with ctx.sessions.begin() as session:
        row, recovering = claim(session, message_id, now)
    if row is None:
        return
    if slot is not None and slot > time.time():
        time.sleep(slot - time.time())
    transport = ctx.transports[row.channel]
    try:
        if recovering and isinstance(transport, Reconciling):
            found = _already_sent(row, transport)
            if found is not None:
                _record_sent(row, found, utcnow())
                return
        result = transport.send(row)
    except PermanentError as exc:
        _record_failure(row, exc, utcnow())
    except TransientError as exc:
        _record_retry(row, exc, utcnow())
    except Exception as exc:
        # A bug or the database going away: let the row go so it is tried again, then let
        # Dramatiq's Retries middleware log and retry the message.
        _release(row, f"internal error: {exc!r}")
        raise
    else:
        _record_sent(row, result, utcnow())


def claim(session: Session, message_id: int, now: datetime) -> tuple[OutboundMessage | None, bool]:
    """Take the row for this worker. Returns (row, recovering) or (None, False) if not ours."""
    stmt = (
        update(OM)
        .where(OM.id == message_id, OM.status == Status.queued, OM.next_attempt_at <= now + timedelta(seconds=PACING_SLACK_SECONDS))
        .values(status=Status.sending, claimed_at=now, attempts=OM.attempts + 1)
        .returning(OM)
        .execution_options(synchronize_session=False)
    )
    row = session.scalars(stmt).one_or_none()
    if row is not None:
        return row, row.uncertain
    stale = now - timedelta(seconds=context.current().config.stale_sending)
    stmt = (
        update(OM)
        .where(OM.id == message_id, OM.status == Status.sending, OM.claimed_at <= stale)
        .values(status=Status.sending, claimed_at=now, attempts=OM.attempts + 1, uncertain=True)
        .returning(OM)
        .execution_options(synchronize_session=False)
    )
    row = session.scalars(stmt).one_or_none()
    if row is not None:
        log.warning("message %s was left sending by a worker that stopped; trying again", message_id)
        return row, True
    return None, False


def _already_sent(row: OutboundMessage, transport: Reconciling) -> SendResult | None:
    candidates = transport.accepted(row)
    if not candidates:
        return None
    with context.current().sessions() as session:
        for provider_id in candidates:
            taken = session.scalar(select(exists().where(OM.provider_id == provider_id, OM.id != row.id)))
            if not taken:
                return SendResult(provider_id=provider_id, detail="already accepted before an interruption")
    return None


def _record_sent(row: OutboundMessage, result: SendResult, now: datetime) -> None:
    latency = int((now - row.created_at).total_seconds() * 1000)
    with context.current().sessions.begin() as session:
        done = session.execute(
            update(OM)
            .where(OM.id == row.id, OM.status == Status.sending)
            .values(
                status=Status.sent, provider_id=result.provider_id, sent_at=now, latency_ms=latency,
                last_error=None, uncertain=False,
            )
            .execution_options(synchronize_session=False)
        )
        if not done.rowcount:  # type: ignore[attr-defined]
            # A status callback got here first and moved the row on; keep its status.
            session.execute(
                update(OM)
                .where(OM.id == row.id, OM.provider_id.is_(None))
                .values(provider_id=result.provider_id, sent_at=now, latency_ms=latency)
                .execution_options(synchronize_session=False)
            )


def backoff(attempts: int) -> float:
    cfg = context.current().config
    base = min(cfg.retry_base * 2 ** max(attempts - 1, 0), cfg.retry_max)
    return base * random.uniform(0.8, 1.2)


def _record_retry(row: OutboundMessage, exc: TransientError, now: datetime) -> None:
    cfg = context.current().config
    if row.attempts >= cfg.max_attempts:
        _record_failure(row, PermanentError(f"gave up after {row.attempts} attempts: {exc.reason}", code=exc.code), now)
        return
    due = now + timedelta(seconds=backoff(row.attempts))
    with context.current().sessions.begin() as session:
        session.execute(
            update(OM)
            .where(OM.id == row.id, OM.status == Status.sending)
            .values(
                status=Status.queued, next_attempt_at=due, enqueued_at=now, last_error=exc.reason[:1000],
                uncertain=row.uncertain or exc.uncertain,
            )
            .execution_options(synchronize_session=False)
        )
    log.info("message %s: %s; retry %s at %s", row.id, exc.reason, row.attempts + 1, due.isoformat())
    context.current().enqueue(f"deliver_{row.channel}", (row.id,), outbox.delay_ms_until(due, now))


def _record_failure(row: OutboundMessage, exc: PermanentError, now: datetime) -> None:
    with context.current().sessions.begin() as session:
        failed = session.execute(
            update(OM)
            .where(OM.id == row.id, OM.status == Status.sending)
            .values(status=Status.failed, last_error=exc.reason[:1000], final_at=now)
            .execution_options(synchronize_session=False)
        )
        if not failed.rowcount:  # type: ignore[attr-defined]
            return
        if exc.opted_out:
            session.merge(SmsOptOut(phone=row.to_address, opted_out=True, keyword="carrier", updated_at=now))
        if row.kind == "alert":
            return  # an alert that cannot be delivered does not raise another alert
        person = session.get(Person, row.person_id) if row.person_id else None
        notes = alerts.message_failed(
            session,
            school_id=row.school_id,
            channel=row.channel,
            address=row.to_address,
            recipient_name=person.name if person else None,
            reason=exc.reason,
            about=row.subject or row.body_text[:80],
        )
        outbox.queue(session, notes, now=now)
    log.warning("message %s failed permanently: %s", row.id, exc.reason)


def _release(row: OutboundMessage, reason: str) -> None:
    try:
        with context.current().sessions.begin() as session:
            session.execute(
                update(OM)
                .where(OM.id == row.id, OM.status == Status.sending)
                .values(status=Status.queued, last_error=reason[:1000], uncertain=True)
                .execution_options(synchronize_session=False)
            )
    except Exception:
        log.exception("could not release message %s; the sweeper will find it", row.id)
