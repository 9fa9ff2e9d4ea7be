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

from messaging import actors, context, outbox, quiet_hours
from messaging.models import OutboundEvent as On
from messaging.models import OutboundMessage, Status, may, target
from messaging.outbound import failures
from messaging.outbound.claims import SLACK, Claimed, claim, claim_many, record_sent
from messaging.outbound.failures import PermanentFailure
from messaging.outbound.transports import (
    ConfigurationError,
    PermanentError,
    Reconciling,
    SendResult,
    TransientError,
)
from workflow.base import utcnow

log = logging.getLogger(__name__)
# Delayed broker messages arrive within about one poll interval (the worker timeout, 100 ms) of
# their time: a paced SMS comes back this much before its slot and sleeps the rest in-thread.
EARLY_RETURN_SECONDS = 0.2
# Back later than this after its slot, a paced SMS takes a new slot instead of sending at once.
LATE_SECONDS = 0.25
OM = OutboundMessage


def deliver_email(*message_ids: int) -> None:
    """The `deliver_email` actor: claim at once (the common case); if that fails, see why.

    Several ids (the rows one commit queued) are claimed in one statement, sent one after the
    other on this thread's SMTP connection, and recorded in one round trip; the rows the batch
    claim did not take (not due, left by a stopped worker, already done) go the single way."""
    if len(message_ids) > 1:
        message_ids = _deliver_batch(message_ids)
    for message_id in message_ids:
        if not attempt(message_id):
            _not_claimed(message_id, "email")


def _deliver_batch(message_ids: tuple[int, ...]) -> tuple[int, ...]:
    """Deliver the due rows among these; returns the ids it did not claim."""
    ctx = context.current()
    with ctx.single_statements() as connection:
        rows = claim_many(connection, message_ids, utcnow())
    sent: list[tuple[Claimed, SendResult]] = []
    try:
        for index, row in enumerate(rows):
            try:
                result = ctx.transports[row.channel].send(row)
            except PermanentError as exc:
                _record_failure(row, exc, utcnow())
            except TransientError as exc:
                _record_retry(row, exc, utcnow())
            except Exception as exc:
                for unsent in rows[index:]:  # let them go, so they are tried again; then Dramatiq retries
                    _release(unsent, f"internal error: {exc!r}")
                raise
            else:
                sent.append((row, result))
    finally:
        record_sent(sent, utcnow())
    taken = {row.id for row in rows}
    return tuple(i for i in message_ids if i not in taken)


def deliver_sms(message_id: int, slot: float | None = None) -> None:
    """The `deliver_sms` actor. SMS are paced per sender number before they are claimed.

    `slot` is the wall-clock time (epoch seconds) an SMS was paced to. The broker's delay is only
    as precise as its polling, so a paced message comes back a little early and waits in-thread;
    one the broker returned late takes a new slot rather than bursting.
    """
    ctx = context.current()
    if slot is not None and time.time() <= slot + LATE_SECONDS:
        if _near(message_id, slot):
            attempt(message_id, slot)
        return
    with ctx.sessions() as session:
        head = session.execute(
            select(OM.status, OM.next_attempt_at, OM.from_address, OM.segments).where(OM.id == message_id)
        ).one_or_none()
    due = head is not None and (
        head.status == Status.sending  # possibly left by a dead worker: the claim decides
        or (head.status == Status.queued and head.next_attempt_at <= utcnow() + SLACK)
    )
    if not due:
        _not_claimed(message_id, "sms")
        return
    assert head is not None
    if ctx.pacer is not None:
        slot = time.time() + ctx.pacer.reserve(head.from_address, head.segments or 1)
        if not _near(message_id, slot):
            return
    if not attempt(message_id, slot):
        _not_claimed(message_id, "sms")


def _not_claimed(message_id: int, channel: str) -> None:
    """The row was not ours to send: already done, not yet due, or gone. Only 'not yet due'
    (quiet hours, a retry's backoff) needs anything: come back when it is."""
    ctx = context.current()
    now = utcnow()
    with ctx.sessions() as session:
        head = session.execute(select(OM.status, OM.next_attempt_at).where(OM.id == message_id)).one_or_none()
    if head is None:
        log.info("message %s does not exist (rolled back?); nothing to send", message_id)
    elif head.status == Status.queued and head.next_attempt_at > now + SLACK:
        ctx.enqueue(actors.deliver(channel), (message_id,), outbox.delay_ms_until(head.next_attempt_at, now))


def _near(message_id: int, slot: float) -> bool:
    """True if the slot is near enough to wait for in-thread; else hand the message back to the
    broker to return shortly before it."""
    wait = slot - time.time()
    if wait <= EARLY_RETURN_SECONDS:
        return True
    context.current().enqueue(actors.DELIVER_SMS, (message_id, slot), int((wait - EARLY_RETURN_SECONDS) * 1000))
    return False


# A first attempt this long after the row was written is late, and quiet hours are checked again.
LATE = timedelta(seconds=60)


def attempt(message_id: int, slot: float | None = None) -> bool:
    """Claim the row and send it (at `slot`, if paced: claimed first so the database never makes
    a paced message late). False if the row was not there to claim."""
    ctx = context.current()
    now = utcnow()
    with ctx.single_statements() as connection:
        row, recovering = claim(connection, message_id, now)
    if row is None:
        return False
    if row.channel == "sms" and (row.attempts > 1 or now - row.created_at > LATE) and _defer_for_quiet_hours(row, now):
        return True
    if slot is not None and slot > time.time():
        time.sleep(slot - time.time())
    transport = ctx.transports[row.channel]
    try:
        if recovering and isinstance(transport, Reconciling):
            found = _already_sent(row, transport)
            if found is not None:
                record_sent([(row, found)], utcnow())
                return True
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
        record_sent([(row, result)], utcnow())
    return True


def _already_sent(row: Claimed, transport: Reconciling) -> SendResult | None:
    candidates = transport.accepted(row)
    if not candidates:
        return None
    with context.current().sessions() as session:
        for provider_id in candidates:
            taken = session.scalar(select(exists().where(OM.provider_id == provider_id, OM.id != row.id)))
            if not taken:
                return SendResult(provider_id=provider_id, detail="already accepted before an interruption")
    return None


def backoff(attempts: int) -> float:
    cfg = context.current().config
    base = min(cfg.retry_base * float(2 ** max(attempts - 1, 0)), cfg.retry_max)
    return base * random.uniform(0.8, 1.2)


def _quiet_due(session: Session, row: Claimed, due: datetime) -> datetime:
    if row.channel != "sms":
        return due
    return quiet_hours.quiet_due(session, kind=row.kind, person_id=row.person_id, school_id=row.school_id, due=due)


def _defer_for_quiet_hours(row: Claimed, now: datetime) -> bool:
    """A later attempt (a retry that came back late, a row reclaimed from a worker that stopped,
    Dramatiq's retry after an internal error) or a late first one (a backlog, the sweeper after
    the broker lost it) may come inside quiet hours: put the row back until they end. True if it
    was put back. A first attempt on time was timed when the row was queued: no look-up for it."""
    with context.current().sessions.begin() as session:
        due = _quiet_due(session, row, now)
        if due <= now:
            return False
        session.execute(
            update(OM)
            .where(OM.id == row.id, may(OM.status, On.retry))
            .values(status=target(On.retry), next_attempt_at=due, enqueued_at=now, attempts=OM.attempts - 1)
            .execution_options(synchronize_session=False)
        )
    log.info("message %s: quiet hours; held until %s", row.id, due.isoformat())
    context.current().enqueue(actors.deliver(row.channel), (row.id,), outbox.delay_ms_until(due, now))
    return True


def _record_retry(row: Claimed, exc: TransientError, now: datetime) -> None:
    cfg = context.current().config
    configuration = isinstance(exc, ConfigurationError)
    if row.attempts >= cfg.max_attempts and not configuration:
        _record_failure(row, PermanentError(f"gave up after {row.attempts} attempts: {exc.reason}", code=exc.code), now)
        return
    # A held message tries again at the longest backoff, and the hold is not counted as one of its
    # attempts: once the setting is fixed, a 429 in the backlog must not find it out of retries.
    wait = cfg.retry_max * random.uniform(0.8, 1.2) if configuration else backoff(row.attempts)
    due = now + timedelta(seconds=wait)
    with context.current().sessions.begin() as session:
        due = _quiet_due(session, row, due)
        session.execute(
            update(OM)
            .where(OM.id == row.id, may(OM.status, On.retry))
            .values(
                status=target(On.retry),
                next_attempt_at=due,
                enqueued_at=now,
                last_error=exc.reason[:1000],
                uncertain=row.uncertain or exc.uncertain,
                attempts=OM.attempts - 1 if configuration else OM.attempts,
            )
            .execution_options(synchronize_session=False)
        )
    if configuration:
        # Not this message's fault, and no alert email could get through either: hold every
        # message (no giving up) and tell the operator, who must fix the setting.
        log.error("message %s held: %s; retry at %s", row.id, exc.reason, due.isoformat())
    else:
        log.info("message %s: %s; retry %s at %s", row.id, exc.reason, row.attempts + 1, due.isoformat())
    context.current().enqueue(actors.deliver(row.channel), (row.id,), outbox.delay_ms_until(due, now))


def _record_failure(row: Claimed, exc: PermanentError, now: datetime) -> None:
    with context.current().sessions.begin() as session:
        failed = session.execute(
            update(OM)
            .where(OM.id == row.id, may(OM.status, On.fail))
            .values(status=target(On.fail), last_error=exc.reason[:1000], final_at=now)
            .execution_options(synchronize_session=False)
        )
        if not failed.rowcount:  # type: ignore[attr-defined]
            return
        failure = PermanentFailure(
            channel=row.channel,
            address=row.to_address,
            reason=exc.reason,
            about=row.subject or row.body_text[:80],
            alert=failures.alert_for(session, row),
            opted_out=exc.opted_out,
        )
        failures.record_permanent_failure(session, failure, now)
    log.warning("message %s failed permanently: %s", row.id, exc.reason)


def _release(row: Claimed, reason: str) -> None:
    try:
        with context.current().sessions.begin() as session:
            session.execute(
                update(OM)
                .where(OM.id == row.id, may(OM.status, On.retry))
                .values(status=target(On.retry), last_error=reason[:1000], uncertain=True)
                .execution_options(synchronize_session=False)
            )
    except Exception:
        log.exception("could not release message %s; the sweeper will find it", row.id)
